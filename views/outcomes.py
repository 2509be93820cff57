"""办理结果: the outcome mix by year, reasons inside each group, and the rates of TEMPLATE.md."""

from typing import Any

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import answers
from dashboard.charts import bars_height, chart, wrapped
from dashboard.ui import (
    COUNT,
    about_indicators,
    data_table,
    filters,
    generated_banner,
    headed,
    page_title,
    rates_as_text,
    short_label,
    warehouse_ready,
)
from etl.indicators import CARRY_FORWARD, DISCLOSURE, OUTCOME_COLOURS, outcome_share
from etl.template import OUTCOME_LABELS, outcome_leaves


def outcome_bars(long: pd.DataFrame, title: str, labels: dict[str, str]) -> Any:
    """The outcome mix by year as stacked bars, one colour per outcome."""
    return px.bar(
        long, x="year", y="件", color="结果", title=title, labels={"year": "年度", **labels}, color_discrete_map=OUTCOME_COLOURS
    )


page_title("办理结果")
if warehouse_ready():
    generated_banner()
    chosen = filters()
    leaves = outcome_leaves()
    every_leaf = tuple(key for keys in leaves.values() for key in keys)
    rates_shown = (DISCLOSURE, outcome_share("denied"), outcome_share("unable"), CARRY_FORWARD)
    data = answers.sums_by_year(chosen, tuple(dict.fromkeys((*every_leaf, *(k for r in rates_shown for k in r.keys)))))
    mix = data[["year"]].copy()
    for name, label in OUTCOME_LABELS.items():
        mix[label] = data[list(leaves[name])].sum(axis=1, min_count=1)
    long = mix.melt(id_vars="year", var_name="结果", value_name="件")
    left, right = st.columns(2)
    with left:
        chart(outcome_bars, long, "办理结果（件）", {})
    with right:
        chart(
            outcome_bars,
            long,
            "办理结果构成（占比）",
            {"件": "占比（%）"},
            layout={"barnorm": "percent"},
            yaxes={"ticksuffix": "%"},
        )
    reasons = [
        {"类别": OUTCOME_LABELS[group], "原因": wrapped(short_label(key).split("｜")[0]), "件": data[key].sum(min_count=1)}
        for group in ("denied", "unable", "not_processed")
        for key in leaves[group]
    ]
    chart(
        px.bar,
        reasons,
        x="件",
        y="原因",
        color="类别",
        orientation="h",
        title="不予公开、无法提供、不予处理的原因（所选年度合计）",
        height=bars_height([str(reason["原因"]) for reason in reasons]),
        labels={"原因": ""},
        color_discrete_map=OUTCOME_COLOURS,
    )
    rates = mix[["year"]].copy()
    for indicator in rates_shown:
        rates[indicator.name] = indicator.of(data)
    rates["办理总计（分母）"] = data["requests.total_processed.total"]
    st.subheader("比率（分母为零时显示“—”）")
    about_indicators(*rates_shown)
    shown = rates_as_text(rates, [indicator.name for indicator in rates_shown])
    data_table(headed(shown), formats={"办理总计（分母）": COUNT}, hide_index=True)
