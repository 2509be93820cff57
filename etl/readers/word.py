"""Word files (.docx): paragraphs and real tables, in body order.

A merged cell is kept once, where it starts, so a row has the cells a reader of the page
sees.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.text.paragraph import Paragraph
from lxml import etree

from etl.document import Cell, ReadError, SourceDocument

#: A Word file's parts unpack to at most this much, at most this many times their packed size.
_MAX_UNPACKED = 256 * 2**20
_MAX_RATIO = 400


def read_docx(data: bytes, path: str) -> SourceDocument:
    _check_parts(data, path)
    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ReadError(f"{path}：Word 文件已损坏，无法打开（{error}）") from error
    except etree.XMLSyntaxError as error:  # hostile XML (entity loops) or a broken part
        raise ReadError(f"{path}：Word 文件的内容格式异常，无法读取（{error.msg}）") from error
    rows: list[list[Cell]] = []
    tables = 0
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(element, document).text.strip()
            if text:
                rows.append([Cell(text, f"第{len(rows) + 1}段")])
        elif tag == "tbl":
            tables += 1
            rows.extend(_table_rows(element, tables))
    return SourceDocument(path, "docx", rows, {})


def _check_parts(data: bytes, path: str) -> None:
    """Refuse a Word file that would inflate to more than any report (a zip bomb) before
    anything is inflated; the sizes are checked again as zipfile reads them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile as error:
        raise ReadError(f"{path}：Word 文件已损坏，无法打开（{error}）") from error
    total = sum(part.file_size for part in parts)
    packed = max(sum(part.compress_size for part in parts), 1)
    if total > _MAX_UNPACKED or total / packed > _MAX_RATIO:
        raise ReadError(
            f"{path}：Word 文件解压后有 {total / 2**20:.0f} MB（压缩比 {total / packed:.0f}:1），不像是一份报告，不读取"
        )


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _table_rows(table: etree._Element, number: int) -> list[list[Cell]]:
    """A table's rows as the page shows them, read from its XML (python-docx's grid of
    cells looks each merge up again, cell by cell: most of a Word file's reading time). A
    cell merged across columns is one cell; one merged down from the row above (a
    ``vMerge`` that continues) belongs to that row, and is not repeated."""
    rows = []
    for index, row in enumerate(table.iterchildren(f"{_W}tr"), start=1):
        cells = []
        for cell in row.iterchildren(f"{_W}tc"):
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                continue
            text = " ".join(paragraph.text for paragraph in cell.iterchildren(f"{_W}p")).strip()
            cells.append(Cell(text, f"表格{number}第{index}行"))
        rows.append(cells)
    return rows
