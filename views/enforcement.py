"""主动公开与执法: 行政处罚, 行政强制, 行政许可 decisions, fees, and rules made/repealed/in force."""

import plotly.express as px
import streamlit as st

from dashboard import answers
from dashboard.charts import chart, top_agencies
from dashboard.ui import filters, generated_banner, labelled, page_title, warehouse_ready

page_title("主动公开与执法")
st.info(
    "跨越 2021 年模板修订可比的序列：行政许可、行政处罚、行政强制的处理决定数量，以及规章、规范性文件的制发件数。"
    "2019 版的“本年新公开数量”“对外公开总数量”与 2021 版的“本年废止件数”“现行有效件数”不可直接比较；"
    "行政事业性收费在 2019 版是项目数，2021 版起是金额（万元）。"
)
if warehouse_ready():
    generated_banner()
    chosen = filters()
    keys = ("active.licensing.decisions", "active.penalty.decisions", "active.coercion.decisions")
    decisions = labelled(answers.sums_by_year(chosen, keys))
    chart(
        px.line,
        decisions,
        x="year",
        y=list(decisions.columns[1:]),
        markers=True,
        log_y=True,
        title="处理决定数量（对数刻度）",
        labels={"year": "年度", "value": "件", "variable": ""},
    )
    top_agencies(
        answers.by_agency(chosen, ("active.penalty.decisions",)), "active.penalty.decisions", "行政处罚决定最多的机关", "件"
    )
    left, right = st.columns(2)
    with left:
        fees = answers.sums_by_year(chosen, ("active.fees.amount_wan",)).rename(
            columns={"active.fees.amount_wan": "收费金额（万元）"}
        )
        chart(
            px.bar,
            fees,
            x="year",
            y="收费金额（万元）",
            title="行政事业性收费金额（2021 版起；此前未报告）",
            labels={"year": "年度"},
        )
    with right:
        docs = answers.sums_by_year(
            chosen,
            (
                "active.regulations.made",
                "active.normative_docs.made",
                "active.normative_docs.repealed",
                "active.normative_docs.in_force",
            ),
        )
        chart(
            px.bar,
            labelled(docs),
            x="year",
            y=list(labelled(docs).columns[1:]),
            barmode="group",
            title="规章与规范性文件",
            labels={"year": "年度", "value": "件", "variable": ""},
        )
