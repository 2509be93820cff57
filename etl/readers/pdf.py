"""PDF reports with a text layer, read from the words' coordinates, not only their order.

Text order in a PDF scrambles tables: vertical group labels come out one character per
line between data rows, long labels wrap above and below their numbers, page numbers
sit between rows, and blank cells leave nothing at all. So inside each table:

- a line with numbers right of the label area is a table row; label fragments on lines
  without numbers belong to the row nearest them, and are joined column by column so
  that a wrapped label reads whole again;
- each number is placed in the column whose centre it is nearest (columns are taken
  from the rows that fill them all), and an empty column becomes a blank cell.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from dataclasses import dataclass

from etl.document import Cell, ReadError, SourceDocument, fold_variants
from etl.template import ACTIVE_HEADER_FIRST, END_HEADING, is_block_title, is_whole_label, tables

# pdfminer warns about every font without a bounding box (Chrome's fonts): noise to a user.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_NUMERIC = re.compile(r"^[-+－]?[\d０-９][\d０-９,，.．]*(?:万元|亿元|元|件|个|项|条|次)?$|^[-—–/／]$")
_FOOTER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$|^第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$")
_HEADINGS = [re.compile(table.heading) for table in tables("2021")] + [re.compile(END_HEADING)]
_HEADERS = [re.compile(rf"^(?:{table.header})") for table in tables("2021")]
_WIDTHS = [0, 7, 15]  # value columns per table: table 二's blocks differ
_APPEALS = 2


#: No annual report runs to more pages than this; a longer PDF is refused, not read for minutes.
_MAX_PAGES = 300
#: Pages are stacked into one vertical axis, each this many points below the last.
_PAGE_STRIDE = 10_000
#: Words whose middles are this close (points) stand on one line.
_SAME_LINE = 3.0
#: Page numbers are footers only in the bottom part of a page (share of its height).
_FOOT_BAND = 0.85
#: Unit words that may follow a number in its cell, and how far (points) after it.
_UNIT_WORDS = frozenset({"元", "万元", "亿元", "件", "个", "项", "条", "次"})
_UNIT_GAP = 14.0
#: How a row label begins (1. / （三） / 一、): the first line of a label, never a continuation.
_LABEL_START = re.compile(r"^(?:\d{1,2}\s*[.．、]|[（(]\s*[一二三四五六七八九十]\s*[）)]|[一二三四五六七八九十]\s*[、.．])")
#: Numbers of one column line up within this many points (at their left, right or centre).
_ALIGN_TOLERANCE = 6.0
#: A wrapped label line sits closer to its row than the next row does: inside a cell the
#: lines are one line height apart, rows one line height plus the cell padding.
_WRAP_SHARE = 0.9
#: Points a label word may reach past the first value column's edge and still be a label.
_LABEL_SLACK = 2.0


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    y: float  # the vertical middle: glyphs of two fonts on one line differ in top, not middle
    page: int
    confidence: float | None = None
    original: str = ""

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Line:
    words: list[Word]
    rulings: list[float] | None = None  # x of the vertical table borders crossing this line
    rules: list[tuple[float, float, float]] | None = None  # the page's horizontal borders (y, x0, x1)

    @property
    def y(self) -> float:
        return statistics.median(word.y for word in self.words)

    @property
    def text(self) -> str:
        return "".join(word.text for word in self.words)

    @property
    def page(self) -> int:
        return self.words[0].page


def parse_pdf(data: bytes, path: str) -> SourceDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > _MAX_PAGES:
                raise ReadError(f"{path}：PDF 有 {len(pdf.pages)} 页，年度报告不会超过 {_MAX_PAGES} 页，不读取")
            lines = [line for number, page in enumerate(pdf.pages, start=1) for line in _page_lines(page, number)]
    except ReadError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise ReadError(f"{path}：PDF 文件有密码保护，请先在阅读器中去掉密码再导入") from error
    except PDFSyntaxError as error:
        raise ReadError(f"{path}：PDF 文件已损坏，无法打开（{error}）") from error
    except Exception as error:  # pdfminer raises many kinds on broken files; the reason is the same
        inner = error.args[0] if error.args and isinstance(error.args[0], Exception) else error  # pdfplumber wraps them
        if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError) or "password" in str(inner).lower():
            raise ReadError(f"{path}：PDF 文件有密码保护，请先在阅读器中去掉密码再导入") from error
        raise ReadError(f"{path}：PDF 文件已损坏或不完整，无法读取（{type(error).__name__}）") from error
    if sum(len(line.text) for line in lines) < 50:  # no text layer: a scan
        from etl.readers.ocr import read_scanned_pdf

        return read_scanned_pdf(data, path)
    return document_from_lines(lines, path, "pdf")


def _page_lines(page: object, number: int) -> list[Line]:
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)  # type: ignore[attr-defined]
    found = [PageWord(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"])) for w in words]
    return page_lines(found, number, float(page.height), page.edges)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PageWord:
    """A word where a page prints it (points from the page's top left), from the text
    layer or from OCR (then with its confidence and the text before a digit repair)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    confidence: float | None = None
    original: str = ""


def page_lines(
    words: list[PageWord], number: int, height: float, edges: list[dict[str, object]] | None = None, same_line: float = 3.0
) -> list[Line]:
    """A page's words as lines, each with the table borders (``edges`` as pdfplumber gives
    them) that cross it; page numbers at the foot are dropped. Words whose middles are
    within ``same_line`` points stand on one line (OCR's boxes wander more than a text layer's)."""
    found = [
        Word(fold_variants(w.text), w.x0, w.x1, (w.top + w.bottom) / 2 + number * _PAGE_STRIDE, number, w.confidence, w.original)
        for w in words
    ]
    found.sort(key=lambda word: (round(word.y), word.x0))
    lines: list[Line] = []
    for word in found:
        if lines and abs(lines[-1].y - word.y) < same_line:
            lines[-1].words.append(word)
        else:
            lines.append(Line([word]))
    for line in lines:
        line.words = _units_joined(sorted(line.words, key=lambda word: word.x0))
    all_edges = edges or []
    vertical = [e for e in all_edges if e.get("orientation") == "v"]
    rules = [
        (float(e["top"]) + number * _PAGE_STRIDE, float(e["x0"]), float(e["x1"]))  # type: ignore[arg-type]
        for e in all_edges
        if e.get("orientation") == "h"
    ]
    for line in lines:
        line.rules = rules
        y = line.y - number * _PAGE_STRIDE
        xs = sorted({round(float(e["x0"]), 1) for e in vertical if float(e["top"]) <= y - 2 and float(e["bottom"]) >= y + 2})  # type: ignore[arg-type]
        line.rulings = [x for i, x in enumerate(xs) if i == 0 or x - xs[i - 1] > 2]
    # Page numbers printed at the foot of the page are not part of any table.
    return [line for line in lines if not (_FOOTER.match(line.text) and (line.y - number * _PAGE_STRIDE) > height * _FOOT_BAND)]


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
            and word.text in _UNIT_WORDS
            and _NUMERIC.match(previous.text)
            and word.x0 - previous.x1 < _UNIT_GAP
        ):
            joined[-1] = Word(previous.text + word.text, previous.x0, word.x1, previous.y, previous.page, previous.confidence)
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
                rows.append([_cell(line.text, line)])  # the heading printed just below its table's header
                continue
            rows.extend(_region_rows(region, current))
            region, current = [], (table if table < len(_HEADERS) else None)
            rows.append([_cell(line.text, line)])
            continue
        region.append(line)
    rows.extend(_region_rows(region, current))
    return rows


def _region_rows(region: list[Line], table: int | None) -> list[list[Cell]]:
    """Narrative before table 二 and after table 四 stays as printed lines."""
    if table is None:
        return [[_cell(line.text, line)] for line in region]
    return _table_rows(region, _width(_WIDTHS[table], region), labelled=table != _APPEALS)


def _width(width: int, region: list[Line]) -> int:
    """Table 三 has one column more in the local variant with 法人或其他组织小计 (its header
    is the text before the first row of numbers, however many lines it wraps over)."""
    first = next((i for i, line in enumerate(region) if sum(bool(_NUMERIC.match(w.text)) for w in line.words) >= 2), 12)
    header = "".join(line.text for line in region[:first])
    return width + 1 if width == 7 and "小" in header else width


def _cell(text: str, line: Line) -> Cell:
    return Cell(text, f"第{line.page}页")


def _value_cell(word: Word | None, line: Line) -> Cell:
    """A value cell (a blank one for None) with OCR's confidence in it, where OCR read it."""
    if word is None:
        return _cell("", line)
    return Cell(word.text, f"第{line.page}页", word.confidence, word.original)


def _table_rows(lines: list[Line], width: int, labelled: bool = True) -> list[list[Cell]]:
    """``width`` is the number of value columns (0 for table 二, whose blocks differ)."""
    lines = _merge_split_rows(lines, width)
    cells = {i: _value_cells(line, width) for i, line in enumerate(lines)}
    # Table 四 has no label column: its numbers start at the table's left edge.
    edge = _label_edge(lines) if labelled else min((w.x0 for line in lines for w in line.words), default=None)
    edge = edge - 1 if edge is not None and not labelled else edge
    if edge is None and not any(cells.values()):
        return [[_cell(line.text, line)] for line in lines]
    fallback = edge if edge is not None else float("inf")
    for i, found in cells.items():
        if found and fallback < found[0][0] - 1 - _ALIGN_TOLERANCE:
            cells[i] = []  # numbers stand left of the first bordered cell: a border was not drawn or found
    boundary = {i: (cells[i][0][0] - 1 if cells[i] else fallback) for i in cells}
    value_lines = [i for i, line in enumerate(lines) if any(_is_value(w, boundary[i]) for w in line.words)]
    if not value_lines:
        plain = [[_cell(line.text, line)] for line in lines]
        if width and _empty_last_band(lines):  # a bordered row whose cells are all blank
            plain.append([_cell("", lines[-1]), *(_cell("", lines[-1]) for _ in range(width))])
        return plain
    owner = _owners(lines, value_lines, boundary)
    headers = [w for i in range(value_lines[0]) for w in lines[i].words if _in_values(w, boundary[i])]
    columns = _columns([[w for w in lines[i].words if _is_value(w, boundary[i])] for i in value_lines], width, headers)
    rows: list[list[Cell]] = []
    pending: list[int] = []  # label lines of one all-blank bordered row, joined when it ends
    header: list[Line] = []  # table 二: the header lines of the block being read
    headers_at: set[int] = set()

    def flush() -> None:
        first = pending[0]
        label = _join_label([lines[i] for i in pending], boundary[first])
        count = len(cells[first]) or width or len(_header_spans(header, boundary[first]))
        rows.append([_cell(label, lines[first]), *(_cell("", lines[first]) for _ in range(count))])
        pending.clear()

    for index, line in enumerate(lines):
        blank = _blank_row(line, index, value_lines, cells[index], boundary[index])
        if pending and (index in value_lines or _border_between(lines[pending[-1]], line) or not blank):
            flush()
        if index in value_lines:
            fragments = [lines[i] for i in range(len(lines)) if owner.get(i) == index]
            label = _join_label(fragments, boundary[index])
            values = [w for w in line.words if _is_value(w, boundary[index])]
            spans = columns if width else _header_spans(header, boundary[index])
            placed = _place(values, cells[index], spans)
            rows.append([_cell(label, line), *(_value_cell(word, line) for word in placed)])
            continue
        if any(_in_values(word, boundary[index]) for word in line.words):
            header = [*header, line] if index - 1 in headers_at else [line]  # a header wrapped over lines
            headers_at.add(index)
        if index in owner:
            continue
        if blank:
            pending.append(index)  # a row whose cells are all blank leaves only its label behind
        else:
            rows.append([_cell(line.text, line)])
    if pending:
        flush()
    return rows


def _merge_split_rows(lines: list[Line], width: int) -> list[Line]:
    """One bordered row can print its numbers on two lines: its cells align their text
    differently (the official Word template sets 总计 at the top, the others centred), or a
    number wraps in a narrow cell (1,24 / 4). With no border between the lines they are
    one row; a cell holds one number, so two pieces in one cell are one number."""
    merged: list[Line] = []
    last = -1  # where in ``merged`` the last line with numbers is
    for line in lines:
        cells = _value_cells(line, width)
        values = {_slot(word, cells): word for word in line.words if cells and _is_value(word, cells[0][0] - 1)}
        values.pop(-1, None)
        previous = merged[last] if last >= 0 else None
        if (
            previous is not None
            and values
            and previous.page == line.page
            and cells == _value_cells(previous, width)
            and not _border_between(line, previous, at=min(cells[slot][0] for slot in values) + 1)
        ):
            merged[last] = _joined_row(previous, line, cells)
            continue
        merged.append(line)
        if values:
            last = len(merged) - 1
    return merged


def _joined_row(upper: Line, lower: Line, cells: list[tuple[float, float]]) -> Line:
    """Two lines of one bordered row as one line: pieces of one cell joined, top first."""
    words = list(upper.words)
    for word in lower.words:
        slot = _slot(word, cells) if _is_value(word, cells[0][0] - 1) else -1
        above = next(
            (i for i, w in enumerate(words) if slot >= 0 and _is_value(w, cells[0][0] - 1) and _slot(w, cells) == slot), None
        )
        if above is None:
            words.append(word)
            continue
        piece = words[above]
        words[above] = Word(
            piece.text + word.text, min(piece.x0, word.x0), max(piece.x1, word.x1), piece.y, piece.page, piece.confidence
        )
    return Line(sorted(words, key=lambda w: w.x0), upper.rulings, upper.rules)


def _label_edge(lines: list[Line]) -> float | None:
    """Where the label column ends in a table without borders: just left of the first
    value of the rows (the numbers a row ends with), taken where two rows agree."""
    # Table 二's block headers (信息内容 | 本年制发件数 …) start the value columns exactly.
    headed = [line.words[1].x0 for line in lines if len(line.words) > 1 and line.words[0].text == ACTIVE_HEADER_FIRST]
    if headed:
        return min(headed) - 1
    starts = sorted(trailing[0].x0 for line in lines if (trailing := _trailing_numbers(line)))
    if not starts:
        return None
    agreed = [a for a, b in zip(starts, starts[1:], strict=False) if b - a < _ALIGN_TOLERANCE]
    return (agreed[0] if agreed else starts[0]) - 1


def _trailing_numbers(line: Line) -> list[Word]:
    """The numbers a line ends with, after a label (none on a line that is all numbers)."""
    count = 0
    for word in reversed(line.words):
        if not _NUMERIC.match(word.text):
            break
        count += 1
    return line.words[len(line.words) - count :] if count else []


def _empty_last_band(lines: list[Line]) -> bool:
    """Whether the table's last bordered band, below its header text, holds no words at all."""
    rules = lines[-1].rules or []
    ys = sorted({round(y, 1) for y, _, _ in rules if y > lines[0].y - 5})
    if len(ys) < 2:
        return False
    low, high = ys[-2], ys[-1]
    return high - low > 5 and not any(low < line.y < high for line in lines) and lines[-1].y < low


def _blank_row(line: Line, index: int, value_lines: list[int], cells: list[tuple[float, float]], boundary: float) -> bool:
    """A label alone on a bordered row with value cells, between rows of a table, or a
    row's whole label anywhere in it (a row whose cells are all blank leaves only that)."""
    label_only = all(word.x1 <= boundary + 1 for word in line.words)
    if not label_only or is_block_title(line.text):
        return False
    return bool(cells) or value_lines[0] < index < value_lines[-1] or is_whole_label(line.text)


def _value_cells(line: Line, width: int) -> list[tuple[float, float]]:
    """The value cells of a bordered row: the rightmost ``width`` cells between the
    rulings, or for table 二 every cell after the label cell."""
    rulings = line.rulings or []
    cells = list(zip(rulings, rulings[1:], strict=False))
    if width and len(cells) >= width:
        return cells[-width:]
    if not width and len(cells) >= 2:
        return cells[1:]
    return []


def _in_values(word: Word, boundary: float) -> bool:
    """A word that starts in the value columns (a header there, or a number)."""
    return word.x0 >= boundary - _LABEL_SLACK


def _is_value(word: Word, boundary: float) -> bool:
    return word.centre >= boundary and bool(_NUMERIC.match(word.text))


def _columns(rows: list[list[Word]], width: int, headers: list[Word]) -> list[tuple[float, float]]:
    """The value columns of a table without borders, as spans, from the numbers' positions.

    Cells align their numbers left (browsers), right or centre (Word); the alignment whose
    positions fall into exactly ``width`` clusters is the one the table uses. A column
    blank in every row has no number: in a left-aligned table its header starts where its
    numbers would (spanning headers start at their first column), so header words count
    there. With no alignment found, no columns are known, and rows that are not full
    cannot be placed.
    """
    if not width:
        return []
    words = [word for row in rows for word in row]
    candidates = (
        [w.x0 for w in words],
        [w.x1 for w in words],
        [w.centre for w in words],
        [w.x0 for w in words + headers],
    )
    for positions in candidates:
        groups = _clusters(sorted(positions))
        if len(groups) == width:
            return [(min(group) - _ALIGN_TOLERANCE, max(group) + _ALIGN_TOLERANCE) for group in groups]
    return []


def _clusters(positions: list[float]) -> list[list[float]]:
    groups: list[list[float]] = []
    for position in positions:
        if groups and position - groups[-1][-1] < _ALIGN_TOLERANCE:
            groups[-1].append(position)
        else:
            groups.append([position])
    return groups


def _header_spans(header: list[Line], boundary: float) -> list[tuple[float, float]]:
    """Table 二's columns from its block's header words (本年制发件数 …), merging words that
    overlap (a header wrapped over two lines)."""
    words = sorted((w for line in header for w in line.words if _in_values(w, boundary)), key=lambda w: w.x0)
    spans: list[tuple[float, float]] = []
    for word in words:
        if spans and word.x0 < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], word.x1))
        else:
            spans.append((word.x0, word.x1))
    return spans


def _owners(lines: list[Line], value_lines: list[int], boundary: dict[int, float]) -> dict[int, int]:
    """A line without numbers is a wrapped part of the label of the value line nearest it,
    when it lies in the label column and closer than one row's height; a line reaching
    into the value columns is a header, and one farther away is a row of its own."""
    owner = {index: index for index in value_lines}
    tops = sorted(lines[v].y for v in value_lines)
    gaps = sorted(b - a for a, b in zip(tops, tops[1:], strict=False) if 3 < b - a < 1000)
    pitch = gaps[len(gaps) // 4] if gaps else 24.0  # one row's height: most rows hold one line
    for index, line in enumerate(lines):
        if index in owner or any(_in_values(word, boundary[index]) for word in line.words):
            continue
        if is_whole_label(line.text) or is_block_title(line.text):
            continue
        candidates = [v for v in value_lines if not _border_between(line, lines[v])]
        if _LABEL_START.match(line.text):  # a label's first line: its row is here or below
            candidates = [v for v in candidates if lines[v].y >= line.y - _SAME_LINE]
        if not candidates:
            continue
        nearest = min(candidates, key=lambda v: abs(lines[v].y - line.y))
        bordered = bool(line.rules) and any(_border_between(line, lines[v]) for v in value_lines if v != nearest)
        close = abs(lines[nearest].y - line.y) < _WRAP_SHARE * pitch
        if bordered or close or _in_group_column(line, lines[nearest], boundary[nearest]):
            owner[index] = nearest
    return owner


def _in_group_column(line: Line, row: Line, boundary: float) -> bool:
    """A vertical group label (（六）其 / 他处理) stands in a column left of the row labels:
    it belongs to the rows beside it, it is not a row whose cells are all blank."""
    labels = [word.x0 for word in row.words if word.x1 <= boundary + _LABEL_SLACK]
    return bool(labels) and max(word.x1 for word in line.words) <= max(labels) - _LABEL_SLACK


def _border_between(line: Line, other: Line, at: float | None = None) -> bool:
    """A horizontal table border between two lines, under the first line's last word (its
    row label, right of any group label whose cell spans rows) or at ``at``: different rows."""
    if line.page != other.page:
        return True
    low, high = sorted((line.y, other.y))
    x = line.words[-1].centre if at is None else at
    return any(low + 1 < y < high + 1 and x0 - 1 <= x <= x1 + 1 for y, x0, x1 in line.rules or [])


def _join_label(fragments: list[Line], boundary: float) -> str:
    """Label words column by column (group label before row label), each top to bottom."""
    words = [w for line in fragments for w in line.words if w.x0 < boundary or not _NUMERIC.match(w.text)]
    starts = sorted({round(w.x0 / 12) for w in words})
    by_column: dict[int, list[Word]] = {}
    for word in words:
        by_column.setdefault(round(word.x0 / 12), []).append(word)
    parts = []
    for start in starts:
        parts.append("".join(w.text for w in sorted(by_column[start], key=lambda w: (w.y, w.x0))))
    return "".join(parts)


def _place(values: list[Word], cells: list[tuple[float, float]], columns: list[tuple[float, float]]) -> list[Word | None]:
    """Numbers into their columns by position; a column with no number is a blank cell (None).

    Bordered tables give the cells exactly; otherwise the columns learned from the numbers
    or the header do. A number that falls in no column, or two in one, leaves the row as
    printed, which the recogniser then reports as unreadable: never a shift.
    """
    spans = cells or columns
    if not spans:
        return list(values)
    slots = [_slot(word, spans) for word in values]
    if -1 in slots or len(set(slots)) != len(slots):
        return list(values)
    placed: list[Word | None] = [None] * len(spans)
    for slot, word in zip(slots, values, strict=True):
        placed[slot] = word
    return placed


def _slot(word: Word, spans: list[tuple[float, float]]) -> int:
    """The one span the word's centre lies in, else the one it overlaps most; -1 if none."""
    inside = [i for i, (a, b) in enumerate(spans) if a - 1 <= word.centre <= b + 1]
    if len(inside) == 1:
        return inside[0]
    overlaps = [max(0.0, min(b, word.x1) - max(a, word.x0)) for a, b in spans]
    best = max(range(len(spans)), key=lambda i: overlaps[i])
    runner_up = sorted(overlaps)[-2] if len(overlaps) > 1 else 0.0
    return best if overlaps[best] > runner_up else -1
