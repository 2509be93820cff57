"""The dashboard: page config, the filters every page shares (kept in the URL), navigation."""

from __future__ import annotations

import streamlit as st

from dashboard import answers, queries
from dashboard.answers import db_path
from dashboard.pages import PAGES
from dashboard.pickers import many_names
from dashboard.ui import unrecognised_link_values, upgrade_old_link
from etl.warehouse import needs_upgrade

st.set_page_config(page_title="政府信息公开年度报告分析", page_icon=":material/dashboard:", layout="wide")
answers.keep_warm()  # after an ingest publishes, what visitors asked is asked again at once

NAVIGATION = [st.Page(page.script, title=page.title, icon=page.icon, default=page is PAGES[0]) for page in PAGES]

page = st.navigation(NAVIGATION, expanded=True)  # every page in view: no "View more"

with st.sidebar:
    st.header("筛选")
    if not queries.is_empty(db_path()) and not needs_upgrade(db_path()):  # an old file's pages say how to upgrade it
        choices = answers.options()
        upgrade_old_link()
        unknown = unrecognised_link_values(choices)  # before the widgets drop them
        if len(choices.years) > 1 and choices.every_year:
            first, last = choices.every_year
            st.slider("年度", first, last, (first, last), key="years", bind="query-params")
        st.multiselect("省份", choices.provinces, key="province", bind="query-params", placeholder="全部")
        chosen_provinces = set(st.session_state.get("province") or ())
        kept = set(st.session_state.get("city") or ())  # a chosen city stays listed even outside the chosen provinces
        cities = [c for c, p in choices.city_province if not chosen_provinces or p in chosen_provinces or c in kept]
        st.multiselect("城市", list(dict.fromkeys(cities)), key="city", bind="query-params", placeholder="全部")
        st.multiselect("层级", choices.levels, key="level", bind="query-params", placeholder="全部")
        st.multiselect("机关类别", choices.kinds, key="kind", bind="query-params", placeholder="全部")
        many_names("机关", choices.agencies, "agency", placeholder="全部")
        st.multiselect("模板版本", choices.templates, key="template", bind="query-params", placeholder="全部")
        st.radio("演示数据", ["包含", "排除"], key="demo", horizontal=True, bind="query-params")
        st.caption("筛选条件保存在网址中，复制链接即可分享当前视图。")
        if unknown:
            st.warning("链接中有未识别的筛选值，已忽略：" + "；".join(unknown), icon=":material/link_off:")

page.run()
