"""Render a report as extracted text, in the three layouts real text reports come in.

- ``extracted``: one cell per tab-led line, a blank line between rows (text extractors);
- ``lines``: a row per line, label then values separated by spaces or tabs;
- ``crawler``: page text with every cell run together, no separators at all;
- ``crawler-mixed``: the same for table 三, while tables 二 and 四 kept their cells apart
  with spaces, as sites whose tables differ in markup come out (``crawler`` runs every
  table together).

Defects are switched on per report so that tests and the accuracy benchmark know
exactly what each file contains.
"""

from __future__ import annotations

import random

from corpus.layout import PrintedRow, PrintedTable, ReportSpec, print_plan
from corpus.narrative import narrative
from etl.template import spec_by_key

TEXT_LAYOUTS = ("extracted", "lines", "crawler", "crawler-mixed")
_FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
_DASHES = ("-", "—", "/", "无")


def format_value(key: str, value: int | float, defects: set[str], rng: random.Random) -> str:
    """A number as a report prints it, with the formatting defects asked for."""
    kind = spec_by_key()[key].column.kind
    if value == 0 and "dash_zero" in defects and rng.random() < 0.3:
        return rng.choice(_DASHES)
    if kind == "money":
        text = f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"
        if "units" in defects and value:
            # Word tables often print the unit apart from the number: 251000 元.
            unit = " 元" if round(value * 100) % 2 else "元"
            text = str(round(value * 10_000)) + unit if rng.random() < 0.5 else text + "万元"
    elif "thousands" in defects and abs(value) >= 1000:
        text = f"{int(value):,}"
    else:
        text = str(int(value))
    if kind == "signed" and value > 0 and "signs" in defects:
        text = "+" + text
    if "fullwidth" in defects:
        text = text.translate(_FULL_WIDTH)
    return text


def render_text(spec: ReportSpec, layout: str = "extracted", defects: frozenset[str] = frozenset(), seed: int = 0) -> str:
    rng = random.Random(seed)
    words = narrative(spec)
    parts = [f"{spec.agency}{spec.year}年政府信息公开工作年度报告", "", "一、总体情况", *words.overview, ""]
    for table in print_plan(spec):
        parts.append(table.heading)
        if not table.rows:
            continue
        if layout == "extracted":
            parts.append(_extracted(table, spec, set(defects), rng))
        elif layout == "lines":
            parts.append(_lines(table, spec, set(defects), rng))
        elif layout == "crawler-mixed" and not table.heading.startswith("三"):
            parts.append(_spaced(table, spec, set(defects), rng))
        else:
            parts.append(_crawler(table, spec, set(defects), rng))
        parts.append("")
    parts += (
        []
        if spec.cut
        else [
            "五、存在的主要问题及改进情况",
            words.problems,
            "六、其他需要报告的事项",
            words.other,
            "",
            f"                    {spec.agency}",
            f"                    {spec.published.year}年{spec.published.month}月{spec.published.day}日",
            "",
        ]
    )
    text = "\n".join(parts)
    if layout.startswith("crawler"):
        text = "标题: " + f"{spec.agency}{spec.year}年政府信息公开工作年度报告\n" + "==== 正文 ====\n" + text.replace("\n", "")
    return text


# ---- extracted: tab-led cells ----------------------------------------------------------------


def _extracted(table: PrintedTable, spec: ReportSpec, defects: set[str], rng: random.Random) -> str:
    blocks: list[list[str]] = []
    if table.blocks:
        for title, header, rows in table.blocks:
            blocks.append([title])
            blocks.append([_wrap(cell, defects) for cell in header])
            blocks.extend(_extracted_row(row, spec, defects, rng) for row in rows)
    else:
        blocks.extend([_wrap(cell, defects) for cell in header] for header in table.header)
        blocks.extend(_extracted_row(row, spec, defects, rng) for row in table.rows)
    return "\n\n".join("\n".join("\t" + cell for cell in block) for block in blocks) + "\n"


def _wrap(cell: str, defects: set[str]) -> str:
    """Long header labels wrap onto a line without a tab, as extractors print them."""
    if "wrapped_labels" in defects and 5 < len(cell) < 20:
        middle = len(cell) // 2
        return cell[:middle] + "\n" + cell[middle:]
    return cell


def _extracted_row(row: PrintedRow, spec: ReportSpec, defects: set[str], rng: random.Random) -> list[str]:
    labels = list(row.labels)
    if "lost_labels" in defects and len(labels) == 3 and labels[1] == "":
        labels[2] = ""  # the extractor lost the label of a group's inner rows
    values = []
    for key in row.keys:
        value = spec.cells[key]
        blank = value == 0 and "blank_zero" in defects and rng.random() < 0.5
        values.append("" if blank else format_value(key, value, defects, rng))
    if "extra_value" in defects and len(labels) == 3:
        values.append(values[-1])  # an extractor's duplicated last cell
    if "extra_column" in defects and len(row.keys) > 1:
        values.append("")
    return labels + values


# ---- lines: label then values -----------------------------------------------------------------


def _lines(table: PrintedTable, spec: ReportSpec, defects: set[str], rng: random.Random) -> str:
    separator = "\t" if "tabs" in defects else "  "
    out = []
    for header in table.header:
        out.append(separator.join(cell for cell in header if cell))
    blocks = table.blocks or (("", (), table.rows),)
    shown = defects | {"dash_zero"} if "blank_zero" in defects else defects  # no blanks on one line
    for title, header, rows in blocks:
        if title:
            out.append(title + " " + separator.join(header))
        for row in rows:
            values = [format_value(key, spec.cells[key], shown, rng) for key in row.keys]
            out.append("".join(row.labels) + separator + separator.join(values))
    return "\n".join(out)


# ---- crawler: everything run together ---------------------------------------------------------


def _crawler(table: PrintedTable, spec: ReportSpec, defects: set[str], rng: random.Random) -> str:
    out = []
    for header in table.header:
        out.append("".join(header))
    rows = table.rows if not table.blocks else [row for _, _, rows in table.blocks for row in rows]
    block_of = {row.keys: (title, header) for title, header, rows in table.blocks for row in rows}
    shown: set[str] = set()
    plain = defects - {"dash_zero", "fullwidth", "thousands", "units"}
    for row in rows:
        if row.keys in block_of and block_of[row.keys][0] not in shown:
            title, header = block_of[row.keys]
            shown.add(title)
            out.append(title + "".join(header))
        out.append("".join(row.labels) + "".join(format_value(key, spec.cells[key], plain, rng) for key in row.keys))
    return "".join(out)


def _spaced(table: PrintedTable, spec: ReportSpec, defects: set[str], rng: random.Random) -> str:
    """A table whose cells a crawler kept apart by spaces, all on the page's one line."""
    plain = defects - {"dash_zero", "fullwidth", "thousands", "units"}
    out = [" ".join(cell for header in table.header for cell in header if cell)]
    blocks = table.blocks or (("", (), table.rows),)
    for title, header, rows in blocks:
        if title:
            out.append(title + " " + " ".join(header))
        for row in rows:
            values = [format_value(key, spec.cells[key], plain, rng) for key in row.keys]
            out.append(" ".join([*(label for label in row.labels if label), *values]))
    return " ".join(out) + " "
