"""Word files (.docx): paragraphs and real tables, in body order, from the document's XML.

A merged cell is kept once, where it starts, so a row has the cells a reader of the page
sees.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from etl.document import Cell, ReadError, SourceDocument

#: A Word file's parts unpack to at most this much, at most this many times their packed size.
_MAX_UNPACKED = 256 * 2**20
_MAX_RATIO = 400


def read_docx(data: bytes, path: str) -> SourceDocument:
    _check_parts(data, path)
    body = _body(data, path)
    rows: list[list[Cell]] = []
    tables = 0
    for element in body.iterchildren(_P, _TBL):
        if element.tag == _P:
            text = _paragraph_text(element).strip()
            if text:
                rows.append([Cell(text, f"第{len(rows) + 1}段")])
        else:
            tables += 1
            rows.extend(_table_rows(element, tables))
    return SourceDocument(path, "docx", rows, {})


def _body(data: bytes, path: str) -> etree._Element:
    """The document's body, read straight from its XML part (python-docx's objects for
    the styles, numbering and every paragraph cost more than reading the text): the
    part the package names as its main document, parsed without resolving entities."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            relations = etree.fromstring(archive.read("_rels/.rels"), _PARSER)
            target = next((r.get("Target", "") for r in relations if r.get("Type", "").endswith("/officeDocument")), None)
            if target is None:
                raise ReadError(f"{path}：这不是 Word 文件（压缩包中没有正文部分）")
            root = etree.fromstring(archive.read(posixpath.normpath(target.lstrip("/"))), _PARSER)
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ReadError(f"{path}：Word 文件已损坏，无法打开（{error}）") from error
    except etree.XMLSyntaxError as error:  # hostile XML (entity loops) or a broken part
        raise ReadError(f"{path}：Word 文件的内容格式异常，无法读取（{error.msg}）") from error
    body = root.find(f"{_W}body")
    if root.tag != f"{_W}document" or body is None:
        raise ReadError(f"{path}：这不是 Word 文件（正文部分不是 Word 文档）")
    return body


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
_P, _TBL, _R, _HYPERLINK = f"{_W}p", f"{_W}tbl", f"{_W}r", f"{_W}hyperlink"
#: What each piece of a run reads as, as Word's own text export (and python-docx) read it;
#: a break reads as a new line only where it breaks the line (not a page or a column).
_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_T, _BR, _BR_TYPE = f"{_W}t", f"{_W}br", f"{_W}type"
_TR, _TC, _TC_PROPERTIES, _V_MERGE, _VAL = f"{_W}tr", f"{_W}tc", f"{_W}tcPr", f"{_W}vMerge", f"{_W}val"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _paragraph_text(paragraph: etree._Element) -> str:
    """A paragraph's text: its runs' and its hyperlinks' runs', in order."""
    parts = []
    for child in paragraph.iterchildren(_R, _HYPERLINK):
        runs = (child,) if child.tag == _R else child.iterchildren(_R)
        for run in runs:
            for piece in run.iterchildren():
                tag = piece.tag
                if tag == _T:
                    parts.append(piece.text or "")
                elif tag == _BR:
                    parts.append("\n" if piece.get(_BR_TYPE, "textWrapping") == "textWrapping" else "")
                elif tag in _RUN_TEXT:
                    parts.append(_RUN_TEXT[tag])
    return "".join(parts)


def _table_rows(table: etree._Element, number: int) -> list[list[Cell]]:
    """A table's rows as the page shows them, read from its XML (python-docx's grid of
    cells looks each merge up again, cell by cell: most of a Word file's reading time). A
    cell merged across columns is one cell; one merged down from the row above (a
    ``vMerge`` that continues) belongs to that row, and is not repeated."""
    rows = []
    for index, row in enumerate(table.iterchildren(_TR), start=1):
        cells = []
        where = f"表格{number}第{index}行"
        for cell in row.iterchildren(_TC):
            if _merged_from_above(cell):
                continue
            text = " ".join([_paragraph_text(paragraph) for paragraph in cell.iterchildren(_P)]).strip()
            cells.append(Cell(text, where))
        rows.append(cells)
    return rows


def _merged_from_above(cell: etree._Element) -> bool:
    """Whether a cell continues the one above it (a ``vMerge`` without ``restart``). Asked
    child by child: a path search, parsed again for each of a report's thousand cells,
    took a fifth of reading a Word file."""
    for properties in cell.iterchildren(_TC_PROPERTIES):
        for merge in properties.iterchildren(_V_MERGE):
            return bool(merge.get(_VAL, "continue") == "continue")
    return False
