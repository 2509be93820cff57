"""地区分布: a chosen indicator by province on a tile map; a click on a province filters
every page to it."""

import pandas as pd
import streamlit as st

from dashboard import tile_map
from dashboard.ui import (
    about_indicators,
    data_table,
    filters,
    fmt_count,
    fmt_rate,
    generated_banner,
    headed,
    page_title,
    warehouse_ready,
)
from etl.indicators import rankable_by_name

page_title("地区分布")


def choose_province() -> None:
    """A click on a tile: that province becomes the sidebar's province filter (and the link's)."""
    points = st.session_state.get("region-map", {}).get("selection", {}).get("points", [])
    provinces = [point.get("customdata", [None])[0] for point in points if point.get("customdata")]
    if provinces and provinces[0]:
        st.session_state["province"] = [provinces[0]]


if warehouse_ready():
    generated_banner()
    chosen = filters()
    indicators = rankable_by_name()
    name = st.selectbox("指标", list(indicators), key="region-indicator", bind="query-params")
    indicator = indicators[name]
    by_province, figure = tile_map.province_map(chosen, name)
    st.plotly_chart(
        figure,
        width="stretch",
        key="region-map",
        on_select=choose_province,
        selection_mode="points",
        config={"displaylogo": False},
    )
    st.caption("点击省份即按该省筛选所有页面（侧栏“省份”随之改变，可再清除）。分母为零或未报告的省份显示“—”。")
    about_indicators(indicator)
    table = headed(by_province[["province", "rate", "cases"]], rate=name, cases="分母（件）")
    table[name] = table[name].map(fmt_rate)
    table["分母（件）"] = table["分母（件）"].map(fmt_count)
    data_table(pd.DataFrame(table), hide_index=True)
