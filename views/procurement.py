"""政府集中采购: projects and amounts (万元) — a table only the 2019 template has."""

import plotly.express as px
import streamlit as st

from dashboard import answers
from dashboard.charts import chart, top_agencies
from dashboard.ui import data_table, filters, fmt_number, generated_banner, headed, page_title, warehouse_ready
from etl.indicators import rate_column

page_title("政府集中采购")
st.warning(
    "2021 年修订的模板删除了“政府集中采购”表：2021 年起（以及仍用 2019 版模板的少数报告之外）的年度显示为“未报告”，不是 0。"
)
if warehouse_ready():
    generated_banner()
    chosen = filters()
    data = answers.sums_by_year(chosen, ("active.procurement.projects", "active.procurement.amount_wan"))
    data = data.rename(
        columns={"active.procurement.projects": "采购项目数量", "active.procurement.amount_wan": "采购总金额（万元）"}
    )
    data["平均每项（万元）"] = rate_column(data, "采购总金额（万元）", "采购项目数量")
    shown = data.copy()
    shown["采购项目数量"] = shown["采购项目数量"].map(lambda v: fmt_number(v, 0))
    for column in ("采购总金额（万元）", "平均每项（万元）"):
        shown[column] = shown[column].map(lambda v: fmt_number(v, 2))
    chart(
        px.bar,
        data.dropna(subset=["采购总金额（万元）"]),
        x="year",
        y="采购总金额（万元）",
        title="采购总金额（万元）",
        labels={"year": "年度"},
    )
    data_table(headed(shown), hide_index=True)
    agencies = answers.by_agency(chosen, ("active.procurement.projects", "active.procurement.amount_wan"))
    top_agencies(agencies, "active.procurement.amount_wan", "采购金额最多的机关（万元）", "万元")
