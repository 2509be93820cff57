"""机关名录: which agencies are in the warehouse, where they are, what they are, and which
years they reported, as a table to filter and download."""

import plotly.express as px
import streamlit as st

from dashboard import answers
from dashboard.charts import chart
from dashboard.directory_table import directory_table
from dashboard.ui import (
    Tile,
    data_table,
    downloads,
    filters,
    first_rows,
    generated_banner,
    page_title,
    tiles,
    warehouse_ready,
)

page_title("机关名录")
if warehouse_ready():
    generated_banner()
    chosen = filters()
    directory = answers.agency_directory(chosen)
    if directory.empty:
        st.info("当前筛选条件下没有报告。")
        st.stop()
    gaps = directory["missing_years"].notna()
    tiles(
        Tile("机关", f"{len(directory):,}"),
        Tile("其中政府", f"{int(directory['is_government'].sum()):,}"),
        Tile("年度报告不连续", f"{int(gaps.sum()):,}", help="在首末年度之间缺少某年的报告"),
        Tile("地区或类别待确认", f"{int(directory['uncertain'].sum()):,}", help="到「数据质量」页下载名单改正"),
    )
    one_province = directory["province"].nunique() == 1
    counts = answers.agency_counts(chosen, "city" if one_province else "province")
    chart(
        px.bar,
        counts,
        x="place",
        y="agencies",
        color="level",
        title="各市机关数（按层级；省级机关计入省）" if one_province else "各省机关数（按层级）",
        labels={"place": "", "agencies": "机关数", "level": "层级"},
        category_orders={"level": ["省", "市", "县", "乡镇", "层级未知"]},
    )
    search = st.text_input("查找机关", placeholder="输入名称的一部分，如 审计 或 株洲", key="directory-search")
    table = directory_table(chosen, search)
    data_table(first_rows(table, "个机关").fillna(""), hide_index=True)
    downloads(table, "机关名录")
