"""数据质量: failed checks, cells read in unusual ways, checks across years, agencies to
confirm or name, failed files."""

import pandas as pd
import streamlit as st

from dashboard import answers, quality_tables
from dashboard.answers import db_path
from dashboard.queries import Filters
from dashboard.ui import (
    COUNT,
    SHOWN_ROWS,
    Tile,
    checks_in_words,
    data_table,
    display_source,
    downloads,
    explain_write_access,
    filters,
    first_rows,
    generated_banner,
    headed,
    linked_table,
    page_title,
    rows_cut_short,
    tiles,
    warehouse_ready,
    without_paths,
    writes_enabled,
)
from etl.agencies_csv import overrides_csv
from etl.cross_year_rules import CROSS_YEAR_TEXT
from etl.edits import rename_report_agency
from etl.words import READ_AS_WORDS, in_words

#: A download of checks names each report by its number (the table on screen links it).
FAILED_COLUMNS = {"report_id": "报告编号"}


def agencies_to_check(chosen: Filters, to_check: pd.DataFrame) -> None:
    """The agencies to confirm, their agencies.csv to download, and naming a nameless report."""
    rows_cut_short(len(to_check), "个机关", "下载的名单包含全部。")
    data_table(quality_tables.to_check_shown(chosen), hide_index=True)
    st.download_button(
        "下载待确认机关名单（agencies.csv）",
        lambda: overrides_csv([{str(k): v for k, v in row.items()} for row in to_check.to_dict("records")]),
        file_name="agencies-to-check.csv",
        mime="text/csv",
        on_click="ignore",
    )
    unnamed = to_check[to_check["needs_name"]]
    if len(unnamed) and not writes_enabled():
        explain_write_access()
    if len(unnamed) and writes_enabled():
        with st.form("name-report"):
            st.markdown("**为待命名的报告指定机关**")
            sources = dict(zip(unnamed["report_id"], unnamed["source_path"], strict=True))
            choice = st.selectbox("报告", list(sources), format_func=lambda i: f"#{i} {display_source(sources[i])}")
            name = st.text_input("机关名称", placeholder="例如：株洲市审计局")
            if st.form_submit_button("保存") and name.strip():
                rename_report_agency(db_path(), int(choice), name.strip())
                answers.forget()
                st.session_state["quality-flash"] = f"报告 #{choice} 已归入“{name.strip()}”"
                st.rerun()


page_title("数据质量")
if "quality-flash" in st.session_state:
    st.success(st.session_state.pop("quality-flash"))
if warehouse_ready():
    generated_banner()
    chosen = filters()
    failed = answers.failed_checks(chosen)
    counts = answers.read_as_counts(chosen)
    cross = answers.cross_year_warnings(chosen)
    cross_counts = answers.cross_year_counts(chosen)
    to_check = answers.agencies_to_check(chosen)
    bad_files = answers.ingest_failures()
    incomplete = answers.incomplete_reports(chosen)
    tiles(
        Tile("未通过的勾稽关系", f"{len(failed):,}"),
        Tile("涉及报告", f"{(failed['report_id'].nunique() if len(failed) else 0):,}"),
        Tile("缺表的报告", f"{(incomplete['report_id'].nunique() if len(incomplete) else 0):,}"),
        Tile("跨年度检查未通过", f"{len(cross):,}", help="警告：可能是本年或上年的数字有误，也可能是机关更正了上年数字"),
        Tile("待确认或待命名的机关", f"{len(to_check):,}"),
        Tile("导入失败的文件", f"{len(bad_files):,}"),
    )

    st.subheader("未通过的勾稽关系（报告自身的数字）")
    failed_names = {"expected": "合计（报告值）", "actual": "各项之和"}
    rows_cut_short(len(failed), "条未通过的勾稽关系")
    linked_table(quality_tables.failed_shown(chosen), failed_names)
    if len(failed) > SHOWN_ROWS:
        downloads(lambda: headed(checks_in_words(failed), **FAILED_COLUMNS, **failed_names), "未通过的勾稽关系", len(failed))

    st.subheader("不完整的报告（缺少表格、表格读不出或在文件中被截断）")
    if incomplete.empty:
        st.success("每份报告的三张表都已找到。")
    else:
        st.caption("这些报告的其他表格已正常读取并计入各页统计；缺少的表格中各项为空（不是 0）。")
        incomplete_names = {"agency": "机关", "year": "年度", "table_key": "表格", "rule": "情况", "message": "说明"}
        linked_table(quality_tables.incomplete_in_words(first_rows(incomplete, "个缺少的表格")), incomplete_names)
        if len(incomplete) > SHOWN_ROWS:
            downloads(
                lambda: headed(quality_tables.incomplete_in_words(incomplete), **FAILED_COLUMNS, **incomplete_names),
                "不完整的报告",
                len(incomplete),
            )

    st.subheader("跨年度检查（警告）")
    counted = {"failed": "未通过", "passed": "通过", "not_assessable": "缺少数字无法判断", "reports": "涉及报告"}
    data_table(
        cross_counts.assign(rule=cross_counts["rule"].map(CROSS_YEAR_TEXT)).rename(columns={"rule": "检查", **counted}),
        formats=dict.fromkeys(counted.values(), COUNT),
        hide_index=True,
    )
    cross_names = {
        "rule": "检查",
        "compared_year": "对比年度",
        "expected": "由上年推算",
        "actual": "本年报告值",
        "difference": "差额",
    }
    rows_cut_short(len(cross), "条跨年度检查警告")
    linked_table(
        quality_tables.cross_shown(chosen), {**cross_names, "compared": "对比报告"}, extra_links={"对比报告": "查看上年"}
    )
    if len(cross) > SHOWN_ROWS:
        downloads(
            lambda: headed(checks_in_words(cross).drop(columns=["related_report_id"]), **FAILED_COLUMNS, **cross_names),
            "跨年度检查警告",
            len(cross),
        )

    st.subheader("待确认或待命名的机关")
    st.caption(
        "这些机关的地区、级别或类别是从名称推断的，推断不确定；“待命名”的报告找不到机关名称。"
        "下载名单，改正地区、级别、类别（留空的保留推断值），待命名的在 name 列填写机关名称，"
        "再在「导入报告」页上传（或 `python -m etl ingest … --agencies 文件`），改正即生效。"
    )
    if to_check.empty:
        st.success("所有机关的地区、级别和类别都已确定，也没有待命名的报告。")
    else:
        agencies_to_check(chosen, to_check)

    st.subheader("单元格读取方式（无法确定、未找到和由勾稽关系还原的单元格列在下表，最多 500 个）")
    read_as = counts.assign(read_as=counts["read_as"].map(lambda code: in_words(code, READ_AS_WORDS)))
    data_table(read_as.rename(columns={"read_as": "读取方式", "cells": "单元格数"}), formats={"单元格数": COUNT}, hide_index=True)
    linked_table(
        quality_tables.unusual_shown(chosen),
        {
            "key": "单元格",
            "value": "值",
            "raw": "原文",
            "read_as": "读取方式",
        },
    )
    st.subheader("导入失败的文件")
    if bad_files.empty:
        st.success("没有导入失败的文件。")
    else:
        data_table(
            bad_files.assign(
                reason=[without_paths(reason, file) for reason, file in zip(bad_files["reason"], bad_files["file"], strict=True)],
                file=bad_files["file"].map(display_source),
            ).rename(columns={"logged_at": "时间", "file": "文件", "stage": "阶段", "reason": "原因"}),
            hide_index=True,
        )
