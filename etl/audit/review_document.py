"""The printable review in Word: one section per body (under its region's heading when
asked), each finding numbered with where it stands and what to fix, ready to send."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from etl.audit.facts import rows
from etl.audit.finding import SEVERITIES
from etl.audit.listing import Scope

_COLUMNS = ("序号", "严重程度", "问题类型", "位置", "问题说明")
#: Column widths in centimetres, on an A4 page's 15.9 cm: the message takes the rest.
_WIDTHS = (1.2, 1.8, 2.4, 3.0, 7.5)


def review_docx(frame: pd.DataFrame, scope: Scope, coverage: pd.DataFrame, by_region: bool = False) -> bytes:
    document = Document()
    _chinese_font(document)
    title = document.add_heading(f"政府信息公开工作年度报告审查问题清单（{scope.describe()}）", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    counts = frame["severity"].value_counts()
    summary = "，".join(f"{severity} {int(counts.get(severity, 0))} 条" for severity in SEVERITIES)
    document.add_paragraph(
        f"生成日期：{date.today():%Y年%m月%d日}。共 {frame['agency'].nunique()} 个机关、{len(frame)} 条问题：{summary}。"
    )
    for row in rows(coverage):
        document.add_paragraph(
            f"{row.年度} 年度：应报 {row.应报}，已报 {row.已报}，未报 {row.未报}，按时 {row.按时}，逾期 {row.逾期}。",
            style="List Bullet",
        )
    document.add_paragraph("严重程度：错误——须改正；提醒——请核实；关注——数字或文字异常，供审查参考。")
    region = None
    for (agency, province, city, county), group in frame.groupby(
        ["agency", "province", "city", "county"], dropna=False, sort=False
    ):
        place = "".join(str(p) for p in (province, city, county) if isinstance(p, str)) or "地区未知"
        if by_region and place != region:
            document.add_heading(place, level=1)
            region = place
        document.add_heading(str(agency), level=2 if by_region else 1)
        _findings_table(document, group)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _findings_table(document: object, group: pd.DataFrame) -> None:
    table = document.add_table(rows=1, cols=len(_COLUMNS))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.autofit = False
    for cell, name in zip(table.rows[0].cells, _COLUMNS, strict=True):
        cell.text = name
    for number, row in enumerate(rows(group), start=1):
        where = "、".join(p for p in (row.table_name, row.row_label, row.column_label) if isinstance(p, str)) or "全文"
        values = (
            str(number),
            row.severity,
            row.rule_title,
            f"{row.year} 年度·{where}",
            _with_evidence(row.message, row.evidence),
        )
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    for column, width in zip(table.columns, _WIDTHS, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice and WPS read
        for cell in column.cells:
            cell.width = Cm(width)  # each cell, which Word reads


def _with_evidence(message: str, evidence: object) -> str:
    if isinstance(evidence, str) and evidence and evidence not in message:
        return f"{message}\n（{evidence}）"
    return message


def _chinese_font(document: object) -> None:
    """Word falls back to a Latin font for Chinese unless the East Asian font is named."""
    style = document.styles["Normal"]  # type: ignore[attr-defined]
    style.font.name = "宋体"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
