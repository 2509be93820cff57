"""How the template's tables are printed: header rows, label cells and the keys of each row.

Every renderer (text, HTML, Word, PDF) draws from this one print plan, so the same
report content comes out the same way in each format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from etl.template import Table, Version, row_columns, tables


@dataclass
class ReportSpec:
    """A report's content: what a renderer prints and what the parser must read back."""

    agency: str
    year: int
    version: Version
    published: date
    cells: dict[str, int | float]
    with_org_subtotal: bool = False
    subtotals: bool = False
    generated: bool = True
    broken: list[str] = field(default_factory=list)  # identities the report itself breaks
    cross_year: list[str] = field(default_factory=list)  # checks across years it fails (restated 上年结转)
    omit: tuple[str, ...] = ()  # tables the report leaves out (a report without table 二)
    cut: str | None = None  # the table inside which the file ends ("requests" or "appeals")


@dataclass(frozen=True)
class PrintedRow:
    labels: tuple[str, ...]  # label cells, left to right (the label column is up to 3 deep)
    keys: tuple[str, ...]  # the cells' keys, in column order


@dataclass(frozen=True)
class PrintedTable:
    heading: str
    header: tuple[tuple[str, ...], ...]  # header rows, one tuple of cell texts each
    rows: tuple[PrintedRow, ...]
    blocks: tuple[tuple[str, tuple[str, ...], tuple[PrintedRow, ...]], ...] = ()  # table 二 only


HEADINGS = {
    "active": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
}
REQUEST_HEADER_2 = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")


def print_plan(spec: ReportSpec) -> list[PrintedTable]:
    """What the file prints, in order; a file cut off inside a table stops there (table
    三 after half its rows, table 四 right after its heading)."""
    active, requests, appeals = tables(spec.version)
    plan = {"active": _active(active), "requests": _requests(requests, spec), "appeals": _appeals(appeals)}
    printed = []
    for key, table in plan.items():
        if key in spec.omit:
            continue
        if key == spec.cut:
            kept = table.rows[: len(table.rows) // 2] if key == "requests" else ()
            printed.append(PrintedTable(table.heading, table.header, kept, table.blocks))
            break
        printed.append(table)
    return printed


def printed_keys(spec: ReportSpec) -> set[str]:
    """The keys whose numbers the file prints: the others' truth is "not reported"."""
    return {key for table in print_plan(spec) for row in table.rows for key in row.keys}


def _active(table: Table) -> PrintedTable:
    blocks = []
    for block in dict.fromkeys(row.block for row in table.rows):
        rows = [row for row in table.rows if row.block == block]
        header = ("信息内容", *(column.label for column in rows[0].columns))
        printed = tuple(PrintedRow((row.label,), tuple(f"active.{row.key}.{c.key}" for c in row.columns)) for row in rows)
        blocks.append((f"第二十条第{block}项", header, printed))
    all_rows = tuple(row for _, _, rows in blocks for row in rows)
    return PrintedTable(HEADINGS["active"], (), all_rows, tuple(blocks))


def _requests(table: Table, spec: ReportSpec) -> PrintedTable:
    anchors = {anchor.first_row: anchor for anchor in table.anchors}
    group_labels = {anchor.name: anchor.label for anchor in table.anchors}
    rows = []
    seen_groups: set[str] = set()
    for row in table.rows:
        if row.optional and not spec.subtotals:
            continue
        keys = tuple(f"requests.{row.key}.{c.key}" for c in row_columns(row, spec.with_org_subtotal))
        first = ""
        if row.key == "granted":
            first = anchors["granted"].label
        if row.group and row.group not in seen_groups:
            seen_groups.add(row.group)
            if row.role == "subtotal":
                rows.append(PrintedRow(("", group_labels[row.group]), keys))
                continue
            rows.append(PrintedRow(("", group_labels[row.group], row.label), keys))
            continue
        if row.group:
            rows.append(PrintedRow(("", "", row.label), keys))
        elif row.role in ("leaf", "total"):
            rows.append(PrintedRow((first, row.label), keys))
        else:
            rows.append(PrintedRow((row.label,), keys))
    org = ("法人或其他组织小计",) if spec.with_org_subtotal else ()
    header = (
        ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"),
        ("", "自然人", "法人或其他组织", "总计"),
        ("", "", *REQUEST_HEADER_2, *org, ""),
    )
    return PrintedTable(HEADINGS["requests"], header, tuple(rows))


def _appeals(table: Table) -> PrintedTable:
    outcomes = tuple(column.label for column in table.rows[0].columns)
    header = (
        ("行政复议", "行政诉讼"),
        (*outcomes, "未经复议直接起诉", "复议后起诉"),
        (*outcomes, *outcomes),
    )
    keys = tuple(f"appeals.{row.key}.{c.key}" for row in table.rows for c in row.columns)
    return PrintedTable(HEADINGS["appeals"], header, (PrintedRow((), keys),))
