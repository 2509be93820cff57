"""Recognise the template in a document: where each table is and which text is which row.

Rows are found by their labels, wherever the source put them: in a cell of their own, or
run into the numbers of a crawler's page text. Rows whose label the extraction lost are
placed by position between the labels that were found. What comes out is, per row, the
value tokens in order with their offsets; turning them into numbers is ``resolve``'s job.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from etl.document import PAGE_NUMBER, FlatText, made_from_fields
from etl.label_patterns import LabelPattern, anchor_pattern, row_pattern
from etl.report import Problem
from etl.template import END_HEADING as _END
from etl.template import (
    UNIT_WORDS,
    VERSION_MARKERS,
    Anchor,
    Row,
    Table,
    Version,
    per_table,
    row_columns,
    tables,
)
from etl.values import DASHES, normalise


class Chunk(NamedTuple):
    """One value token: a cell's number, a blank or dash, or digits of several cells run
    together. (A named tuple: a report makes hundreds, and a frozen record costs three
    times as much to make.)"""

    text: str  # normalised, without spaces
    raw: str
    offset: int
    blank: bool = False
    separated: bool = True  # the source separated it from its neighbours (tab/space/cell)


@dataclass
class TableText:
    table: Table
    start: int
    end: int
    rows: dict[str, list[Chunk]] = field(default_factory=dict)
    labelled: set[str] = field(default_factory=set)  # rows whose label shares their line
    with_org_subtotal: bool = False
    closed: bool = True  # False: the file ends inside the table (no part 五 after it)
    problems: list[Problem] = field(default_factory=list)


_NUMBER = r"[+-]?\d(?:[\d.]|[,，]\d{3})*(?:万元|亿元|元|万|件|项|个|条|次)?"
_DASH = r"(?<![\u4e00-\u9fff\d])(?:——|—|--|－|-|/|／|–|―)(?![\u4e00-\u9fff\d])"
_TOKEN = re.compile(f"({_NUMBER})|({_DASH})")
_WHOLE_CELL = re.compile(r"(?:增加|新增|减少|增|减)?[+-]?\d[\d,.]*(?:万元|亿元|元|万|件|项|个|条|次)?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_INDEX_COLUMN = re.compile(r"序\s*号|编\s*号")
_APPEAL_HEADER = re.compile(r"总计|尚未审结|其他结果|结果纠正|结果维持|复议后起诉|直接起诉|行政诉讼|行政复议")


_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\S+")


def detect_version(text: str) -> Version | None:
    """The template version, from the table headers (never from the year)."""
    squeezed = "".join([_squeezed_line(line) for line in text.split("\n")])
    scores = {version: sum(marker in squeezed for marker in markers) for version, markers in VERSION_MARKERS.items()}
    best = max(scores, key=lambda version: scores[version])
    if scores[best] == 0 or scores["2019"] == scores["2021"]:
        return None
    return best


@lru_cache(maxsize=8192)
def _squeezed_line(line: str) -> str:
    """One line normalised, without its spaces, and kept: the headers and labels come back
    in every report, and normalising each report's whole text took a twentieth of parsing
    it. Line by line is the same: a line break is never part of a composed character nor
    reordered past, so the text normalised is its lines normalised, joined."""
    return _SPACES.sub("", normalise(line))


def find_tables(flat: FlatText, version: Version) -> list[TableText]:
    """Locate the tables in report order, each by its part heading or by its own header
    texts (a heading lost, or printed after the table's header row); a table found by
    neither is left out, and the report is read without it."""
    found: list[TableText] = []
    position = 0
    for table in tables(version):
        start = _table_start(flat.text, table, position)
        if start is None:
            continue
        found.append(TableText(table, start, len(flat.text)))
        position = start
    for current, following in zip(found, found[1:], strict=False):
        current.end = following.start
    if found:
        end = re.compile(_END).search(flat.text, found[-1].start)
        if end:
            found[-1].end = end.start()
        found[-1].closed = end is not None
    return found


#: How far before its heading a table's header row may stand (PDF text order puts the
#: heading after the header row when the heading sits in the table's first row).
_HEADER_BEFORE_HEADING = 400


def _table_start(text: str, table: Table, position: int) -> int | None:
    heading = re.compile(table.heading).search(text, position)
    header = re.compile(table.header).search(text, position) if table.header else None
    if heading and header and heading.start() - _HEADER_BEFORE_HEADING <= header.start() < heading.start():
        return header.start()
    if heading:
        return heading.end()
    return header.start() if header else None


def read_table(flat: FlatText, found: TableText) -> TableText:
    if found.table.key == "appeals":
        _read_appeals(flat, found)
    else:
        _read_labelled_rows(flat, found)
    return found


# ---- Labelled rows (tables 二 and 三) -------------------------------------------------------


@dataclass(frozen=True)
class _Marker:
    index: int  # position in the table's marker order
    start: int
    end: int
    row: Row | None
    anchor: Anchor | None


@per_table
def _marker_patterns(table: Table) -> list[tuple[Row | Anchor, LabelPattern]]:
    """The table's markers in order with their patterns."""
    return [(item, row_pattern(item) if isinstance(item, Row) else anchor_pattern(item)) for item in _marker_order(table)]


def _marker_order(table: Table) -> list[Row | Anchor]:
    """Rows and group headings in the order they are printed (a heading before its rows)."""
    order: list[Row | Anchor] = []
    placed: set[str] = set()
    for row in table.rows:
        for anchor in table.anchors:
            opens = anchor.first_row == row.key or (row.role == "subtotal" and row.group == anchor.name)
            if opens and anchor.name not in placed:
                order.append(anchor)
                placed.add(anchor.name)
        if row.role != "subtotal":
            order.append(row)
    return order


_LONG_RUN = re.compile(r"[\d.,，]{2000,}")


def _text_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The stretches between runs of digits too long to hold a label (a hostile or broken
    file's line of millions of digits), so label searches skip them."""
    spans, position = [], start
    for run in _LONG_RUN.finditer(text, start, end):
        spans.append((position, run.start()))
        position = run.end()
    spans.append((position, end))
    return spans


def _find_markers(text: str, start: int, end: int, table: Table) -> list[_Marker]:
    """The longest run of labels found in template order (labels out of order are noise)."""
    candidates: list[_Marker] = []
    spans = _text_spans(text, start, end)
    for index, (item, pattern) in enumerate(_marker_patterns(table)):
        row = item if isinstance(item, Row) else None
        anchor = item if isinstance(item, Anchor) else None
        for low, high in spans:
            for match in pattern.finditer(text, low, high):
                candidates.append(_Marker(index, match.start(), match.end(), row, anchor))
    candidates.sort(key=lambda marker: (marker.start, marker.index))
    if all(a.index < b.index and a.end <= b.start for a, b in zip(candidates, candidates[1:], strict=False)):
        return candidates  # each label once, in order (most reports): the chain is all of them
    # The longest chain ending at each candidate, as its length and the candidate before
    # it (the earliest such one, so that ties keep the first reading).
    lengths: list[int] = []
    before: list[int] = []
    for i, marker in enumerate(candidates):
        length, previous = 1, -1
        for j in range(i):
            earlier = candidates[j]
            if lengths[j] >= length and earlier.index < marker.index and earlier.end <= marker.start:
                length, previous = lengths[j] + 1, j
        lengths.append(length)
        before.append(previous)
    if not candidates:
        return []
    position = lengths.index(max(lengths))
    chain: list[_Marker] = []
    while position >= 0:
        chain.append(candidates[position])
        position = before[position]
    return chain[::-1]


def _read_labelled_rows(flat: FlatText, found: TableText) -> None:
    table = found.table
    markers = _find_markers(flat.text, found.start, found.end, table)
    header_end = markers[0].start if markers else found.end
    # The national header has no 小 at all; the local variant's 小计 may be wrapped apart.
    found.with_org_subtotal = "小" in flat.text[found.start : header_end]
    keys = [row.key for row in table.rows]
    segments: list[tuple[_Marker, list[tuple[list[Chunk], bool]], list[str]]] = []
    width = min(len(row_columns(row, found.with_org_subtotal)) for row in table.rows)
    for position, marker in enumerate(markers):
        following = markers[position + 1] if position + 1 < len(markers) else None
        segment_end = following.start if following else found.end
        lines = _value_lines(flat.text, marker.end, segment_end, width, following is not None)
        if marker.anchor is not None and lines and lines[0][1] and all(chunk.blank for chunk in lines[0][0]):
            lines = lines[1:]  # a group heading's own empty cells: its subtotal, if any, prints numbers
        slots = _slots(table, keys, marker, following, len(lines))
        if len(lines) > len(slots) and lines[0][1] and all(chunk.blank for chunk in lines[0][0]):
            # Empty cells on the label's own line and the numbers on the line below: the
            # label stood in a row of its own (OCR tables), so those blanks are not zeros.
            lines = lines[1:]
            slots = _slots(table, keys, marker, following, len(lines))
        segments.append((marker, lines, slots))
    segments = _with_subtotals(segments, keys, found.with_org_subtotal)
    for marker, lines, slots in _detached(segments, table, keys):
        if len(lines) > len(slots):
            message = f"「{flat.text[marker.start : marker.end]}」之后有 {len(lines)} 行数字，模板此处只有 {len(slots)} 行"
            found.problems.append(Problem("unexpected_rows", message, tuple(slots), marker.start))
            continue
        for index, (key, (chunks, on_label_line)) in enumerate(zip(slots, lines, strict=False)):
            found.rows[key] = chunks
            if on_label_line and index == 0 and marker.row is not None:
                found.labelled.add(key)
    header = re.sub(r"\s+", "", flat.text[found.start : header_end])
    if table.key == "requests" and not found.with_org_subtotal and "科研" not in header and "商业" not in header:
        found.with_org_subtotal = _has_org_subtotal_column(found.rows)


Segment = tuple[_Marker, list[tuple[list[Chunk], bool]], list[str]]


def _with_subtotals(segments: list[Segment], keys: list[str], local: bool) -> list[Segment]:
    """In the local variant every group prints its 小计 row first: once one group shows
    one, or the table has the variant's 小计 column, a group heading's first line is its
    subtotal where the count of lines after it cannot tell (a file cut off in the group)."""
    if not local and not any(slots and slots[0].endswith("_subtotal") for _, _, slots in segments):
        return segments
    result: list[Segment] = []
    for marker, lines, slots in segments:
        subtotal = f"{marker.anchor.name}_subtotal" if marker.anchor is not None else ""
        if subtotal in keys and subtotal not in slots and lines and len(lines) != len(slots):
            slots = [subtotal, *slots]
        result.append((marker, lines, slots))
    return result


def _detached(segments: list[Segment], table: Table, keys: list[str]) -> list[Segment]:
    """Labels and numbers in separate runs (PDF text: every label first, then every row's
    numbers): a run of labels with no numbers, then exactly as many number lines as the
    run has rows, from its first label's row to its last's, are read in order, one line
    per row. Any other count is left to the usual reading, which reports it."""
    result: list[Segment] = []
    waiting: list[Segment] = []  # labels seen without numbers
    for marker, lines, slots in segments:
        if not lines:
            waiting.append((marker, lines, slots))
            continue
        if waiting:
            rows = keys[keys.index(_first_key(waiting[0][0])) : keys.index(_first_key(marker)) + 1]
            for wanted in ([key for key in rows if not _is_optional(table, key)], rows):
                if len(wanted) == len(lines):
                    result.append((waiting[0][0], lines, wanted))
                    break
            else:
                wanted = []
            if wanted:
                waiting = []
                continue
        result.extend(waiting)
        waiting = []
        result.append((marker, lines, slots))
    return result + waiting


def _first_key(marker: _Marker) -> str:
    if marker.row is not None:
        return marker.row.key
    assert marker.anchor is not None
    return marker.anchor.first_row


def _has_org_subtotal_column(rows: dict[str, list[Chunk]]) -> bool:
    """Headers can be lost (OCR placeholders); then every row printing one value more,
    and none printing exactly the national seven, shows the 小计 column."""
    counts = [len([chunk for chunk in chunks if not chunk.blank]) or len(chunks) for chunks in rows.values()]
    widths = [len(chunks) for chunks in rows.values()]
    return len(rows) >= 20 and 7 not in widths and statistics.median(counts) == 8 and max(widths) <= 9


def _slots(table: Table, keys: list[str], marker: _Marker, following: _Marker | None, count: int) -> list[str]:
    """The template rows that the value lines after a label fill, in order."""
    if marker.row is not None:
        start = keys.index(marker.row.key)
    else:
        assert marker.anchor is not None
        start = keys.index(marker.anchor.first_row)
    stop = _first_key_index(keys, following, table) if following else len(keys)
    slots = [key for key in keys[start:stop] if not _is_optional(table, key)]
    if marker.anchor is not None:
        subtotal = f"{marker.anchor.name}_subtotal"
        with_subtotal = [subtotal, *slots] if subtotal in keys else slots
        if count == len(with_subtotal) and count != len(slots):
            return with_subtotal
        if count == 1 and not slots:
            return [subtotal]
    return slots


def _first_key_index(keys: list[str], marker: _Marker, table: Table) -> int:
    if marker.row is not None:
        return keys.index(marker.row.key)
    assert marker.anchor is not None
    subtotal = f"{marker.anchor.name}_subtotal"
    return keys.index(subtotal) if subtotal in keys else keys.index(marker.anchor.first_row)


def _is_optional(table: Table, key: str) -> bool:
    return key in _optional_keys(table)


@per_table
def _optional_keys(table: Table) -> frozenset[str]:
    return frozenset(row.key for row in table.rows if row.optional)


def _value_lines(text: str, start: int, end: int, width: int, label_follows: bool = True) -> list[tuple[list[Chunk], bool]]:
    """The lines of values between two labels, each a list of chunks.

    The text right after a label is the rest of the label's own cell, and the cells on
    the line of the next label stand before that label: blanks there are empty label
    cells, not zeros. Where no label follows (the table's last row), the last line is a
    row like any other.
    """
    lines: list[tuple[list[Chunk], bool]] = []
    offset = start
    pieces = text[start:end].split("\n")
    for line_index, line in enumerate(pieces):
        if line_index and "\t" not in line and PAGE_NUMBER.match(line.strip()):  # a page number on its own line
            offset += len(line) + 1
            continue
        cells = line.split("\t")
        chunks: list[Chunk] = []
        cell_offset = offset
        last_line = line_index == len(pieces) - 1 and label_follows
        last_cell = len(cells) - 1
        for cell_index, cell in enumerate(cells):
            after_label = line_index == 0 and cell_index == 0
            before_label = last_line and cell_index == last_cell
            if cell.isdigit() and cell.isascii():  # most cells: one number, nothing to normalise
                chunks.append(made_from_fields(Chunk, (cell, cell, cell_offset, False, not (after_label or before_label))))
                cell_offset += len(cell) + 1
                continue
            label_side = after_label or last_line
            if not cell:  # the other half of the cells: empty, a blank unless it is the label's own
                if not label_side:
                    chunks.append(Chunk("", "", cell_offset, blank=True))
                cell_offset += 1
                continue
            squeezed = _SPACES.sub("", normalise(cell))  # "251000 元" is a number with its unit
            text_cell = _CJK.search(cell) and cell.strip() not in DASHES and not _WHOLE_CELL.fullmatch(squeezed)
            if len(cells) > 1 and not after_label and text_cell:
                cell_offset += len(cell) + 1  # a text cell of a table row (a header such as 数据1)
                continue
            chunks.extend(_cell_chunks(cell, cell_offset, not label_side, (after_label, before_label)))
            cell_offset += len(cell) + 1
        offset += len(line) + 1
        has_value = any(not chunk.blank for chunk in chunks)
        if has_value or (len(chunks) >= width and not _has_text(cells, line_index == 0)):
            lines.append((chunks, line_index == 0))
    return lines


def _has_text(cells: list[str], first_line: bool) -> bool:
    """Whether a line's cells hold words (the label's own cell on the first line aside)."""
    return any(_CJK.search(cell) and cell.strip() not in DASHES for cell in cells[1 if first_line else 0 :])


def _cell_chunks(cell: str, offset: int, count_blank: bool, touches_label: tuple[bool, bool] = (False, False)) -> list[Chunk]:
    """Value tokens of one cell: each whitespace-separated word that is a value, else the
    numbers inside a word (a label run into its numbers, as crawlers leave it).

    A word is set apart only by whitespace or a cell border; one that touches a label
    (crawler text) may still hold several numbers run together.
    """
    if not cell.strip():
        return [Chunk("", cell, offset, blank=True)] if count_blank else []
    chunks: list[Chunk] = []
    for word in _WORD.finditer(cell):
        text = word.group(0)
        squeezed = normalise(text)
        if squeezed in UNIT_WORDS and chunks and not chunks[-1].blank:  # "251000 元"
            last = chunks[-1]
            chunks[-1] = Chunk(last.text + squeezed, last.raw + " " + text, last.offset, separated=last.separated)
            continue
        apart = (word.start() > 0 or not touches_label[0]) and (word.end() < len(cell) or not touches_label[1])
        if text in DASHES or squeezed in DASHES or _WHOLE_CELL.fullmatch(squeezed):
            chunks.append(made_from_fields(Chunk, (squeezed, text, offset + word.start(), False, apart)))
            continue
        for match in _TOKEN.finditer(squeezed):
            token = match.group(0)
            chunks.append(Chunk(_SPACES.sub("", token), token, offset + word.start() + match.start(), separated=False))
    return chunks


# ---- Table 四 -------------------------------------------------------------------------------


def _read_appeals(flat: FlatText, found: TableText) -> None:
    """Table 四 is one row of 15 numbers after its headers; they are read by position.

    OCR tools may split it into a 复议 table and a 诉讼 table, each under its own headers:
    when the numbers after the last header are too few, every number line of the table
    counts. A stray index column (序号) before the numbers is not one of them.
    """
    width = sum(len(row.columns) for row in found.table.rows)
    header_end = found.start
    for match in _APPEAL_HEADER.finditer(flat.text, found.start, found.end):
        header_end = match.end()
    chunks = [chunk for line, _ in _value_lines(flat.text, header_end, found.end, width) for chunk in line]
    if len([chunk for chunk in chunks if not chunk.blank]) < width:
        every = [chunk for line, _ in _value_lines(flat.text, found.start, found.end, width) for chunk in line]
        if len([chunk for chunk in every if not chunk.blank]) == width:
            chunks = [chunk for chunk in every if not chunk.blank]
    if len(chunks) == width + 1 and _INDEX_COLUMN.search(flat.text, found.start, header_end):
        chunks = chunks[1:]
    found.rows["*"] = chunks
