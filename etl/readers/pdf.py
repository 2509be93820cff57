"""PDF reports, read from the words' coordinates, not only their order.

Text order in a PDF scrambles tables: vertical group labels come out one character per
line between data rows, long labels wrap above and below their numbers, page numbers
sit between rows, and blank cells leave nothing at all. So the page's words become lines
(with the table borders crossing them), the lines are cut into regions at each table's
heading or header, and ``pdf_table`` rebuilds each table region row by row. A PDF with
no text layer is a scan, read by OCR (``ocr``) into the same lines.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Callable
from typing import NamedTuple, cast

from etl.document import FOOT_NUMBER, PAGE_NUMBER, Cell, ReadError, SourceDocument, fold_variants
from etl.readers.pdf_engine import PdfTooLong, PdfUnreadable, read_pages
from etl.readers.pdf_table import NUMERIC, SAME_LINE, Line, Word, page_cell, table_rows
from etl.template import END_HEADING, REQUEST_COLUMNS, UNIT_WORDS, tables

_HEADINGS = [re.compile(table.heading) for table in tables("2021")] + [re.compile(END_HEADING)]
_HEADERS = [re.compile(rf"^(?:{table.header})") for table in tables("2021")]
_TABLES = tables("2021")  # both versions print the same columns


#: No annual report runs to more pages than this; a longer PDF is refused, not read for minutes.
_MAX_PAGES = 300
#: Pages are stacked into one vertical axis, each this many points below the last.
_PAGE_STRIDE = 10_000
#: Page numbers are footers only in the bottom part of a page (share of its height).
_FOOT_BAND = 0.85
#: A vertical border crosses a line when it reaches this many points above and below its middle.
_CROSSING = 2.0
#: Vertical borders closer than this (points) are one border drawn twice (cell borders of Word tables).
_SAME_RULING = 2.0
#: Characters a text layer needs to be read rather than OCR'd; a report has thousands.
_LEAST_TEXT = 50
#: A report's text is mostly Chinese; a text layer with less than this share is not its text.
_LEAST_CHINESE_SHARE = 0.15
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")
_NOT_CHINESE = re.compile(r"[^\u4e00-\u9fff]+")
#: How far (points) after its number a unit word may stand and still be in its cell.
_UNIT_GAP = 14.0


def read_pdf(data: bytes, path: str, on_page: Callable[[int, int], None] | None = None) -> SourceDocument:
    try:
        lines = [
            line
            for number, content in enumerate(read_pages(data, _MAX_PAGES), start=1)
            for line in page_lines([PageWord(*word) for word in content.words], number, content.height, content.edges)
        ]
    except PdfTooLong as error:
        raise ReadError(f"{path}：PDF 有 {error.pages} 页，年度报告不会超过 {_MAX_PAGES} 页，不读取") from error
    except PdfUnreadable as error:
        if error.password:
            raise ReadError(f"{path}：PDF 文件有密码保护，请先在阅读器中去掉密码再导入") from error
        raise ReadError(f"{path}：PDF 文件已损坏或不完整，无法读取（{error}）") from error
    if _text_layer_unusable(lines):  # a scan: no text layer, or one of no words
        from etl.readers.ocr import read_scanned_pdf

        return read_scanned_pdf(data, path, on_page)
    return document_from_lines(lines, path, "pdf")


def _text_layer_unusable(lines: list[Line]) -> bool:
    """Whether a PDF's text layer cannot be the report: next to no text (a scan), or text
    that is hardly Chinese (glyphs without a character map come out as ``(cid:123)``, a
    scanner's own OCR can leave Latin gibberish over the page image)."""
    text = re.sub(r"\s+", "", "".join(line.text for line in lines))
    if len(text) < _LEAST_TEXT:
        return True
    plain = _UNMAPPED_GLYPH.sub("", text)
    chinese = len(_NOT_CHINESE.sub("", plain))  # counted by the regex engine, not character by character in Python
    return chinese < _LEAST_CHINESE_SHARE * len(text)


class PageWord(NamedTuple):
    """A word where a page prints it (points from the page's top left), from the text
    layer or from OCR (then with its confidence and the text before a digit repair).
    A named tuple: a text layer gives a thousand words a report, and a frozen dataclass
    took six times as long to make each."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    confidence: float | None = None
    original: str = ""


def page_lines(
    words: list[PageWord], number: int, height: float, edges: list[dict[str, object]] | None = None, same_line: float = SAME_LINE
) -> list[Line]:
    """A page's words as lines, each with the table borders (``edges`` as pdfplumber gives
    them) that cross it; page numbers at the foot are dropped. Words whose middles are
    within ``same_line`` points stand on one line (OCR's boxes wander more than a text layer's)."""
    found = [
        Word(
            fold_variants(w.text),
            w.x0,
            w.x1,
            (w.top + w.bottom) / 2 + number * _PAGE_STRIDE,
            number,
            w.confidence,
            w.original,
            w.top,
            w.bottom,
        )
        for w in words
    ]
    found.sort(key=lambda word: (round(word.y), word.x0))
    lines: list[Line] = []
    heights: list[float] = []  # the last line's words' heights, in order: its median, as ``Line.y`` has it
    middle = 0.0
    for word in found:
        if lines and abs(middle - word.y) < same_line:
            lines[-1].words.append(word)
            bisect.insort(heights, word.y)
            middle = _median(heights)
        else:
            lines.append(Line([word]))
            heights, middle = [word.y], word.y
    for line in lines:
        line.words = _units_joined(sorted(line.words, key=lambda word: word.x0))
    all_edges = edges or []
    rules = sorted(  # by height, so that the borders between two lines are found by bisection
        (_at(e, "top") + number * _PAGE_STRIDE, _at(e, "x0"), _at(e, "x1")) for e in all_edges if e.get("orientation") == "h"
    )
    uprights = [(_at(e, "x0"), _at(e, "top"), _at(e, "bottom")) for e in all_edges if e.get("orientation") == "v"]
    for line, crossing in zip(lines, _crossing(uprights, [line.y - number * _PAGE_STRIDE for line in lines]), strict=True):
        line.rules = rules
        xs = sorted({round(x0, 1) for x0 in crossing})
        line.rulings = [x for i, x in enumerate(xs) if i == 0 or x - xs[i - 1] > _SAME_RULING]
    # Page numbers printed at the foot of the page are not part of any table.
    return [line for line in lines if not (_is_page_number(line.text) and (line.y - number * _PAGE_STRIDE) > height * _FOOT_BAND)]


def _median(ordered: list[float]) -> float:
    """The median of sorted numbers, worked out as ``statistics.median`` does."""
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _crossing(uprights: list[tuple[float, float, float]], heights: list[float]) -> list[list[float]]:
    """For each height, the x of the vertical borders (x, top, bottom) that reach more than
    ``_CROSSING`` above and below it. The heights are swept from the top: a border counts
    from where its top is far enough above, until its bottom is no longer far enough below
    (a page's hundreds of border pieces, each compared with every line, took longer)."""
    by_top = sorted(range(len(uprights)), key=lambda i: uprights[i][1])
    found: list[list[float]] = [[] for _ in heights]
    reaching: list[tuple[float, int]] = []  # (bottom, border) of those whose top is above, lowest bottom first
    taken = 0
    for at in sorted(range(len(heights)), key=heights.__getitem__):
        y = heights[at]
        while taken < len(by_top) and uprights[by_top[taken]][1] <= y - _CROSSING:
            heapq.heappush(reaching, (uprights[by_top[taken]][2], by_top[taken]))
            taken += 1
        while reaching and not reaching[0][0] >= y + _CROSSING:
            heapq.heappop(reaching)
        found[at] = [uprights[border][0] for _, border in reaching]
    return found


def _is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(text) or FOOT_NUMBER.match(text))


def _at(edge: dict[str, object], key: str) -> float:
    """A coordinate of a border as pdfplumber (or the OCR grid) describes it."""
    return float(cast("float", edge[key]))


def document_from_lines(lines: list[Line], path: str, fmt: str) -> SourceDocument:
    """The rows of cells the recogniser reads, from a document's lines."""
    return SourceDocument(path, fmt, _rows(lines), {})


def _units_joined(words: list[Word]) -> list[Word]:
    """A unit printed after its number (``251000 元``) is part of that number's cell: the
    unit decides the amount, so it must not be lost to the label."""
    joined: list[Word] = []
    for word in words:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and word.text in UNIT_WORDS
            and NUMERIC.match(previous.text)
            and word.x0 - previous.x1 < _UNIT_GAP
        ):
            joined[-1] = previous.joined(word)
            continue
        joined.append(word)
    return joined


def _rows(lines: list[Line]) -> list[list[Cell]]:
    """Paragraph lines stay lines; each table region is rebuilt row by row.

    A region opens at a table's heading, or at its own header (第二十条第（一）项, 申请人情况,
    结果维持) when the heading is lost or printed below it, and closes at the next one.
    """
    rows: list[list[Cell]] = []
    region: list[Line] = []
    current: int | None = None  # which table the region is: 0, 1, 2 for 二, 三, 四; None outside
    for line in lines:
        heading = next((i for i, pattern in enumerate(_HEADINGS) if pattern.match(line.text)), None)
        header = next((i for i, pattern in enumerate(_HEADERS) if pattern.match(line.text)), None)
        if header is not None and (current is None or header > current):
            rows.extend(_region_rows(region, current))
            region, current = [line], header
            continue
        if heading is not None:
            table = min(heading, len(_HEADERS))  # table 四 has two headings; part 五 closes the tables
            if current is not None and table == current and region and _HEADERS[current].match(region[0].text):
                rows.append([page_cell(line.text, line)])  # the heading printed just below its table's header
                continue
            rows.extend(_region_rows(region, current))
            region, current = [], (table if table < len(_HEADERS) else None)
            rows.append([page_cell(line.text, line)])
            continue
        region.append(line)
    rows.extend(_region_rows(region, current))
    return rows


def _region_rows(region: list[Line], table: int | None) -> list[list[Cell]]:
    """Narrative before table 二 and after table 四 stays as printed lines."""
    if table is None:
        return [[page_cell(line.text, line)] for line in region]
    shape = _TABLES[table]
    return table_rows(region, _width(shape.printed_width, region), labelled=not shape.one_printed_row)


def _width(width: int, region: list[Line]) -> int:
    """Table 三 has one column more in the local variant with 法人或其他组织小计 (its header
    is the text before the first row of numbers, however many lines it wraps over)."""
    first = next((i for i, line in enumerate(region) if sum(bool(NUMERIC.match(w.text)) for w in line.words) >= 2), 12)
    header = "".join(line.text for line in region[:first])
    return width + 1 if width == len(REQUEST_COLUMNS) and "小" in header else width
