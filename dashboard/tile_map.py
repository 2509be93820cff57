"""China's provinces as a grid of tiles, one per province-level division, placed roughly
where each lies: a map that needs no boundary data and shows small provinces as large as
big ones (every province is one agency group, whatever its area)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from dashboard import answers
from dashboard.queries import Filters
from dashboard.ui import fmt_count, fmt_rate
from etl.indicators import rankable_by_name

#: The rate's scale, light to dark; provinces without a rate are grey.
COLOURS = "Blues"
NO_DATA = "#e6e6e6"

#: (row, column) of each province's tile, north at the top, the coast on the right.
TILES = {
    "黑龙江": (0, 8),
    "内蒙古": (1, 5),
    "吉林": (1, 8),
    "新疆": (2, 0),
    "甘肃": (2, 3),
    "宁夏": (2, 4),
    "山西": (2, 5),
    "北京": (2, 6),
    "天津": (2, 7),
    "辽宁": (2, 8),
    "西藏": (3, 0),
    "青海": (3, 2),
    "陕西": (3, 4),
    "河南": (3, 5),
    "河北": (3, 6),
    "山东": (3, 7),
    "四川": (4, 3),
    "重庆": (4, 4),
    "湖北": (4, 5),
    "安徽": (4, 6),
    "江苏": (4, 7),
    "上海": (4, 8),
    "云南": (5, 3),
    "贵州": (5, 4),
    "湖南": (5, 5),
    "江西": (5, 6),
    "浙江": (5, 7),
    "广西": (6, 4),
    "广东": (6, 5),
    "福建": (6, 6),
    "台湾": (6, 8),
    "海南": (7, 4),
    "澳门": (7, 5),
    "香港": (7, 6),
}


def short_name(province: str) -> str | None:
    """A province's tile name (湖南 for 湖南省, 广西 for 广西壮族自治区), None if it has none."""
    return next((short for short in TILES if province.startswith(short)), None)


def tiles(values: pd.DataFrame) -> pd.DataFrame:
    """Every tile, with the ``province`` values' other columns where a province has them."""
    grid = pd.DataFrame([{"short": short, "row": row, "col": col} for short, (row, col) in TILES.items()])
    known = values.assign(short=values["province"].map(short_name)).dropna(subset=["short"])
    return grid.merge(known, on="short", how="left")


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


def _province_map(filters: Filters, name: str) -> tuple[pd.DataFrame, go.Figure]:
    """The indicator ``name`` summed per province, and its tile map: made once per version,
    filters and indicator (a country's 142,858 agencies grouped, and the figure drawn, on
    every run of the page). The figure is shared: nothing may change it after."""
    indicator = rankable_by_name()[name]
    agencies = answers.by_agency(filters, indicator.keys)
    by_province = agencies.groupby(agencies["province"].fillna("地区未知"))[list(indicator.keys)].sum(min_count=1)
    by_province = by_province.reset_index()
    by_province["rate"] = indicator.of(by_province)
    by_province["cases"] = indicator.denominators(by_province)
    figure = tile_figure(tiles(by_province), name)
    figure.update_layout(
        title=f"{name}（各省合计；灰色为没有数据的省份）",
        height=520,
        xaxis={"visible": False, "range": [-0.6, 8.6]},
        yaxis={"visible": False, "scaleanchor": "x", "range": [-7.6, 0.6]},
        plot_bgcolor="#ffffff",
        margin={"l": 10, "r": 10, "t": 48, "b": 10},
        font_family="Noto Sans CJK SC, sans-serif",
    )
    return by_province, figure


province_map = answers.made_per_version(_province_map)
