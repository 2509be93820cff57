"""依申请公开: requests received and carried over, who asks, and which agencies receive most."""

import plotly.express as px
import streamlit as st

from dashboard import answers
from dashboard.charts import chart, top_agencies
from dashboard.ui import filters, fmt_count, generated_banner, page_title, warehouse_ready
from etl.template import APPLICANT_COLUMN_KEYS, REQUEST_COLUMNS

NAMES = {c.key: c.label for c in REQUEST_COLUMNS}

page_title("依申请公开")
if warehouse_ready():
    generated_banner()
    chosen = filters()
    flow = answers.sums_by_year(chosen, ("requests.new_received.total", "requests.carried_over.total"))
    flow = flow.rename(columns={"requests.new_received.total": "本年新收", "requests.carried_over.total": "上年结转"})
    chart(
        px.bar,
        flow,
        x="year",
        y=["本年新收", "上年结转"],
        barmode="group",
        title="收到的申请（件）",
        labels={"year": "年度", "value": "件", "variable": ""},
    )
    kinds = answers.sums_by_year(chosen, tuple(f"requests.new_received.{c}" for c in APPLICANT_COLUMN_KEYS))
    kinds = kinds.rename(columns={f"requests.new_received.{c}": NAMES[c] for c in APPLICANT_COLUMN_KEYS})
    long = kinds.melt(id_vars="year", var_name="申请人", value_name="件")
    chart(
        px.bar,
        long,
        x="year",
        y="件",
        color="申请人",
        title="按申请人类型（自然人与五类法人或其他组织）",
        labels={"year": "年度"},
    )
    agencies = answers.by_agency(chosen, ("requests.new_received.total",))
    agencies = agencies.rename(columns={"requests.new_received.total": "新收申请"})
    left, right = st.columns(2)
    with left:
        top_agencies(agencies, "新收申请", "新收申请最多的机关（所选年度合计）", "件", count=20)
    with right:
        spread = agencies[["新收申请"]].dropna()  # the one column drawn: the chart is known by its data's hash
        chart(
            px.histogram,
            spread,
            x="新收申请",
            nbins=40,
            log_y=True,
            title="各机关收到申请数的分布（多数机关很少）",
            labels={"新收申请": "新收申请（件）"},
            yaxes={"title_text": "机关数", "dtick": 1},  # a log axis: 1, 10, 100 only, not 2 and 5 between
        )
    st.caption(
        f"共 {len(agencies)} 个机关；中位数 {fmt_count(agencies['新收申请'].median())} 件，合计 {fmt_count(agencies['新收申请'].sum())} 件。"
    )
