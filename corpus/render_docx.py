"""Render a report as a Word file with real tables and merged label cells."""

from __future__ import annotations

import io
import random

from docx import Document
from docx.table import Table

from corpus.layout import PrintedTable, ReportSpec, print_plan
from corpus.narrative import narrative
from corpus.render_text import format_value


def render_docx(spec: ReportSpec, defects: frozenset[str] = frozenset(), seed: int = 0) -> bytes:
    rng = random.Random(seed)
    document = Document()
    document.add_paragraph(f"{spec.agency}{spec.year}年政府信息公开工作年度报告")
    words = narrative(spec)
    document.add_paragraph("一、总体情况")
    for paragraph in words.overview:
        document.add_paragraph(paragraph)
    for table in print_plan(spec):
        document.add_paragraph(table.heading)
        if table.rows:
            _table(document, table, spec, set(defects), rng)
    for text in (
        ()
        if spec.cut
        else (
            "五、存在的主要问题及改进情况",
            words.problems,
            "六、其他需要报告的事项",
            words.other,
            spec.agency,
            f"{spec.published.year}年{spec.published.month}月{spec.published.day}日",
        )
    ):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _value(key: str, value: float, defects: set[str], rng: random.Random) -> str:
    if value == 0 and "blank_zero" in defects and rng.random() < 0.5:
        return ""
    return format_value(key, value, defects, rng)


def _table(document: Document, table: PrintedTable, spec: ReportSpec, defects: set[str], rng: random.Random) -> None:
    if table.blocks:
        grid = _grid(document, [3.5, 4, 4, 4])
        for title, header, printed in table.blocks:
            cells = grid.add_row().cells
            cells[0].merge(cells[3]).text = title
            _fill(grid.add_row().cells, list(header))
            for row in printed:
                cells = grid.add_row().cells
                values = [_value(k, spec.cells[k], defects, rng) for k in row.keys]
                if len(values) == 1:
                    cells[1].merge(cells[3])
                _fill(grid.rows[-1].cells, [row.labels[0], *values] + [""] * (3 - len(values)))
        return
    if table.rows[0].labels == ():  # table 四
        grid = _grid(document, [1.03] * 15)
        top = grid.add_row().cells
        top[0].merge(top[4]).text = "行政复议"
        top[5].merge(top[14]).text = "行政诉讼"
        _fill(grid.add_row().cells, list(table.header[2]))
        _fill(grid.add_row().cells, [_value(k, spec.cells[k], defects, rng) for k in table.rows[0].keys])
        return
    width = len(table.rows[0].keys)
    grid = _grid(document, [1.2, 1.6, 4.0] + [8.7 / width] * width)
    header = grid.add_row().cells
    header[0].merge(header[2]).text = table.header[0][0]
    header[3].merge(header[-1]).text = "申请人情况"
    _fill(grid.add_row().cells, ["", "", "", *table.header[2][1:]])
    spans: dict[int, list[int]] = {0: [], 1: []}  # grid rows whose label cell merges down
    for row in table.rows:
        cells = grid.add_row().cells
        labels = list(row.labels)  # merged label cells stand for the missing ones
        if len(row.labels) == 1:
            cells[0].merge(cells[2])
        elif len(row.labels) == 2:
            cells[1].merge(cells[2])
        else:
            spans[1].append(len(grid.rows) - 1)
        if len(row.labels) > 1:
            spans[0].append(len(grid.rows) - 1)
        _fill(grid.rows[-1].cells, [*labels, *(_value(k, spec.cells[k], defects, rng) for k in row.keys)])
    _merge_down(grid, spans)


def _grid(document: Document, widths_cm: list[float]) -> Table:
    """A ruled table with a wide label column, as reports set it in Word."""
    from docx.shared import Cm

    grid = document.add_table(rows=0, cols=len(widths_cm))
    grid.style = "Table Grid"
    grid.autofit = False
    for column, width in zip(grid.columns, widths_cm, strict=True):
        column.width = Cm(width)
    return grid


def _fill(cells: tuple, texts: list[str]) -> None:  # type: ignore[type-arg]
    seen = []
    position = 0
    for cell in cells:
        if any(cell._tc is other for other in seen):
            continue
        seen.append(cell._tc)
        if position < len(texts) and texts[position]:
            cell.text = texts[position]
        position += 1


def _merge_down(grid: Table, spans: dict[int, list[int]]) -> None:
    """Group labels span their rows vertically, as in the official template."""
    for column, rows in spans.items():
        runs: list[list[int]] = []
        for index in rows:
            starts_run = grid.cell(index, column).text != "" or not runs or runs[-1][-1] != index - 1
            if starts_run:
                runs.append([index])
            else:
                runs[-1].append(index)
        for run in runs:
            if len(run) > 1:
                top = grid.cell(run[0], column)
                keep = top.text
                top.merge(grid.cell(run[-1], column)).text = keep


OFFICIAL_TEMPLATE = __import__("pathlib").Path(__file__).with_name("template-2021-blank.docx")


def fill_official_template(spec: ReportSpec, defects: frozenset[str] = frozenset(), seed: int = 0) -> bytes:
    """The official blank Word template (2021) filled with a report's numbers, as most
    agencies write their report."""
    rng = random.Random(seed)
    document = Document(str(OFFICIAL_TEMPLATE))
    active, requests, appeals = document.tables[:3]
    for printed in print_plan(spec):
        grid = {"active": active, "requests": requests, "appeals": appeals}[_table_key(printed)]
        rows = [row for row in grid.rows if _distinct(row)]
        for target in printed.rows:
            row = _row_for(rows, target.labels, target.keys)
            cells = _distinct(row)[-len(target.keys) :]
            for cell, key in zip(cells, target.keys, strict=True):
                cell.text = _value(key, spec.cells[key], set(defects), rng)
    for paragraph in document.paragraphs:
        if paragraph.text == "政府信息公开工作年度报告格式模板":
            paragraph.text = f"{spec.agency}{spec.year}年政府信息公开工作年度报告"
    document.add_paragraph(spec.agency)
    document.add_paragraph(f"{spec.published.year}年{spec.published.month}月{spec.published.day}日")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table_key(printed: PrintedTable) -> str:
    return "active" if printed.blocks else ("appeals" if printed.rows[0].labels == () else "requests")


def _distinct(row: object) -> list:  # type: ignore[type-arg]
    seen: list[object] = []
    cells = []
    for cell in row.cells:  # type: ignore[attr-defined]
        if any(cell._tc is other for other in seen):
            continue
        seen.append(cell._tc)
        cells.append(cell)
    return cells


def _row_for(rows: list, labels: tuple[str, ...], keys: tuple[str, ...]) -> object:  # type: ignore[type-arg]
    if not labels:
        return rows[-1]
    wanted = [label for label in labels if label][-1][:6]
    return next(row for row in rows if any(cell.text.replace("\n", "").startswith(wanted) for cell in _distinct(row)))
