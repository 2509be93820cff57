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
import re
import statistics
from dataclasses import dataclass

from etl.document import Cell, ReadError, SourceDocument
from etl.template import APPEALS, END_HEADING, tables

_NUMERIC = re.compile(r"^[-+－]?[\d０-９][\d０-９,，.．]*(?:万元|元|件|个|项)?$|^[-—–/／]$")
_FOOTER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$|^第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$")
_HEADINGS = [re.compile(table.heading) for table in tables("2021")] + [re.compile(APPEALS.heading), re.compile(END_HEADING)]


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    page: int

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Line:
    words: list[Word]
    rulings: list[float] | None = None  # x of the vertical table borders crossing this line
    rules: list[tuple[float, float, float]] | None = None  # the page's horizontal borders (y, x0, x1)

    @property
    def top(self) -> float:
        return self.words[0].top

    @property
    def text(self) -> str:
        return "".join(word.text for word in self.words)

    @property
    def page(self) -> int:
        return self.words[0].page


def parse_pdf(data: bytes, path: str) -> SourceDocument:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            lines = [line for number, page in enumerate(pdf.pages, start=1) for line in _page_lines(page, number)]
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as error:
        raise ReadError(f"{path}：PDF 文件已损坏，无法打开（{error}）") from error
    if sum(len(line.text) for line in lines) < 50:
        raise ReadError(f"{path}：这个 PDF 没有文字层（可能是扫描件），需要先做文字识别（OCR）")
    return SourceDocument(path, "pdf", _rows(lines), {})


def _page_lines(page: object, number: int) -> list[Line]:
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)  # type: ignore[attr-defined]
    height = float(page.height)  # type: ignore[attr-defined]
    found: list[Word] = [
        Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]) + number * 10_000, number) for w in words
    ]
    found.sort(key=lambda word: (round(word.top), word.x0))
    lines: list[Line] = []
    for word in found:
        if lines and abs(lines[-1].top - word.top) < 3:
            lines[-1].words.append(word)
        else:
            lines.append(Line([word]))
    for line in lines:
        line.words.sort(key=lambda word: word.x0)
    all_edges = page.edges  # type: ignore[attr-defined]
    edges = [e for e in all_edges if e.get("orientation") == "v"]
    rules = [
        (float(e["top"]) + number * 10_000, float(e["x0"]), float(e["x1"])) for e in all_edges if e.get("orientation") == "h"
    ]
    for line in lines:
        line.rules = rules
        top = line.top - number * 10_000
        xs = sorted({round(float(e["x0"]), 1) for e in edges if float(e["top"]) <= top + 2 and float(e["bottom"]) >= top + 5})
        line.rulings = [x for i, x in enumerate(xs) if i == 0 or x - xs[i - 1] > 2]
    # Page numbers printed at the foot of the page are not part of any table.
    return [line for line in lines if not (_FOOTER.match(line.text) and (line.top - number * 10_000) > height * 0.85)]


def _rows(lines: list[Line]) -> list[list[Cell]]:
    """Paragraph lines stay lines; each table region is rebuilt row by row."""
    rows: list[list[Cell]] = []
    region: list[Line] = []
    width = 0  # value columns of the table being read: 0 for table 二, whose blocks differ
    for line in lines:
        heading = next((i for i, pattern in enumerate(_HEADINGS) if pattern.match(line.text)), None)
        if heading is not None:
            rows.extend(_table_rows(region, _width(width, region)))
            region = []
            width = {1: 7, 2: 15, 3: 15}.get(heading, 0)
            rows.append([_cell(line.text, line)])
            continue
        region.append(line)
    rows.extend(_table_rows(region, _width(width, region)))
    return rows


def _width(width: int, region: list[Line]) -> int:
    """Table 三 has one column more in the local variant with 法人或其他组织小计."""
    header = "".join(line.text for line in region[:12])
    return width + 1 if width == 7 and "小" in header else width


def _cell(text: str, line: Line) -> Cell:
    return Cell(text, f"第{line.page}页")


def _table_rows(lines: list[Line], width: int) -> list[list[Cell]]:
    """``width`` is the number of value columns (0 for table 二, whose blocks differ)."""
    columns = _columns(lines)
    cells = {i: _value_cells(line, width) for i, line in enumerate(lines)}
    if not columns and not any(cells.values()):
        return [[_cell(line.text, line)] for line in lines]
    fallback = columns[0] - _half_gap(columns) if columns else float("inf")
    boundary = {i: (cells[i][0][0] - 1 if cells[i] else fallback) for i in cells}
    value_lines = [i for i, line in enumerate(lines) if any(_is_value(w, boundary[i]) for w in line.words)]
    if not value_lines:
        plain = [[_cell(line.text, line)] for line in lines]
        if width and _empty_last_band(lines):  # a bordered row whose cells are all blank
            plain.append([_cell("", lines[-1]), *(_cell("", lines[-1]) for _ in range(width))])
        return plain
    owner = _owners(lines, value_lines)
    rows: list[list[Cell]] = []
    pending: list[int] = []  # label lines of one all-blank bordered row, joined when it ends

    def flush() -> None:
        first = pending[0]
        label = _join_label([lines[i] for i in pending], boundary[first])
        rows.append([_cell(label, lines[first]), *(_cell("", lines[first]) for _ in range(len(cells[first]) or width))])
        pending.clear()

    for index, line in enumerate(lines):
        blank = _blank_row(line, index, value_lines, cells[index], boundary[index])
        if pending and (index in value_lines or _border_between(lines[pending[-1]], line) or not blank):
            flush()
        if index in value_lines:
            fragments = [lines[i] for i in range(len(lines)) if owner.get(i) == index]
            label = _join_label(fragments, boundary[index])
            values = [w for w in line.words if _is_value(w, boundary[index])]
            texts = _place(values, cells[index], columns if width else [], width)
            rows.append([_cell(label, line), *(_cell(text, line) for text in texts)])
        elif index in owner:
            continue
        elif blank:
            pending.append(index)  # a row whose cells are all blank leaves only its label behind
        else:
            rows.append([_cell(line.text, line)])
    if pending:
        flush()
    return rows


def _empty_last_band(lines: list[Line]) -> bool:
    """Whether the table's last bordered band, below its header text, holds no words at all."""
    rules = lines[-1].rules or []
    ys = sorted({round(y, 1) for y, _, _ in rules if y > lines[0].top - 5})
    if len(ys) < 2:
        return False
    low, high = ys[-2], ys[-1]
    return high - low > 5 and not any(low < line.top < high for line in lines) and lines[-1].top < low


def _blank_row(line: Line, index: int, value_lines: list[int], cells: list[tuple[float, float]], boundary: float) -> bool:
    """A label alone on a bordered row with value cells, or between rows of a table."""
    label_only = all(word.x1 <= boundary + 1 for word in line.words)
    return label_only and (bool(cells) or value_lines[0] < index < value_lines[-1])


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


def _is_value(word: Word, boundary: float) -> bool:
    return word.centre >= boundary and bool(_NUMERIC.match(word.text))


def _columns(lines: list[Line]) -> list[float]:
    """Column centres: every number's centre, and the words of the finest header line
    (a column blank in every row still has its header), clustered by position."""
    counts = [sum(bool(_NUMERIC.match(w.text)) for w in line.words) for line in lines]
    widest = max(counts, default=0)
    if widest < 2:
        return []
    first_value = counts.index(widest)
    left = min(w.x0 for w in lines[first_value].words if _NUMERIC.match(w.text)) - 15
    first = next(
        i for i, count in enumerate(counts) if count and any(w.x0 >= left for w in lines[i].words if _NUMERIC.match(w.text))
    )
    numbers = [w.centre for line in lines for w in line.words if w.x0 >= left and _NUMERIC.match(w.text)]
    headers = [line for line in lines[:first] if any(w.x0 >= left for w in line.words)]
    finest = max(headers, key=lambda line: sum(w.x0 >= left for w in line.words), default=None)
    titles = [w.centre for w in finest.words if w.x0 >= left] if finest else []
    return _clusters(sorted(numbers + titles))


def _clusters(centres: list[float]) -> list[float]:
    groups: list[list[float]] = []
    for centre in centres:
        if groups and centre - groups[-1][-1] < 12:
            groups[-1].append(centre)
        else:
            groups.append([centre])
    return [statistics.median(group) for group in groups]


def _half_gap(columns: list[float]) -> float:
    gaps = [b - a for a, b in zip(columns, columns[1:], strict=False)]
    return min(gaps) * 0.6 if gaps else 40.0


def _owners(lines: list[Line], value_lines: list[int]) -> dict[int, int]:
    """A line without numbers is a wrapped part of the label of the value line nearest it,
    when it is closer than a row's height; farther away it is a row of its own."""
    owner = {index: index for index in value_lines}
    tops = sorted(lines[v].top for v in value_lines)
    spacing = statistics.median([b - a for a, b in zip(tops, tops[1:], strict=False) if 0 < b - a < 1000] or [24.0])
    for index, line in enumerate(lines):
        if index in owner:
            continue
        candidates = [v for v in value_lines if not _border_between(line, lines[v])]
        if not candidates:
            continue
        nearest = min(candidates, key=lambda v: abs(lines[v].top - line.top))
        bordered = bool(line.rules) and any(_border_between(line, lines[v]) for v in value_lines if v != nearest)
        if bordered or abs(lines[nearest].top - line.top) < 0.75 * spacing:  # same bordered cell, or close
            owner[index] = nearest
    return owner


def _border_between(line: Line, other: Line) -> bool:
    """A horizontal table border between two lines under the first word: different rows."""
    if line.page != other.page:
        return True
    low, high = sorted((line.top, other.top))
    x = line.words[0].centre
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
        parts.append("".join(w.text for w in sorted(by_column[start], key=lambda w: (w.top, w.x0))))
    return "".join(parts)


def _place(values: list[Word], cells: list[tuple[float, float]], columns: list[float], width: int) -> list[str]:
    """Numbers into their columns by position; a column with no number is a blank cell.

    Bordered tables give the cells exactly; otherwise the learned column centres do, and
    without either the numbers are kept as printed.
    """
    if cells:
        slots = [next((i for i, (a, b) in enumerate(cells) if a - 1 <= w.centre <= b + 1), -1) for w in values]
    elif columns and len(columns) == width:
        slots = [min(range(len(columns)), key=lambda c: abs(columns[c] - w.centre)) for w in values]
    else:
        return [w.text for w in values]
    if -1 in slots or len(set(slots)) != len(slots):
        return [w.text for w in values]
    texts = [""] * (len(cells) or len(columns))
    for slot, word in zip(slots, values, strict=True):
        texts[slot] = word.text
    return texts
