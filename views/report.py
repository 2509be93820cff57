"""报告详情: one report's tables laid out like the template, failed checks on their cells,
the source text beside them, and the same agency's previous and next year one click away."""

import io
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import answers
from dashboard.links import label_named, report_label
from dashboard.pickers import LISTED, chosen_values, cut_short, named_in_url, search_box
from dashboard.ui import (
    Tile,
    checks_in_words,
    data_table,
    display_source,
    filters,
    fmt_number,
    page_title,
    tiles,
    warehouse_ready,
    without_paths,
)
from etl.document import Box, ReadError
from etl.readers import read_document, read_source
from etl.readers.pages import PageImage, around, marked, page_image
from etl.template import INCOMPLETE_RULES, key_named, label_for, row_columns, spec_by_key, tables
from etl.words import NAME_SOURCE_WORDS, SEVERITY_WORDS, in_words

spec_order = {key: index for index, key in enumerate(spec_by_key())}

page_title("报告详情")


@st.cache_data(show_spinner=False, max_entries=32)
def source_text(path: str) -> str:
    try:
        return read_document(Path(path)).plain_text()
    except (ReadError, OSError) as error:
        return f"无法显示原文：{error}"


@st.cache_data(show_spinner=False, max_entries=16)
def page_with_cell(path: str, page: int, box: tuple[float, float, float, float], whole: bool) -> bytes | str:
    """The source page (or its band around the cell) as a PNG with the cell framed, or why
    it cannot be shown."""
    try:
        shown = page_image(read_source(Path(path)), path, page, dpi=150)
        framed = PageImage(marked(shown, Box(page, *box)), shown.dpi)
    except (ReadError, OSError, ImportError) as error:
        return f"无法显示原件页面：{without_paths(error, path)}"
    image = framed.image if whole else around(framed, Box(page, *box))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def cell_choices(cells: pd.DataFrame, doubtful: set[str]) -> dict[str, str]:
    """Cells with a place on a page, the doubtful ones first (those are what a reader checks)."""
    placed = cells[cells["page"].notna()]
    order = sorted(placed["key"], key=lambda key: (key not in doubtful, spec_order.get(key, 0)))
    return {("⚠ " if key in doubtful else "") + label_for(key): key for key in order}


def cell_not_shown(wanted: str, key: str | None, cells: pd.DataFrame) -> str:
    """Why a link's cell is not the one framed below, in words: a cell of this report
    without a place on its pages, a cell it does not report, or no cell of the template."""
    if key is None:
        return f"链接中的单元格「{wanted}」不是模板中的单元格，已忽略；下面框出的是另一个单元格。"
    if key in set(cells["key"]):
        return f"链接所指的单元格「{label_for(key)}」在原件页面上没有位置，无法框出；下面框出的是另一个单元格。"
    return f"这份报告中没有读到链接所指的单元格「{label_for(key)}」；下面框出的是另一个单元格。"


def show_cell_on_page(cells: pd.DataFrame, doubtful: set[str], path: str) -> None:
    """The page image beside the read table, the chosen cell framed in red."""
    choices = cell_choices(cells, doubtful)
    if not choices:
        return
    wanted = st.query_params.get("cell")
    if wanted and wanted not in choices:  # a link names the cell by its key (the annual review's do) or label
        key = key_named(wanted)
        if key in choices.values():
            label = next(label for label, placed in choices.items() if placed == key)
            st.query_params["cell"] = label
            st.session_state["cell"] = label
        else:  # said before the picker drops it for its first cell
            st.warning(cell_not_shown(wanted, key, cells), icon=":material/link_off:")
    chosen = st.selectbox("在原件中查看单元格", list(choices), key="cell", bind="query-params")
    row = cells[cells["key"] == choices[chosen]].iloc[0]
    x0, top, x1, bottom = (float(v) for v in row["box"])
    whole = st.toggle("显示整页", key="whole-page")
    shown = page_with_cell(path, int(row["page"]), (x0, top, x1, bottom), whole)
    if isinstance(shown, str):
        st.info(shown)
        return
    value = "无法确定" if pd.isna(row["value"]) else fmt_number(row["value"])
    st.caption(f"第 {int(row['page'])} 页，红框处读作「{row['raw']}」，记为 {value}。{row['note'] or ''}")
    st.image(shown, width="stretch")


def grid(cells: pd.DataFrame, table_key: str, template: str, bad: set[str]) -> pd.DataFrame:
    """A table of the template, rows and columns in print order, with each cell's value."""
    table = next(t for t in tables(template) if t.key == table_key)
    values = dict(zip(cells["key"], cells["value"], strict=True))
    unread = set(cells.loc[cells["read_as"].isin(["unreadable", "missing"]), "key"])
    with_subtotal = any(key.endswith(".org_subtotal") for key in values)
    rows = {}
    for row in table.rows:
        columns = row_columns(row, with_subtotal)
        keys = [f"{table_key}.{row.key}.{c.key}" for c in columns]
        if not any(k in values for k in keys):
            continue
        rows[row.label] = {
            c.label: ("⚠ " if k in bad else "") + ("无法确定" if k in unread else fmt_number(values.get(k)))
            for c, k in zip(columns, keys, strict=True)
        }
    return pd.DataFrame(rows).T.fillna("")


def agency_line(meta: pd.Series) -> str:
    """Who the report is from, as printed and as placed, so a wrong guess is visible here."""
    place = "".join(str(meta[c]) for c in ("province", "city", "county") if pd.notna(meta[c])) or "地区未知"
    level = f"{meta['level']}级" if pd.notna(meta["level"]) else "层级未知"
    kind = meta["kind"] if pd.notna(meta["kind"]) else "类别未知"
    printed = (
        f"报告中写作“{meta['agency_name']}”（取自{NAME_SOURCE_WORDS.get(meta['agency_from'], '报告')}）"
        if pd.notna(meta["agency_name"])
        else ""
    )
    doubt = f"；待确认：{meta['agency_note']}" if meta["uncertain"] and pd.notna(meta["agency_note"]) else ""
    return f"机关：{meta['agency']}，{place}，{level}，{kind}。{printed}{doubt}"


def report_choices(shown: pd.DataFrame) -> dict[str, int]:
    """Each listed report's label (what the URL keeps) and id; the report the link or the
    picker holds comes first when the list lacks it, whatever the filters and the search."""
    kept = [named for label in chosen_values("report") if (named := label_named(label)) is not None]
    listed = pd.concat([answers.reports_named(tuple(kept)), shown]) if kept else shown
    return {
        report_label(str(agency), int(year)): int(report_id)
        for agency, year, report_id in zip(listed["agency"], listed["year"], listed["report_id"], strict=True)
    }


if warehouse_ready():
    total = answers.reports_counted(filters())
    search = search_box("report", total, "报告", unit="份")
    ids = report_choices(answers.reports_list(filters(), search, LISTED))
    if not ids:
        st.info(f"当前筛选条件下没有机关名称含“{search}”的报告。" if search else "当前筛选条件下没有报告。")
        st.stop()
    chosen = named_in_url("报告", list(ids), "report")
    if note := cut_short(answers.reports_counted(filters(), search) if search else total, search, unit="份"):
        st.caption(note)
    report_id = ids[chosen]
    meta = answers.report(report_id).iloc[0]
    cells = answers.report_cells(report_id)
    checks = answers.report_checks(report_id)
    issues = answers.report_issues(report_id)
    failing = checks[checks["status"] == "failed"]
    failed = failing[failing["severity"] == "error"]
    across = failing[failing["severity"] == "warning"]
    bad = {key for keys in failed["cells"] for key in keys}
    incomplete = issues[issues["rule"].isin(INCOMPLETE_RULES)]
    lacking = {
        str(keys[0]).split(".")[0]: message
        for keys, message in zip(incomplete["cells"], incomplete["message"], strict=True)
        if len(keys)
    }
    if meta["generated"]:
        st.warning("这是生成的演示报告，不是官方发布的数字。", icon=":material/warning:")
    tiles(
        Tile("模板版本", meta["template"]),
        Tile("发布日期", str(meta["published"])[:10] if pd.notna(meta["published"]) else "未知"),
        Tile("未通过的勾稽关系", len(failed)),
        Tile("问题", int(meta["error_count"]) + int(meta["warning_count"])),
    )
    st.caption(agency_line(meta))
    if lacking:
        st.error("本报告不完整：" + "；".join(lacking.values()), icon=":material/report:")
    links = st.columns(2)
    for column, step, label in ((links[0], -1, "← 上一年度报告"), (links[1], 1, "下一年度报告 →")):
        other = answers.neighbour_report(report_id, step)
        if other is not None:
            neighbour = answers.report(other).iloc[0]
            column.page_link(
                "views/report.py", label=label, query_params={"report": report_label(neighbour["agency"], neighbour["year"])}
            )
    left, right = st.columns([3, 2])
    with left:
        for key, title in (
            ("active", "二、主动公开政府信息情况"),
            ("requests", "三、收到和处理政府信息公开申请情况"),
            ("appeals", "四、行政复议、行政诉讼情况"),
        ):
            st.subheader(title)
            if key in lacking:
                st.warning(lacking[key], icon=":material/table_chart:")
            table = grid(cells, key, meta["template"], bad)
            data_table(table.style.map(lambda v: "background-color: #ffd7d7" if str(v).startswith("⚠") else ""), width="stretch")
        if len(failed):
            st.subheader("未通过的勾稽关系（⚠ 标出所涉单元格）")
            data_table(
                checks_in_words(failed)
                .rename(
                    columns={
                        "rule": "规则",
                        "subject": "对象",
                        "expected": "合计（报告值）",
                        "actual": "各项之和",
                        "cells": "单元格",
                    }
                )
                .drop(columns=["status", "severity", "compared_year"]),
                hide_index=True,
            )
        if len(across):
            st.subheader("跨年度检查未通过（警告）")
            data_table(
                checks_in_words(across)
                .rename(
                    columns={
                        "rule": "检查",
                        "subject": "对象",
                        "compared_year": "对比年度",
                        "expected": "由上年推算",
                        "actual": "本年报告值",
                    }
                )
                .drop(columns=["status", "severity", "cells"]),
                hide_index=True,
            )
        if len(issues):
            st.subheader("问题")
            data_table(
                issues.assign(
                    severity=issues["severity"].map(lambda code: in_words(code, SEVERITY_WORDS)),
                    cells=issues["cells"].map(lambda keys: "；".join(label_for(key) for key in keys)),
                )[["severity", "message", "cells", "location", "rule"]].rename(
                    columns={"severity": "级别", "message": "说明", "cells": "单元格", "location": "位置", "rule": "规则代码"}
                ),
                hide_index=True,
            )
        repeated = answers.text_repeated(report_id)
        if repeated:
            st.caption(
                "正文与上年报告相同的比例（数字不计）："
                + "；".join(f"{heading} {share:.0%}" for heading, share in repeated)
                + "。80% 以上提请关注。"
            )
        review = answers.report_findings(report_id)
        if len(review):
            st.subheader("年报审查发现的问题")
            where = review[["table_name", "row_label", "column_label"]].apply(
                lambda r: "｜".join(p for p in r if isinstance(p, str)), axis=1
            )
            data_table(
                pd.DataFrame(
                    {
                        "严重程度": review["severity"],
                        "问题类型": review["rule_title"],
                        "位置": where,
                        "问题说明": review["message"],
                        "原文或依据": review["evidence"].fillna(""),
                    }
                ),
                hide_index=True,
                column_config={"问题说明": st.column_config.TextColumn(width="large")},
            )
            st.page_link("views/review.py", label="到「年报审查」看本地区全部机关", icon=":material/rule:")
    with right:
        st.subheader("原文")
        st.caption(
            f"{display_source(meta['source_path'])}（{meta['source_format']}，sha256 {str(meta['sha256'])[:12]}…，解析器 {meta['parser_version']}）"
        )
        doubtful = bad | {key for keys in issues.loc[issues["severity"] == "error", "cells"] for key in keys}
        if cells["page"].notna().any():
            on_page, as_text = st.tabs(["原件页面", "原文文字"])
            with on_page:
                show_cell_on_page(cells, doubtful, str(meta["source_path"]))
            with as_text:
                st.text_area("原文", source_text(str(meta["source_path"])), height=900, label_visibility="collapsed")
        else:
            st.text_area("原文", source_text(str(meta["source_path"])), height=900, label_visibility="collapsed")
