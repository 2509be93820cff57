"""The dashboard: page config, the filters every page shares (kept in the URL), navigation."""

from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.ui import ask, db_path

st.set_page_config(page_title="政府信息公开年度报告分析", page_icon=":material/dashboard:", layout="wide")

PAGES = [
    st.Page("views/overview.py", title="总览", icon=":material/dashboard:", default=True),
    st.Page("views/requests.py", title="依申请公开", icon=":material/mail:"),
    st.Page("views/outcomes.py", title="办理结果", icon=":material/fact_check:"),
    st.Page("views/enforcement.py", title="主动公开与执法", icon=":material/gavel:"),
    st.Page("views/procurement.py", title="政府集中采购", icon=":material/receipt_long:"),
    st.Page("views/appeals.py", title="复议诉讼", icon=":material/account_balance:"),
    st.Page("views/compare.py", title="机关对比", icon=":material/compare_arrows:"),
    st.Page("views/agencies.py", title="机关名录", icon=":material/apartment:"),
    st.Page("views/explore.py", title="数据查询与下载", icon=":material/download:"),
    st.Page("views/quality.py", title="数据质量", icon=":material/health_and_safety:"),
    st.Page("views/report.py", title="报告详情", icon=":material/description:"),
    st.Page("views/import_reports.py", title="导入报告", icon=":material/upload_file:"),
]

page = st.navigation(PAGES)

with st.sidebar:
    st.header("筛选")
    if not queries.is_empty(db_path()):
        choices = ask("options")
        years = [int(y) for y in choices["year"]]
        if len(years) > 1:
            st.slider("年度", min(years), max(years), (min(years), max(years)), key="years", bind="query-params")
        st.multiselect("省份", choices["province"], key="prov", bind="query-params", placeholder="全部")
        chosen_provinces = set(st.session_state.get("prov") or ())
        kept = set(st.session_state.get("city") or ())  # a chosen city stays listed even outside the chosen provinces
        cities = [c for c, p in choices["city_province"] if not chosen_provinces or p in chosen_provinces or c in kept]
        st.multiselect("城市", list(dict.fromkeys(cities)), key="city", bind="query-params", placeholder="全部")
        st.multiselect("层级", choices["level"], key="level", bind="query-params", placeholder="全部")
        st.multiselect("机关类别", choices["kind"], key="kind", bind="query-params", placeholder="全部")
        st.multiselect("机关", choices["name"], key="agency", bind="query-params", placeholder="全部")
        st.multiselect("模板版本", choices["template"], key="tpl", bind="query-params", placeholder="全部")
        st.radio("演示数据", ["包含", "排除"], key="gen", horizontal=True, bind="query-params")
        st.caption("筛选条件保存在网址中，复制链接即可分享当前视图。")

page.run()
