"""地区分布: a chosen indicator by province on a tile map; a click on a province filters
every page to it."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import sample_colorscale

from dashboard import answers
from dashboard.tile_map import tiles
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
from etl.indicators import rankable

#: The rate's scale, light to dark; provinces without a rate are grey.
COLOURS = "Blues"
NO_DATA = "#e6e6e6"

page_title("地区分布")


def choose_province() -> None:
    """A click on a tile: that province becomes the sidebar's province filter (and the link's)."""
    points = st.session_state.get("region-map", {}).get("selection", {}).get("points", [])
    provinces = [point.get("customdata", [None])[0] for point in points if point.get("customdata")]
    if provinces and provinces[0]:
        st.session_state["province"] = [provinces[0]]


def tile_figure(grid: pd.DataFrame, name: str) -> go.Figure:
    """Tiles as squares in the axes' units (so they shrink with a phone's screen), coloured by
    the rate (grey without one), each labelled; invisible points under them carry the hover
    and the click."""
    rates = grid["rate"]
    low, high = (float(rates.min()), float(rates.max())) if rates.notna().any() else (0.0, 1.0)
    span = (high - low) or 1.0
    figure = go.Figure()
    for rate, row, col in zip(rates.astype(float), grid["row"].astype(int), grid["col"].astype(int), strict=True):
        colour = sample_colorscale(COLOURS, [(rate - low) / span])[0] if rate == rate else NO_DATA
        figure.add_shape(
            type="rect",
            x0=col - 0.46,
            x1=col + 0.46,
            y0=-row - 0.46,
            y1=-row + 0.46,
            fillcolor=colour,
            line={"width": 0},
            layer="below",
        )
    dark = rates > low + span * 0.6
    figure.add_trace(
        go.Scatter(
            x=grid["col"],
            y=-grid["row"],
            mode="text",
            text=[f"{short}<br>{fmt_rate(rate)}" for short, rate in zip(grid["short"], rates, strict=True)],
            textfont={"size": 11, "color": ["#ffffff" if d else "#37474f" for d in dark]},
            customdata=list(zip(grid["province"].fillna(""), grid["cases"].map(fmt_count), strict=True)),
            hovertemplate="%{customdata[0]}<br>" + name + "：%{text}<br>分母：%{customdata[1]} 件<extra></extra>",
            showlegend=False,
        )
    )
    figure.add_trace(  # the colour bar, under the map
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={
                "color": [low, high],
                "colorscale": COLOURS,
                "cmin": low,
                "cmax": high,
                "showscale": True,
                "colorbar": {"orientation": "h", "y": -0.08, "thickness": 12, "tickformat": ".0%", "title": {"text": name}},
            },
            hoverinfo="skip",
            showlegend=False,
        )
    )
    return figure


if warehouse_ready():
    generated_banner()
    chosen = filters()
    indicators = {indicator.name: indicator for indicator in rankable()}
    name = st.selectbox("指标", list(indicators), key="region-indicator", bind="query-params")
    indicator = indicators[name]
    agencies = answers.by_agency(chosen, indicator.keys)
    by_province = agencies.groupby(agencies["province"].fillna("地区未知"))[list(indicator.keys)].sum(min_count=1)
    by_province = by_province.reset_index()
    by_province["rate"] = indicator.of(by_province)
    by_province["cases"] = indicator.denominators(by_province)
    grid = tiles(by_province)
    figure = tile_figure(grid, name)
    figure.update_layout(
        title=f"{name}（各省合计；灰色为没有数据的省份）",
        height=520,
        xaxis={"visible": False, "range": [-0.6, 8.6]},
        yaxis={"visible": False, "scaleanchor": "x", "range": [-7.6, 0.6]},
        plot_bgcolor="#ffffff",
        margin={"l": 10, "r": 10, "t": 48, "b": 10},
        font_family="Noto Sans CJK SC, sans-serif",
    )
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
