"""机关对比: agencies side by side, over years, ranked within their peer group."""

from dataclasses import replace

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import answers, comparison
from dashboard.charts import chart
from dashboard.pickers import many_names
from dashboard.queries import Filters
from dashboard.ui import (
    COUNT,
    PERCENT,
    RANK,
    REPORT_LINK,
    about_indicators,
    data_table,
    downloads,
    filters,
    first_rows,
    fmt_rate,
    generated_banner,
    headed,
    latest_report_links,
    page_title,
    rows_open_reports,
    warehouse_ready,
)
from etl.indicators import (
    APPEAL_GROUPS,
    DISCLOSURE,
    PEER_SCOPES,
    RANKED_FROM,
    REVIEW_CORRECTION,
    correction,
    rankable_by_name,
)
from etl.template import OUTCOME_LABELS, outcome_leaves

SIDE_BY_SIDE_KEYS = tuple(
    dict.fromkeys(
        (
            "requests.new_received.total",
            *(key for keys in outcome_leaves().values() for key in keys),
            *(key for group in APPEAL_GROUPS for key in correction(group).keys),
        )
    )
)
SIDE_BY_SIDE_FORMATS = {"年度": st.column_config.NumberColumn(format="%d")}


def side_by_side(years: pd.DataFrame) -> pd.DataFrame:
    """Each chosen agency's years: new requests, the outcome mix and the correction rates
    of review and litigation, each rate with the settled cases it rests on."""
    table = headed(years[["agency", "year", "requests.new_received.total"]], **{"requests.new_received.total": "新收申请"})
    for outcome, label in OUTCOME_LABELS.items():
        table[label] = years[list(outcome_leaves()[outcome])].sum(axis=1, min_count=1)
    for group, label in APPEAL_GROUPS.items():
        indicator = correction(group)
        rates, cases = indicator.of(years), indicator.denominators(years)
        table[f"{label}纠错率"] = [
            "—" if cases_ != cases_ else f"{fmt_rate(rate)}（{cases_:.0f}）" for rate, cases_ in zip(rates, cases, strict=True)
        ]
    return table.sort_values(["机关", "年度"])


def show_ranking(chosen: Filters, scope: str, peer: str | None) -> None:
    """Any indicator ranked within the peer groups: sortable, searchable, outliers marked."""
    st.subheader("按指标排名")
    indicators = rankable_by_name()
    name = st.selectbox("指标", list(indicators), key="rank-by", bind="query-params")
    indicator = indicators[name]
    areas = answers.area_agencies(chosen)
    with_areas = bool(areas) and st.toggle(
        f"包括汇总全市（县、区）数字的报告（{len(areas)} 个机关）",
        key="rank-with-areas",
        help="这些报告的数字是整个地区各机关之和，与单个机关不可比，默认不参加排名",
    )
    ordered = comparison.ranked_by(chosen, scope, name, with_areas)
    if peer:
        ordered = ordered[ordered["同类组"] == peer]
    st.caption(
        f"{indicator.formula}。分母不足 {RANKED_FROM} 件的机关不排名；“明显偏离”：超出同类组四分位距 1.5 倍。"
        "点击列名排序，表格右上角可搜索，点击一行打开该机关的报告。"
    )
    first = first_rows(ordered, "个机关")
    first = first.assign(报告=latest_report_links(first["机关"]))
    rows_open_reports(
        first,
        first["报告"],
        "ranking-table",
        formats={name: PERCENT, "分母（件）": COUNT, "组内排名": RANK, "组内百分位": RANK},
        hide_index=True,
        column_config=REPORT_LINK,
    )
    if len(first) < len(ordered):
        downloads(ordered, f"按{name}排名", len(ordered))


page_title("机关对比")
if warehouse_ready():
    generated_banner()
    chosen = filters()
    names = comparison.agency_names(chosen)
    if not names:
        st.info("当前筛选条件下没有报告。")
        st.stop()
    scope = st.radio(
        "同类组的范围",
        list(PEER_SCOPES),
        key="scope",
        horizontal=True,
        bind="query-params",
        help="同类组：同层级、同类别的机关",
    )
    table = comparison.agencies_ranked(chosen, scope)
    peer = st.selectbox(
        "同类组（同层级、同类别）",
        sorted(table["同类组"].unique()),
        key="peer",
        index=None,
        placeholder="全部",
        bind="query-params",
    )
    picked = many_names(
        "选择要对比的机关",
        names,
        "compare",
        max_selections=12,
        placeholder="不选则显示同类组中申请最多的机关",
    )
    shown = table[table["agency"].isin(picked)] if picked else table[table["同类组"] == peer] if peer else table
    shown = shown.head(30)  # the table comes with the most new requests first
    st.caption(f"仅对所选年度合计收到至少 {RANKED_FROM} 件申请的机关按比率排名；其余机关显示“—”。")
    about_indicators(DISCLOSURE, REVIEW_CORRECTION)
    table_shown = headed(
        shown.assign(
            公开率=shown["公开率"] * 100,
            复议纠错率=shown["复议纠错率"] * 100,
            province=shown["province"].fillna("—"),
            city=shown["city"].fillna("—"),
            报告=latest_report_links(shown["agency"]),
        )[
            [
                "agency",
                "province",
                "city",
                "同类组",
                "新收申请",
                "公开率",
                "公开率排名",
                "组内百分位",
                "复议纠错率",
                "active.penalty.decisions",
                "报告",
            ]
        ],
        **{"active.penalty.decisions": "行政处罚决定"},
    )
    data_table(
        table_shown,
        formats={
            "新收申请": COUNT,
            "公开率": PERCENT,
            "复议纠错率": PERCENT,
            "公开率排名": RANK,
            "组内百分位": RANK,
            "行政处罚决定": COUNT,
        },
        hide_index=True,
        column_config=REPORT_LINK,
    )
    charted = tuple(shown["agency"].head(8))
    years = answers.agency_year(replace(chosen, agencies=charted), SIDE_BY_SIDE_KEYS)
    chart(
        px.line,
        years,
        x="year",
        y="requests.new_received.total",
        color="agency",
        markers=True,
        title="新收申请（逐年）",
        labels={"year": "年度", "requests.new_received.total": "件", "agency": "机关"},
    )

    show_ranking(chosen, scope, peer)
    if picked:
        st.subheader("所选机关逐年对比")
        st.caption("办理结果为件数；纠错率 = 结果纠正 ÷（总计 − 尚未审结），括号内为已审结件数（分母）。")
        data_table(side_by_side(years), hide_index=True, column_config=SIDE_BY_SIDE_FORMATS)
