"""数据查询与下载: the filtered table on screen, and exactly that table as CSV, Excel or Parquet."""

import streamlit as st

from dashboard import answers, queries
from dashboard.queries import chinese_headers
from dashboard.ui import data_table, downloads, filters, generated_banner, page_title, short_label, warehouse_ready
from etl.template import all_keys

#: Rows the on-screen table holds and the page asks for: a browser grid of a million rows
#: takes seconds each time the page runs, and nobody scrolls it; the downloads hold every
#: row, asked when a button is clicked.
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
    chosen, keys = filters(), tuple(metrics)
    rows = answers.agency_year_rows(chosen)
    shown = chinese_headers(answers.agency_year(chosen, keys, SHOWN_ROWS))
    cut = f"表格显示前 {SHOWN_ROWS:,} 行，下载包含全部。" if rows > SHOWN_ROWS else ""
    st.caption(f"{rows:,} 行（每行一份报告）。{cut}空白表示报告中没有该项（未报告），0 表示报告填写为 0。")
    data_table(shown, hide_index=True)
    downloads(answers.when_clicked(queries.agency_year_download, chosen, keys), "政府信息公开年报数据", rows)
