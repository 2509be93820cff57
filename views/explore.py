"""数据查询与下载: the filtered table on screen, and exactly that table as CSV, Excel or Parquet."""

import streamlit as st

from dashboard import answers
from dashboard.queries import chinese_headers
from dashboard.ui import data_table, downloads, filters, generated_banner, page_title, short_label, warehouse_ready
from etl.template import all_keys

#: Rows the on-screen table holds: a browser grid of a million rows takes seconds each time the
#: page runs, and nobody scrolls it; the downloads hold every row.
SHOWN_ROWS = 50_000

DEFAULT = (
    "requests.new_received.total",
    "requests.granted.total",
    "requests.total_processed.total",
    "appeals.review.total",
    "active.penalty.decisions",
)

page_title("数据查询与下载")
if warehouse_ready():
    generated_banner()
    metrics = st.multiselect(
        "指标", all_keys(), default=list(DEFAULT), format_func=short_label, key="metrics", bind="query-params"
    )
    table = answers.agency_year(filters(), tuple(metrics))
    shown = chinese_headers(table)
    cut = f"表格显示前 {SHOWN_ROWS:,} 行，下载包含全部。" if len(shown) > SHOWN_ROWS else ""
    st.caption(f"{len(shown):,} 行（每行一份报告）。{cut}空白表示报告中没有该项（未报告），0 表示报告填写为 0。")
    data_table(shown.head(SHOWN_ROWS), hide_index=True)
    downloads(shown, "政府信息公开年报数据")
