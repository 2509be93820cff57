"""A finished chart is kept by what it is made of: any change to its data or options is a
different chart, and the same data and options draw the same figure."""

from __future__ import annotations

import pandas as pd
import plotly.express as px

from dashboard.charts import chart_key


def frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"year": [2019 + i % 7 for i in range(rows)], "件": [float(i) for i in range(rows)]})


def test_the_same_chart_has_the_same_key() -> None:
    assert chart_key(px.bar, (frame(10),), {"x": "year"}) == chart_key(px.bar, (frame(10),), {"x": "year"})


def test_any_value_changed_is_another_chart() -> None:
    base = frame(300_000)
    changed = base.copy()
    changed.loc[271_828, "件"] = -1.0  # far past any sample of rows
    missing = base.copy()
    missing.loc[5, "件"] = float("nan")
    keys = {
        chart_key(px.bar, (data,), {"x": "year"})
        for data in (base, changed, missing, base.rename(columns={"件": "元"}), base.astype({"件": "int64"}), base.head(-1))
    }
    assert len(keys) == 6


def test_options_and_the_maker_are_part_of_the_key() -> None:
    data = frame(10)
    keys = {
        chart_key(px.bar, (data,), {"x": "year", "title": "新收申请"}),
        chart_key(px.bar, (data,), {"x": "year", "title": "上年结转"}),
        chart_key(px.bar, (data,), {"x": "year", "title": "新收申请", "yaxes": {"tickformat": ".0%"}}),
        chart_key(px.line, (data,), {"x": "year", "title": "新收申请"}),
        chart_key(px.bar, (data, "新收申请"), {"x": "year"}),
        chart_key(px.bar, (data,), {"x": "year", "labels": {"year": "年度"}}),
        chart_key(px.bar, (data,), {"x": "year", "labels": {"year": "年份"}}),
    }
    assert len(keys) == 7


def test_two_makers_of_one_name_are_told_apart_by_where_they_stand() -> None:
    def bars(data: pd.DataFrame) -> object:
        return px.bar(data, x="year")

    first = bars

    def bars(data: pd.DataFrame) -> object:  # type: ignore[no-redef]  # a page's helper of the same name
        return px.line(data, x="year")

    assert chart_key(first, (frame(3),), {}) != chart_key(bars, (frame(3),), {})
