"""Rebuild a table's rows from the words on its lines: labels joined across wrapped lines,
numbers placed in their columns by borders or by position, blank cells where a column has
no number. The PDF reader hands each table region here, from a text layer or from OCR.

- a line with numbers right of the label area is a table row; label fragments on lines
  without numbers belong to the row nearest them, and are joined column by column so
  that a wrapped label reads whole again;
- each number is placed in the cell its borders give, else in the column its position
  (left, right or centre) lines up with, and an empty column becomes a blank cell.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import statistics
from dataclasses import dataclass, field

from etl.document import Box, Cell, made_from_fields
from etl.label_patterns import is_block_title, is_whole_label
from etl.template import ACTIVE_HEADER_FIRST

#: A word that is one cell's number, with its unit, or a dash that means zero.
NUMERIC = re.compile(r"^[-+－]?[\d０-９][\d０-９,，.．]*(?:万元|亿元|元|件|个|项|条|次)?$|^[-—–/／]$")
#: Words whose middles are this close (points) stand on one line.
SAME_LINE = 3.0
#: How a row label begins (1. / （三） / 一、): the first line of a label, never a continuation.
_LABEL_START = re.compile(r"^(?:\d{1,2}\s*[.．、]|[（(]\s*[一二三四五六七八九十]\s*[）)]|[一二三四五六七八九十]\s*[、.．])")
#: Numbers of one column line up within this many points (at their left, right or centre).
_ALIGN_TOLERANCE = 6.0
#: A wrapped label line sits closer to its row than the next row does: inside a cell the
#: lines are one line height apart, rows one line height plus the cell padding.
_WRAP_SHARE = 0.9
#: A row's height (points) when a table has too few rows to measure it: one line of 10.5 pt text with padding.
_USUAL_PITCH = 24.0
#: Borders closer than this (points) enclose no row: a double border.
_THINNEST_ROW = 5.0
#: A value cell this many times as wide as the row's median one is two cells run together.
_WIDEST_CELL = 1.75
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
    top: float = 0.0  # on its page, in points: the box a reader sees the word in
    bottom: float = 0.0

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def box(self) -> Box:
        return Box(self.page, self.x0, self.top, self.x1, self.bottom)

    def joined(self, other: Word) -> Word:
        """This word with ``other`` after it, as one: a unit after its number, the pieces of a wrapped cell."""
        return Word(
            self.text + other.text,
            min(self.x0, other.x0),
            max(self.x1, other.x1),
            self.y,
            self.page,
            self.confidence if other.confidence is None else min(self.confidence or 1.0, other.confidence),
            self.original,
            min(self.top, other.top),
            max(self.bottom, other.bottom),
        )


@dataclass
class Line:
    words: list[Word]
    rulings: list[float] | None = None  # x of the vertical table borders crossing this line
    rules: list[tuple[float, float, float]] | None = None  # the page's horizontal borders (y, x0, x1), by y

    _y: tuple[list[Word], int, float] | None = field(default=None, init=False, repr=False, compare=False)
    _text: tuple[list[Word], int, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def y(self) -> float:
        """The words' median height, kept until the words change (the table reader asks it
        of every pair of lines)."""
        kept = self._y
        if kept is not None and self._holds(kept):
            return kept[2]
        self._y = (self.words, len(self.words), statistics.median(word.y for word in self.words))
        return self._y[2]

    @property
    def text(self) -> str:
        """The words run together, kept until the words change (the readers match a line's
        text against the headings, headers and label patterns, a dozen times a line)."""
        kept = self._text
        if kept is not None and self._holds(kept):
            return kept[2]
        self._text = (self.words, len(self.words), "".join([word.text for word in self.words]))
        return self._text[2]

    def _holds(self, kept: tuple[list[Word], int, object]) -> bool:
        """Whether a kept answer was worked out from the words the line has now (the same
        list, as long: lines are built by appending words, never by changing one)."""
        return kept[0] is self.words and kept[1] == len(self.words)

    @property
    def page(self) -> int:
        return self.words[0].page


def page_cell(text: str, line: Line) -> Cell:
    # As ``Cell(text, place)`` makes it (a report's tables make thousands).
    return made_from_fields(Cell, (text, _page_place(line.page), None, "", None))


def _value_cell(word: Word | None, line: Line) -> Cell:
    """A value cell (a blank one for None) with OCR's confidence in it, where OCR read it."""
    if word is None:
        return page_cell("", line)
    return made_from_fields(Cell, (word.text, _page_place(line.page), word.confidence, word.original, word.box))


@functools.cache
def _page_place(page: int) -> str:
    return f"第{page}页"


def table_rows(lines: list[Line], width: int, labelled: bool = True) -> list[list[Cell]]:
    """``width`` is the number of value columns (0 for table 二, whose blocks differ)."""
    lines, found_cells = _merge_split_rows(lines, width)
    cells = dict(enumerate(found_cells))
    # Table 四 has no label column: its numbers start at the table's left edge.
    edge = _label_edge(lines) if labelled else min((w.x0 for line in lines for w in line.words), default=None)
    edge = edge - 1 if edge is not None and not labelled else edge
    if edge is None and not any(cells.values()):
        return [[page_cell(line.text, line)] for line in lines]
    fallback = edge if edge is not None else float("inf")
    for i, found in cells.items():
        if found and fallback < found[0][0] - 1 - _ALIGN_TOLERANCE:
            cells[i] = []  # numbers stand left of the first bordered cell: a border was not drawn or found
    boundary = {i: (cells[i][0][0] - 1 if cells[i] else fallback) for i in cells}
    values_of = [[w for w in line.words if _is_value(w, boundary[i])] for i, line in enumerate(lines)]
    value_lines = [i for i, values in enumerate(values_of) if values]
    if not value_lines:
        plain = [[page_cell(line.text, line)] for line in lines]
        if width and _empty_last_band(lines):  # a bordered row whose cells are all blank
            plain.append([page_cell("", lines[-1]), *(page_cell("", lines[-1]) for _ in range(width))])
        return plain
    owner = _owners(lines, value_lines, boundary)
    owned: dict[int, list[int]] = {}  # each value line's label fragments, top to bottom
    for i in range(len(lines)):
        if i in owner:
            owned.setdefault(owner[i], []).append(i)
    is_value_line = set(value_lines)
    headers = [w for i in range(value_lines[0]) for w in lines[i].words if _in_values(w, boundary[i])]
    columns = _columns([values_of[i] for i in value_lines], width, headers)
    rows: list[list[Cell]] = []
    pending: list[int] = []  # label lines of one all-blank bordered row, joined when it ends
    header: list[Line] = []  # table 二: the header lines of the block being read
    headers_at: set[int] = set()

    def flush() -> None:
        first = pending[0]
        label = _join_label([lines[i] for i in pending], boundary[first])
        count = len(cells[first]) or width or len(_header_spans(header, boundary[first]))
        rows.append([page_cell(label, lines[first]), *(page_cell("", lines[first]) for _ in range(count))])
        pending.clear()

    for index, line in enumerate(lines):
        if index in is_value_line:
            if pending:
                flush()
            fragments = [lines[i] for i in owned.get(index, [])]
            label = _join_label(fragments, boundary[index])
            spans = columns if width else _header_spans(header, boundary[index])
            placed = _place(values_of[index], cells[index], spans)
            rows.append([page_cell(label, line), *(_value_cell(word, line) for word in placed)])
            continue
        blank = _blank_row(line, index, value_lines, cells[index], boundary[index])
        if pending and (_border_between(lines[pending[-1]], line) or not blank):
            flush()
        if any(_in_values(word, boundary[index]) for word in line.words):
            header = [*header, line] if index - 1 in headers_at else [line]  # a header wrapped over lines
            headers_at.add(index)
        if index in owner:
            continue
        if blank:
            pending.append(index)  # a row whose cells are all blank leaves only its label behind
        else:
            rows.append([page_cell(line.text, line)])
    if pending:
        flush()
    return rows


def _merge_split_rows(lines: list[Line], width: int) -> tuple[list[Line], list[list[tuple[float, float]]]]:
    """One bordered row can print its numbers on two lines: its cells align their text
    differently (the official Word template sets 总计 at the top, the others centred), or a
    number wraps in a narrow cell (1,24 / 4). With no border between the lines they are
    one row; a cell holds one number, so two pieces in one cell are one number. Returns
    the lines and each one's value cells (a joined row's are its upper line's)."""
    merged: list[Line] = []
    merged_cells: list[list[tuple[float, float]]] = []
    last = -1  # where in ``merged`` the last line with numbers is
    last_cells: list[tuple[float, float]] = []  # its value cells (a joined row keeps its upper line's rulings)
    for line in lines:
        cells = _value_cells(line, width)
        values = {_slot(word, cells): word for word in line.words if _is_value(word, cells[0][0] - 1)} if cells else {}
        values.pop(-1, None)
        previous = merged[last] if last >= 0 else None
        if (
            previous is not None
            and values
            and previous.page == line.page
            and cells == last_cells
            and not _border_between(line, previous, at=min(cells[slot][0] for slot in values) + 1)
        ):
            merged[last] = _joined_row(previous, line, cells)
            continue
        merged.append(line)
        merged_cells.append(cells)
        if values:
            last, last_cells = len(merged) - 1, cells
    return merged, merged_cells


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
        words[above] = words[above].joined(word)
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
        if not _numeric(word.text):
            break
        count += 1
    return line.words[len(line.words) - count :] if count else []


def _empty_last_band(lines: list[Line]) -> bool:
    """Whether the table's last bordered band, below its header text, holds no words at all."""
    rules = lines[-1].rules or []
    ys = sorted({round(y, 1) for y, _, _ in rules if y > lines[0].y - _THINNEST_ROW})
    if len(ys) < 2:
        return False
    low, high = ys[-2], ys[-1]
    return high - low > _THINNEST_ROW and not any(low < line.y < high for line in lines) and lines[-1].y < low


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
        return cells[-width:] if _even(cells[-width:]) else []
    if not width and len(cells) >= 2:
        return cells[1:]
    return []


def _even(cells: list[tuple[float, float]]) -> bool:
    """Whether a row's value cells are about equally wide, as the template's columns are:
    one twice as wide as the others is two cells whose border was not found (a faint line
    on a scan), and trusting it would shift every number after it by one column."""
    widths = sorted(b - a for a, b in cells)
    return widths[-1] <= _WIDEST_CELL * widths[len(widths) // 2]


def _in_values(word: Word, boundary: float) -> bool:
    """A word that starts in the value columns (a header there, or a number)."""
    return word.x0 >= boundary - _LABEL_SLACK


def _is_value(word: Word, boundary: float) -> bool:
    return word.centre >= boundary and _numeric(word.text)


@functools.lru_cache(maxsize=8192)
def _numeric(text: str) -> bool:
    """Whether ``NUMERIC`` matches, kept: a table asks it of each word several times, and
    its words ("0", labels) recur from table to table."""
    return bool(NUMERIC.match(text))


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
    heights = {v: lines[v].y for v in value_lines}
    places = [(v, lines[v].page, heights[v]) for v in value_lines]
    tops = sorted(heights.values())
    gaps = sorted(b - a for a, b in zip(tops, tops[1:], strict=False) if 3 < b - a < 1000)
    pitch = gaps[len(gaps) // 4] if gaps else _USUAL_PITCH  # one row's height: most rows hold one line
    for index, line in enumerate(lines):
        if index in owner or any(_in_values(word, boundary[index]) for word in line.words):
            continue
        if is_whole_label(line.text) or is_block_title(line.text):
            continue
        y = line.y
        unbordered = _Reach(line).unbordered(places)
        candidates = unbordered
        if _LABEL_START.match(line.text):  # a label's first line: its row is here or below
            candidates = [v for v in candidates if heights[v] >= y - SAME_LINE]
        if not candidates:
            continue
        nearest = min(candidates, key=lambda v: abs(heights[v] - y))
        # A border stands between the line and a value line other than the nearest (the nearest has none).
        bordered = bool(line.rules) and len(unbordered) < len(value_lines)
        close = abs(heights[nearest] - y) < _WRAP_SHARE * pitch
        if bordered or close or _in_group_column(line, lines[nearest], boundary[nearest]):
            owner[index] = nearest
    return owner


class _Reach:
    """The nearest horizontal borders above and below a line, under its last word (its row
    label, right of any group label whose cell spans rows) or at ``at``: a line at another
    height lies in another row exactly when it lies past one of them. Found once a line,
    then compared with every other line."""

    def __init__(self, line: Line, at: float | None = None) -> None:
        self.page = line.page
        self.y = line.y
        x = line.words[-1].centre if at is None else at
        self.up, self.down = -math.inf, math.inf
        # The rules are sorted by height: the nearest ones under x are found walking out
        # from the line's height (a page has a hundred, and each line asks).
        rules = line.rules or []
        level = self.y + 1
        for index in range(bisect.bisect_left(rules, (level,)) - 1, -1, -1):
            height, x0, x1 = rules[index]
            if x0 - 1 <= x <= x1 + 1:
                self.up = height
                break
        for index in range(bisect.bisect_right(rules, (level, math.inf, math.inf)), len(rules)):
            height, x0, x1 = rules[index]
            if x0 - 1 <= x <= x1 + 1:
                self.down = height
                break

    def crosses(self, page: int, y: float) -> bool:
        """Whether a border stands between the line and a line at ``y`` on ``page`` (a
        border more than a point below the higher line, and less than a point below the lower)."""
        if page != self.page:
            return True
        return self.down < y + 1 if y >= self.y else self.up > y + 1

    def unbordered(self, places: list[tuple[int, int, float]]) -> list[int]:
        """Of lines given as (index, page, y), in order, those no border separates from this
        one: ``not crosses(page, y)`` for each, in one pass. On the line's page that is
        ``up <= y + 1 <= down`` (the border above is below the line's y + 1, the one below
        above it, so the other half of each of ``crosses``'s two tests always holds)."""
        page, up, down = self.page, self.up, self.down
        return [index for index, on, y in places if on == page and up <= y + 1 <= down]


def _in_group_column(line: Line, row: Line, boundary: float) -> bool:
    """A vertical group label (（六）其 / 他处理) stands in a column left of the row labels:
    it belongs to the rows beside it, it is not a row whose cells are all blank."""
    labels = [word.x0 for word in row.words if word.x1 <= boundary + _LABEL_SLACK]
    return bool(labels) and max(word.x1 for word in line.words) <= max(labels) - _LABEL_SLACK


def _border_between(line: Line, other: Line, at: float | None = None) -> bool:
    """A horizontal table border between two lines (see ``_Reach``): different rows."""
    return _Reach(line, at).crosses(other.page, other.y)


def _join_label(fragments: list[Line], boundary: float) -> str:
    """Label words column by column (group label before row label), each top to bottom.

    A column is the words whose extents overlap: the lines of a centred label start at
    different places (OCR boxes each line apart), but they overlap one another, and never
    the group label's column beside them.
    """
    words = [w for line in fragments for w in line.words if w.x0 < boundary or not _numeric(w.text)]
    columns: list[list[Word]] = []
    reaches: list[float] = []  # how far right each column's words reach
    for word in sorted(words, key=lambda w: w.x0):
        at = next((i for i, reach in enumerate(reaches) if word.x0 < reach - _LABEL_SLACK), None)
        if at is None:
            columns.append([word])
            reaches.append(word.x1)
        else:
            columns[at].append(word)
            reaches[at] = max(reaches[at], word.x1)
    return "".join("".join(w.text for w in sorted(column, key=lambda w: (w.y, w.x0))) for column in columns)


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
    centre = word.centre  # once: a report places some 350 words, each against a dozen spans
    inside = [i for i, (a, b) in enumerate(spans) if a - 1 <= centre <= b + 1]
    if len(inside) == 1:
        return inside[0]
    overlaps = [max(0.0, min(b, word.x1) - max(a, word.x0)) for a, b in spans]
    best = max(range(len(spans)), key=lambda i: overlaps[i])
    runner_up = sorted(overlaps)[-2] if len(overlaps) > 1 else 0.0
    return best if overlaps[best] > runner_up else -1
