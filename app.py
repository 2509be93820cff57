"""The dashboard's entry point: page config and the warehouse it reads."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from etl.warehouse import WarehouseError, connect_readonly

DB_PATH = Path(os.environ.get("GOV_REPORTS_DB", "data/demo.duckdb"))

st.set_page_config(page_title="政府信息公开年度报告分析", layout="wide")
st.title("政府信息公开工作年度报告")
try:
    connection = connect_readonly(DB_PATH)
    try:
        reports = connection.execute(
            """SELECT a.name AS 机关, r.year AS 年度, r.template AS 模板, r.published AS 发布日期,
                      r.error_count AS 错误, r.warning_count AS 提示
               FROM reports r JOIN agencies a USING (agency_id) WHERE r.is_current ORDER BY a.name, r.year"""
        ).df()
    finally:
        connection.close()
    st.metric("报告数", len(reports))
    st.dataframe(reports, hide_index=True)
except WarehouseError as error:
    st.info(f"{error}。可用 `python -m etl ingest 文件夹 --db {DB_PATH}` 导入报告。")
