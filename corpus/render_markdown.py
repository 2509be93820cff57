"""Render a report as an OCR or document-AI tool's Markdown, with those tools' faults.

- ``ocr``: table 三 split in two, placeholder headers (数据1…), a page footer between rows,
  some labels in a row of their own above their numbers;
- ``ocr-split``: table 三 as one pipe table per group (不予公开 / 无法提供 / 不予处理 / 其他处理)
  under placeholder or wrong header rows; table 四 as one row of 15 under a two-row
  header, with a stray index column, or split into 复议 and 诉讼 tables;
- ``pdf-text``: text pulled from a PDF, where each table's labels come out first, one per
  line, and its numbers after them, one row per line.
"""

from __future__ import annotations

import random

from corpus.layout import PrintedRow, PrintedTable, ReportSpec, print_plan
from corpus.narrative import narrative
from corpus.render_text import format_value

STYLES = ("ocr", "ocr-split", "pdf-text")
_GROUPS = ("（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理")


def render_markdown(spec: ReportSpec, seed: int = 0, style: str = "ocr") -> str:
    rng = random.Random(seed)
    words = narrative(spec)
    out = [
        f"# {spec.agency}{spec.year}年政府信息公开工作年度报告",
        "",
        "## 一、总体情况",
        *words.overview,
        "",
    ]
    for table in print_plan(spec):
        out += [f"## {table.heading}", ""]
        if not table.rows:
            continue
        if style == "ocr-split":
            out += _split_table(table, spec, rng, seed)
        elif style == "pdf-text" and not table.blocks:
            out += _detached(table, spec, rng)
        else:
            out += _ocr_table(table, spec, rng)
        out.append("")
    out += (
        []
        if spec.cut
        else [
            "## 五、存在的主要问题及改进情况",
            words.problems,
            "## 六、其他需要报告的事项",
            words.other,
            "",
            spec.agency,
            f"{spec.published.year}年{spec.published.month}月{spec.published.day}日",
        ]
    )
    return "\n".join(out)


def _all_rows(table: PrintedTable) -> tuple[PrintedRow, ...]:
    return table.rows if not table.blocks else tuple(row for _, _, rows in table.blocks for row in rows)


def _values(row: PrintedRow, spec: ReportSpec, rng: random.Random) -> list[str]:
    return [format_value(key, spec.cells[key], set(), rng) for key in row.keys]  # type: ignore[arg-type]


def _placeholder(width: int, word: str = "数据") -> list[str]:
    return ["| " + " | ".join(f"{word}{i}" for i in range(1, width + 1)) + " |", "|" + "---|" * width]


def _ocr_table(table: PrintedTable, spec: ReportSpec, rng: random.Random) -> list[str]:
    rows = _all_rows(table)
    width = max(len(row.keys) for row in rows) + 1
    out = _placeholder(width)
    for index, row in enumerate(rows):
        label = "".join(row.labels)
        values = _values(row, spec, rng)
        if table.heading.startswith("三") and index == len(rows) // 2:
            out += ["", "— 4 —", "", *_placeholder(width)]
        if label and rng.random() < 0.2:
            out.append(f"| {label} |" + " |" * (width - 1))
            out.append("| |" + " | ".join(values) + " |")
        else:
            out.append(f"| {label} | " + " | ".join(values) + " |")
    return out


def _split_table(table: PrintedTable, spec: ReportSpec, rng: random.Random, seed: int) -> list[str]:
    if table.heading.startswith("四"):
        return _split_appeals(table, spec, rng, seed)
    if table.blocks:
        return _ocr_table(table, spec, rng)
    rows = table.rows
    width = len(rows[0].keys) + 1
    wrong = ["| 申请人情况 | 自然人 | 法人或其他组织 |" + " |" * (width - 3), "|" + "---|" * width]
    out: list[str] = []
    for index, row in enumerate(rows):
        group = next((g for g in _GROUPS if g in row.labels), None)
        if index == 0 or group:
            if out:
                out += ["", f"第 {index // 8 + 2} 页 共 6 页", ""] if group == "（五）不予处理" else [""]
            header = wrong if index == 0 and seed % 2 else _placeholder(width, "列" if seed % 3 else "数据")
            out += header
        label = "".join(label for label in row.labels if label)
        if group and rng.random() < 0.5:  # the group's label in a row of its own
            out.append(f"| {group} |" + " |" * (width - 1))
            label = label.replace(group, "")
        out.append(f"| {label} | " + " | ".join(_values(row, spec, rng)) + " |")
    return out


def _split_appeals(table: PrintedTable, spec: ReportSpec, rng: random.Random, seed: int) -> list[str]:
    values = _values(table.rows[0], spec, rng)
    outcomes = list(table.header[1][:5])
    variant = seed % 3
    if variant == 2:  # split into 复议 and 诉讼 tables
        return [
            "| 行政复议 | | | | |",
            "|---|---|---|---|---|",
            "| " + " | ".join(outcomes) + " |",
            "| " + " | ".join(values[:5]) + " |",
            "",
            "| 行政诉讼 |" + " |" * 9,
            "|" + "---|" * 10,
            "| 未经复议直接起诉 | | | | | 复议后起诉 | | | | |",
            "| " + " | ".join(outcomes + outcomes) + " |",
            "| " + " | ".join(values[5:]) + " |",
        ]
    lead = ["序号"] if variant == 1 else []
    index = ["1"] if variant == 1 else []
    return [
        "| " + " | ".join([*lead, "行政复议", "", "", "", "", "行政诉讼", *[""] * 9]) + " |",
        "|" + "---|" * (15 + len(lead)),
        "| " + " | ".join([*lead, *outcomes, *outcomes, *outcomes]) + " |",
        "| " + " | ".join([*index, *values]) + " |",
    ]


def _detached(table: PrintedTable, spec: ReportSpec, rng: random.Random) -> list[str]:
    """Every label first, each on its own line, then every row's numbers."""
    out = [cell for header in table.header for cell in header if cell]
    for row in table.rows:
        out += [label for label in row.labels if label]
    out.append("")
    width = len(table.rows[0].keys)
    out += _placeholder(width, "列")
    out += ["| " + " | ".join(_values(row, spec, rng)) + " |" for row in table.rows]
    return out
