"""年报审查: what a 政务公开 office checks in every report of its area, year by year: who
should have reported and who did, on time or late, each body's findings, and the 问题清单
to send back (Excel, Word)."""

import functools
from dataclasses import replace

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import answers, review_tables
from dashboard.charts import chart
from dashboard.pickers import LISTED, chosen_values, listed, named_in_url
from dashboard.review_tables import findings_table, place
from dashboard.ui import (
    Tile,
    data_table,
    filters,
    first_rows,
    generated_banner,
    page_title,
    rows_cut_short,
    tiles,
    warehouse_ready,
)
from etl.audit import RULES, SEVERITIES
from etl.audit.listing import Scope, coverage_table, issue_list_xlsx
from etl.audit.review_document import review_docx

#: What the tables cut short leave to the downloads.
REST = "下载的问题清单包含全部。"


def review_document(found: pd.DataFrame, status: pd.DataFrame, scope: Scope, by_region: bool) -> bytes:
    """The Word file of the review, made when its button is clicked."""
    return review_docx(found, scope, coverage_table(status).rename(columns={"year": "年度"}), by_region)


def show_rules() -> None:
    for rule in RULES:
        st.markdown(f"**{rule.title}**：{rule.explained}")


page_title("年报审查")
if warehouse_ready():
    generated_banner()
    chosen = filters()
    years = answers.options().years
    if not years:
        st.info("当前没有报告。")
        st.stop()
    year = named_in_url("审查年度", sorted(years, reverse=True), "review-year")  # next year's reports keep a link's year
    status = answers.review_status(chosen, int(year))
    found = answers.review_findings(chosen, int(year))
    reported = int(status["reported"].sum())
    late = int((status["on_time"] == False).sum())  # noqa: E712 (a nullable column)
    tiles(
        Tile("应报", f"{len(status):,}", help="名单列明的机关，或其他年度有报告的机关"),
        Tile("已报", f"{reported:,}"),
        Tile("未报", f"{len(status) - reported:,}"),
        Tile("按时公布", f"{int((status['on_time'] == True).sum()):,}"),  # noqa: E712
        Tile("逾期公布", f"{late:,}"),
        Tile("问题", f"{len(found):,}", help="错误、提醒、关注合计"),
    )

    by = "city" if status["province"].nunique() == 1 else "province"
    regions = review_tables.coverage(chosen, int(year), by)
    long = regions.melt(id_vars=[by], value_vars=["按时", "逾期", "日期不明", "未报"], var_name="情况", value_name="机关数")
    chart(
        px.bar,
        long,
        x=by,
        y="机关数",
        color="情况",
        title=f"{year} 年度各{'市' if by == 'city' else '省'}报告情况",
        labels={by: ""},
        color_discrete_map={"按时": "#2e7d32", "逾期": "#ef6c00", "日期不明": "#9e9e9e", "未报": "#c62828"},
        empty="该筛选下没有应报的机关。",
    )

    search = st.text_input(
        "查找机关", placeholder="名称的一部分，如 审计、某某镇、某某街道", key="review-search", bind="query-params"
    )
    status, found = review_tables.searched(chosen, int(year), search)

    missing_tab, bodies_tab, findings_tab, rules_tab = st.tabs(["未报名单", "按机关", "问题明细", "审查规则"])
    with missing_tab:
        missing = status[~status["reported"]]
        if missing.empty:
            st.success(f"{year} 年度应报的机关都已有报告。")
        else:
            first = first_rows(missing, "个应报未报的机关", REST)
            shown = first.assign(
                地区=place(first),
                依据=first["reports_from"].map(lambda v: "名单" if pd.notna(v) else "其他年度有报告"),
            )
            data_table(shown[["agency", "地区", "依据"]].rename(columns={"agency": "机关"}), hide_index=True)
    with bodies_tab:
        if found.empty:
            st.success("该筛选下没有发现问题。")
        else:
            ranked = review_tables.bodies(chosen, int(year), search)
            data_table(first_rows(ranked, "个有问题的机关（问题最多的在前）", REST), hide_index=True)
            names, matching = listed(ranked["机关"].tolist(), chosen_values("review-body"))
            body = st.selectbox(
                "查看一个机关的问题", names, index=None, key="review-body", placeholder="选择机关", bind="query-params"
            )
            if matching > LISTED:
                st.caption(f"下拉框列出问题最多的前 {LISTED:,} 个机关；在上方“查找机关”输入名称可缩小范围。")
            if body is not None:
                data_table(
                    findings_table(found[found["agency"] == body]).drop(columns=["机关", "地区"]),
                    hide_index=True,
                    column_config={
                        "报告": st.column_config.LinkColumn("报告详情", display_text="查看"),
                        "问题说明": st.column_config.TextColumn(width="large"),
                    },
                )
    with findings_tab:
        severities = st.multiselect("严重程度", list(SEVERITIES), key="review-severity", placeholder="全部", bind="query-params")
        titles = sorted(found["rule_title"].dropna().unique())
        kinds = st.multiselect("问题类型", titles, key="review-rule", placeholder="全部", bind="query-params")
        count, shown = review_tables.findings_shown(chosen, int(year), search, tuple(severities), tuple(kinds))
        if not count:
            st.info("该筛选下没有问题。")
        else:
            rows_cut_short(count, "条问题", REST)
            data_table(
                shown,
                hide_index=True,
                column_config={
                    "报告": st.column_config.LinkColumn("报告详情", display_text="查看"),
                    "问题说明": st.column_config.TextColumn(width="large"),
                    "原文或依据": st.column_config.TextColumn(width="medium"),
                },
            )
    with rules_tab:
        show_rules()

    one = {name: values[0] for name, values in (("province", chosen.provinces), ("city", chosen.cities)) if len(values) == 1}
    scope = Scope(int(year), search=search or None, **one)
    name = "_".join(p for p in (replace(chosen, years=None, every_year=None).slug(), str(year), "年报审查问题清单") if p)
    left, middle, right = st.columns(3)
    left.download_button(
        "下载问题清单（Excel）",
        functools.partial(issue_list_xlsx, found, scope),  # made when clicked: tens of thousands of findings take seconds
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )
    by_region = middle.toggle("Word 按地区分组", key="review-by-region")
    right.download_button(
        "下载审查意见（Word）",
        functools.partial(review_document, found, status, scope, by_region),
        file_name=f"{name}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        on_click="ignore",
    )
