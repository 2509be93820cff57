"""Render a report as a PDF with a text layer, laid out as agencies print them.

Group labels are set vertically one character per line, long labels wrap, page numbers
sit at the foot of each page, table 三 crosses a page break, and a blank cell leaves
nothing at all in the text layer: only positions tell the columns apart.
"""

from __future__ import annotations

import io
import random

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from corpus.layout import PrintedTable, ReportSpec, print_plan
from corpus.narrative import narrative
from corpus.render_text import format_value

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16)
_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9)
_GRID = [
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), 7.5),
    ("GRID", (0, 0), (-1, -1), 0.4, "black"),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
]


def render_pdf(spec: ReportSpec, defects: frozenset[str] = frozenset(), seed: int = 0) -> bytes:
    rng = random.Random(seed)
    words = narrative(spec)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, topMargin=50, bottomMargin=60, title=f"{spec.agency}{spec.year}年政府信息公开工作年度报告"
    )
    story: list[object] = [
        Paragraph(f"{spec.agency}", _BODY),
        Paragraph(f"{spec.year}年政府信息公开工作年度报告", _BODY),
        Paragraph("一、总体情况", _BODY),
        *(Paragraph(paragraph, _BODY) for paragraph in words.overview),
    ]
    for table in print_plan(spec):
        story += [Paragraph(table.heading, _BODY), Spacer(1, 4)]
        if table.rows:
            story += [_table(table, spec, set(defects), rng), Spacer(1, 8)]
    story += (
        []
        if spec.cut
        else [
            Paragraph("五、存在的主要问题及改进情况", _BODY),
            Paragraph(words.problems, _BODY),
            Paragraph("六、其他需要报告的事项", _BODY),
            Paragraph(words.other, _BODY),
            Spacer(1, 12),
            Paragraph(spec.agency, _BODY),
            Paragraph(f"{spec.published.year}年{spec.published.month}月{spec.published.day}日", _BODY),
        ]
    )
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


def _page_number(canvas: object, document: object) -> None:
    canvas.setFont(FONT, 10)  # type: ignore[attr-defined]
    canvas.drawCentredString(A4[0] / 2, 30, f"- {document.page} -")  # type: ignore[attr-defined]


def _value(key: str, value: float, defects: set[str], rng: random.Random) -> str:
    if value == 0 and "blank_zero" in defects and rng.random() < 0.5:
        return ""
    return format_value(key, value, defects, rng)


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def _table(table: PrintedTable, spec: ReportSpec, defects: set[str], rng: random.Random) -> Table:
    if table.blocks:
        data, style = [], list(_GRID)
        for title, header, printed in table.blocks:
            style.append(("SPAN", (0, len(data)), (3, len(data))))
            data.append([title, "", "", ""])
            data.append([_wrap(cell, 8) for cell in header] + [""] * (4 - len(header)))
            for row in printed:
                data.append(
                    [row.labels[0], *(_value(k, spec.cells[k], defects, rng) for k in row.keys)] + [""] * (3 - len(row.keys))
                )
        return Table(data, colWidths=[120, 110, 110, 110], style=style)
    if table.rows[0].labels == ():
        outcomes = [_wrap(cell, 2) for cell in table.header[1][:5]]
        data = [
            ["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
            [*outcomes, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
            ["", "", "", "", "", *outcomes, *outcomes],
            [_value(k, spec.cells[k], defects, rng) for k in table.rows[0].keys],
        ]
        style = [
            *_GRID,
            ("SPAN", (0, 0), (4, 0)),
            ("SPAN", (5, 0), (14, 0)),
            ("SPAN", (5, 1), (9, 1)),
            ("SPAN", (10, 1), (14, 1)),
        ]
        style += [("SPAN", (i, 1), (i, 2)) for i in range(5)]
        return Table(data, colWidths=[31] * 15, style=style)
    width = len(table.rows[0].keys)
    data = [
        [_wrap(table.header[0][0], 10), "", "", "申请人情况"] + [""] * (width - 1),
        ["", "", "", *(_wrap(c, 4) for c in table.header[2][1:])],
    ]
    style = [*_GRID, ("SPAN", (0, 0), (2, 1)), ("SPAN", (3, 0), (-1, 0))]
    section_start = None
    for row in table.rows:
        labels = list(row.labels) + [""] * (3 - len(row.labels))
        index = len(data)
        if len(row.labels) == 1:
            style.append(("SPAN", (0, index), (2, index)))
        elif len(row.labels) == 2:
            style.append(("SPAN", (1, index), (2, index)))
        if row.labels and row.labels[0]:
            section_start = index if len(row.labels) > 1 else section_start
        cells = [
            labels[0] and "\n".join(labels[0]) if len(row.labels) > 1 else labels[0],
            _wrap(labels[1], 4),
            _wrap(labels[2], 14),
        ]
        data.append(cells + [_value(k, spec.cells[k], defects, rng) for k in row.keys])
    if section_start is not None:
        last = max(i for i, row in enumerate(table.rows) if len(row.labels) > 1) + 2
        style.append(("SPAN", (0, section_start), (0, last)))
    return Table(data, colWidths=[22, 40, 120] + [300 / width] * width, style=style, repeatRows=0)
