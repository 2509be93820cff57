"""Every chart of the dashboard, drawn one way: numbers written out, years as categories,
hovers in words, gaps where a year has no report, the 2021 template marked, a CSV of the
numbers under it. A finished chart is kept with the answers (within their budget), keyed
by its data and options: plotly takes 40–80 ms to make and dress one, on every run of a
page."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from typing import Any, NamedTuple

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import answers
from etl.export import render

#: Axis titles that mean years: a year is a category on a chart (2019, 2020 …), never 2,019.5.
YEAR_TITLES = frozenset({"年度", "year"})
#: Column names plotly would print as they are, in words.
CHART_WORDS = {"year": "年度", "count": "数量", "value": "数值", "variable": "指标"}


class Finished(NamedTuple):
    """A chart ready to draw: its figure (None when it has nothing to draw), its title and
    the CSV of its numbers (empty when it has none)."""

    figure: Any | None
    title: str
    csv: bytes


def chart(
    make: Callable[..., Any],
    *args: Any,
    empty: str = "当前筛选下没有这项数据。",
    layout: dict[str, Any] | None = None,
    yaxes: dict[str, Any] | None = None,
    **options: Any,
) -> None:
    """The figure ``make(*args, **options)`` makes (a plotly express call, say), with
    ``layout`` and ``yaxes`` updated, drawn as every chart here is: numbers written out
    with thousands separators (no k or M), years as categories, hover texts and facet
    titles in words without "name=" codes, and the toolbar at the side, off the title. A
    chart with nothing to draw is a sentence (``empty``) under its title, not empty axes.
    The finished figure is shared by every session: nothing may change it after."""

    def finish() -> Finished:
        figure = make(*args, **options).update_layout(layout or {}).update_yaxes(yaxes or {})
        title = figure.layout.title.text or ""
        if not _has_data(figure):
            return Finished(None, title, b"")
        dress(figure)
        data = chart_data(figure)
        return Finished(figure, title, render(data, "csv") if len(data) else b"")

    finished = answers.KEPT.get(("chart", chart_key(make, args, {**options, "layout": layout, "yaxes": yaxes})), finish)
    if finished.figure is None:
        st.markdown(f"**{finished.title}**" if finished.title else "")
        st.info(empty, icon=":material/bar_chart_off:")
        return
    st.plotly_chart(finished.figure, width="stretch", config={"displaylogo": False})
    if finished.csv:
        st.download_button(
            "下载此图数据（CSV）",
            finished.csv,
            file_name=f"{finished.title or '图表'}.csv",
            mime="text/csv",
            on_click="ignore",
            type="tertiary",
            icon=":material/download:",
        )


def chart_key(make: Callable[..., Any], args: tuple[Any, ...], options: dict[str, Any]) -> str:
    """What a chart is made of, as one digest: the function that makes it (and where it
    is defined), every row of its frames and every option's value."""
    digest = hashlib.blake2b(digest_size=20)
    code = getattr(make, "__code__", None)
    where = f"{code.co_filename}:{code.co_firstlineno}" if code is not None else ""
    digest.update(f"{make.__module__}.{make.__qualname__}@{where}".encode())
    for value in args:
        digest.update(b"\x00arg\x00" + _value_bytes(value))
    for name, value in sorted(options.items()):
        digest.update(f"\x00{name}=\x00".encode() + _value_bytes(value))
    return digest.hexdigest()


def _value_bytes(value: Any) -> bytes:
    """A value as bytes that differ whenever it does: a frame by its columns, types, shape
    and the hash of every row; anything else by its pickle (a repr cuts long arrays short)."""
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):
        about = repr((list(value.columns), [str(t) for t in value.dtypes], value.shape)).encode()
        try:
            return about + pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        except TypeError:  # a column of lists or other unhashable values
            return about + pickle.dumps(value, protocol=5)
    return pickle.dumps(value, protocol=5)


def dress(figure: Any) -> None:
    """The dashboard's look, given to a figure in place."""
    figure.update_layout(
        margin={"l": 10, "r": 10, "t": MARGIN_TOP, "b": MARGIN_BOTTOM},
        legend_title_text="",
        font_family="Noto Sans CJK SC, sans-serif",
        separators=".,",
        modebar_orientation="v",
        # Below the chart, in rows: beside it, a legend of long names takes a phone's width.
        legend={"orientation": "h", "yanchor": "top", "y": legend_top(figure.layout.height), "xanchor": "left", "x": 0},
    )
    figure.update_yaxes(exponentformat="none", separatethousands=True, hoverformat=",.4~f")
    figure.update_xaxes(exponentformat="none", separatethousands=True, hoverformat=",.4~f")
    figure.for_each_xaxis(_years_as_categories)
    figure.for_each_yaxis(_years_as_categories)
    figure.for_each_annotation(lambda note: note.update(text=note.text.split("=")[-1]))
    figure.for_each_trace(_hover_in_words)
    _gaps_for_missing_years(figure)
    _mark_template_change(figure)


#: A chart's margins above and below its plot (pixels), and its height when none is given (plotly's).
MARGIN_TOP, MARGIN_BOTTOM = 48, 10
CHART_HEIGHT = 450
#: Pixels from the plot's foot to the legend's top: room for the axis' ticks and title.
LEGEND_BELOW = 86


def legend_top(height: int | None) -> float:
    """Where the legend's top stands, as plotly places it (a share of the plot's height
    below its foot): the same distance in pixels under a tall chart as under a short one
    (a share of a tall chart's height left a wide gap above the legend)."""
    plot = (height or CHART_HEIGHT) - MARGIN_TOP - MARGIN_BOTTOM
    return -LEGEND_BELOW / plot


#: The year the revised template (国办公开办函〔2021〕30号) first applies to.
TEMPLATE_CHANGE_YEAR = 2021


def _chart_years(figure: Any) -> list[int]:
    """The years a year axis spans, every one from the first to the last."""
    years = {int(x) for trace in figure.data for x in (trace.x if trace.x is not None else ()) if str(x).isdigit()}
    return list(range(min(years), max(years) + 1)) if years else []


def _gaps_for_missing_years(figure: Any) -> None:
    """A year with no report is a gap on the axis, and a line breaks there: it is not a
    zero, and a straight line across it would draw numbers nobody reported."""
    if figure.layout.xaxis.type != "category":
        return
    years = _chart_years(figure)
    if not years:
        return
    figure.update_xaxes(categoryorder="array", categoryarray=years)
    for trace in figure.data:
        if trace.x is None or trace.y is None or trace.customdata is not None or trace.type != "scatter":
            continue
        values = {int(x): y for x, y in zip(trace.x, trace.y, strict=False) if str(x).isdigit()}
        if len(values) < len(years):
            trace.update(x=years, y=[values.get(year) for year in years], connectgaps=False)


def _mark_template_change(figure: Any) -> None:
    """A dotted line where the years cross into the 2021 template, which changed what some
    rows count (其他处理 split, procurement dropped): a step there may be the template's."""
    if figure.layout.xaxis.type != "category":
        return
    years = _chart_years(figure)
    if not years or years[0] >= TEMPLATE_CHANGE_YEAR or years[-1] < TEMPLATE_CHANGE_YEAR:
        return
    position = next(i for i, year in enumerate(years) if year >= TEMPLATE_CHANGE_YEAR) - 0.5
    figure.add_vline(
        x=position,
        line_dash="dot",
        line_color="#9e9e9e",
        annotation_text="2021 版模板",
        annotation_position="top right",
        annotation_font_color="#757575",
        row="all",
        col="all",
    )


#: Characters of a bar's label on one line: a phone's screen leaves the bars room.
LABEL_LINE = 10
#: Pixels a line of a bar's label takes, and the room around each bar; and what the
#: title, the axis and the legend under the chart take.
LINE_HEIGHT = 16
BAR_GAP = 14
CHART_FRAME = 170


def wrapped(label: str) -> str:
    """A long bar label (5.要求行政机关确认或重新出具已获取信息) over lines of even length, so its
    bar keeps the width (never a line of one character left over)."""
    lines = -(-len(label) // LABEL_LINE)
    step = -(-len(label) // lines) if lines else LABEL_LINE
    return "<br>".join(label[i : i + step] for i in range(0, len(label), step))


def bars_height(labels: list[str]) -> int:
    """A horizontal bar chart's height in pixels where every bar has room for the longest
    label's lines (bars are spaced evenly, so the tallest label sets the spacing): with a
    fixed height, labels of two lines ran into each other."""
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    return CHART_FRAME + len(labels) * (lines * LINE_HEIGHT + BAR_GAP)


def chart_data(figure: Any) -> pd.DataFrame:
    """The numbers a chart draws, one row per point: what its CSV download holds."""
    x_title = figure.layout.xaxis.title.text or "x"
    y_title = figure.layout.yaxis.title.text or "y"
    rows = []
    for trace in figure.data:
        if trace.x is None or trace.y is None:
            continue
        for x, y in zip(trace.x, trace.y, strict=False):
            rows.append({"系列": trace.name or "", x_title: _unwrapped(x), y_title: _unwrapped(y)})
    frame = pd.DataFrame(rows)
    return frame.drop(columns=["系列"]) if len(frame) and not frame["系列"].astype(bool).any() else frame


def _unwrapped(value: object) -> object:
    """A label as one line again (``wrapped`` breaks it for the chart, not for the CSV)."""
    return value.replace("<br>", "") if isinstance(value, str) else value


def _has_data(figure: Any) -> bool:
    """Whether any trace has a value to draw: a number that is not missing on its value
    axis (x for a horizontal bar, the values of a pie, the values counted of a histogram,
    y otherwise)."""
    for trace in figure.data:
        if trace.type == "histogram":  # counts its one axis' values: x, or y when turned on its side
            values = trace.x if trace.x is not None else trace.y
        else:
            axis = "x" if getattr(trace, "orientation", None) == "h" else "values" if trace.type == "pie" else "y"
            values = getattr(trace, axis, None)
        if values is not None and any(v is not None and v == v and not isinstance(v, str) for v in values):
            return True
    return False


def _years_as_categories(axis: Any) -> None:
    if axis.title.text in YEAR_TITLES:
        axis.update(type="category", categoryorder="category ascending", hoverformat="")
    if axis.title.text in CHART_WORDS:
        axis.title.text = CHART_WORDS[axis.title.text]


def _hover_in_words(trace: Any) -> None:
    """plotly express writes hovers as 结果=部分公开 and year=2019: a reader's hover says
    结果：部分公开 and 年度：2019."""
    if trace.hovertemplate:
        text = trace.hovertemplate.replace("=%{", "：%{")
        for code, word in CHART_WORDS.items():
            text = text.replace(f"{code}：%{{", f"{word}：%{{")
        trace.hovertemplate = text


def top_agencies(frame: pd.DataFrame, column: str, title: str, unit: str, count: int = 15) -> None:
    """A horizontal bar chart of the agencies with the largest values, largest on top."""
    top = frame.nlargest(count, column)[["agency", column]].iloc[::-1]  # a country's agencies: no sort of them all
    chart(px.bar, top, x=column, y="agency", orientation="h", title=title, labels={"agency": "", column: unit})
