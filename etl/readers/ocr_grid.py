"""A scanned table's borders, found in the page image, and the cells OCR left empty.

A text-layer PDF hands its ruling lines to the table reader; a scan has them only as
pixels. Long dark runs, horizontal or vertical, are the borders (the seal is red, the
glyphs are short): they become the same edges a PDF's text layer gives, so a scanned
table's columns come from its borders, not from guesses. And within those borders, a
cell that holds ink but no text OCR detected (its detector passes over a lone, faint
``1``) is read again on its own.

All geometry works on the page straightened by the skew OCR measured, in pixels; the
caller turns pixels into points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Ink is darker in every colour channel than the level Otsu's method finds between ink
#: and paper (the red seal is not: its red channel stays light), kept within these bounds.
INK_LEVELS = (120, 200)
#: How much darker than the paper (0–255, in the lightest channel) a border's pixels are.
LINE_CONTRAST = 30
#: Opening lengths (points): glyph strokes are shorter, borders are longer.
HORIZONTAL_RUN = 14.0
VERTICAL_RUN = 13.0
#: The shortest border kept (points): a narrow cell is some 25 pt wide, a row 18 pt high.
SHORTEST_RULE = 20.0
SHORTEST_RULING = 15.0
#: A border is a few pixels thick; a wider dark patch is a picture or a seal's fill.
THICKEST_RULE = 4.0
#: What is left of a page's slant after straightening: a long border spans this share of its length in height.
RESIDUAL_SLANT = 0.005
#: Borders closer than this (points) are one border drawn twice, or its two edges.
SAME_RULE = 3.0
#: A cell's interior: this far (points) inside its borders, where no border pixel reaches.
CELL_MARGIN = 2.5
#: Ink pixels a cell needs before it is worth reading again (a digit has hundreds).
INK_PIXELS = 25
#: Around the ink of a cell read again, this share of its height as a margin.
INK_PADDING = 0.35
#: A cell whose text OCR read with at least this confidence is not read again.
SURE = 0.8
#: Cells narrower or lower than this (points) are gaps between double borders.
SMALLEST_CELL = 8.0


@dataclass(frozen=True)
class Rule:
    """One border in pixels: a horizontal one at ``at`` from ``start`` to ``end`` along x,
    a vertical one at x ``at`` from ``start`` to ``end`` along y."""

    vertical: bool
    at: float
    start: float
    end: float


@dataclass(frozen=True)
class TextBox:
    """A text line OCR found, in pixels on the straightened page, with its confidence."""

    x0: float
    top: float
    x1: float
    bottom: float
    score: float


@dataclass(frozen=True)
class DoubtfulCell:
    """A bordered cell worth reading again on its own, in pixels: it has ink and either
    no text OCR found there or only text OCR was unsure of (``boxes``: which of them)."""

    x0: float
    top: float
    x1: float
    bottom: float
    boxes: tuple[int, ...] = ()


def find_rules(image: Any, dpi: float) -> list[Rule]:
    """The borders drawn on a straightened page image."""
    import cv2
    import numpy as np

    ink = line_mask(image).astype(np.uint8)
    points = dpi / 72
    rules = []
    for vertical in (False, True):
        run = max(int((VERTICAL_RUN if vertical else HORIZONTAL_RUN) * points), 3)
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, run) if vertical else (run, 1))
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        shortest = (SHORTEST_RULING if vertical else SHORTEST_RULE) * points
        for x, y, width, height, _ in stats[1:count]:
            length, thickness = (height, width) if vertical else (width, height)
            if length < shortest or thickness > THICKEST_RULE * points + length * RESIDUAL_SLANT:
                continue
            if vertical:
                rules.append(Rule(True, x + (width - 1) / 2, float(y), float(y + height)))
            else:
                rules.append(Rule(False, y + (height - 1) / 2, float(x), float(x + width)))
    return _merged(rules, SAME_RULE * points)


def ink_mask(image: Any) -> Any:
    """Where the page has ink: pixels dark in every channel (a boolean array)."""
    import cv2
    import numpy as np

    lightest = np.asarray(image.convert("RGB")).max(axis=2)
    otsu, _ = cv2.threshold(lightest, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return lightest < min(max(otsu, INK_LEVELS[0]), INK_LEVELS[1])


def line_mask(image: Any) -> Any:
    """Where a border may run: pixels clearly darker than the paper in every channel. A
    thin border scanned at 150 dpi is grey, lighter than the ink of the text; the seal's
    red stays as light as the paper in its red channel."""
    import numpy as np

    lightest = np.asarray(image.convert("RGB")).max(axis=2)
    paper = float(np.median(lightest))
    return lightest < paper - LINE_CONTRAST


def _merged(rules: list[Rule], near: float) -> list[Rule]:
    """Pieces of one border (broken by a seal, a fold, a faint stretch) as one: pieces in
    line with one another (``at`` within ``near``) whose extents touch."""
    merged: list[Rule] = []
    for vertical in (False, True):
        line: list[Rule] = []
        for rule in sorted((r for r in rules if r.vertical == vertical), key=lambda r: r.at):
            if line and rule.at - line[-1].at >= near:
                merged += _joined(line, near)
                line = []
            line.append(rule)
        merged += _joined(line, near)
    return merged


def _joined(pieces: list[Rule], near: float) -> list[Rule]:
    """Pieces of borders in line, as the borders they make: touching pieces joined."""
    borders: list[Rule] = []
    for piece in sorted(pieces, key=lambda r: r.start):
        last = borders[-1] if borders else None
        if last is not None and piece.start <= last.end + near:
            borders[-1] = Rule(last.vertical, (last.at + piece.at) / 2, last.start, max(last.end, piece.end))
        else:
            borders.append(piece)
    return borders


def doubtful_cells(image: Any, dpi: float, rules: list[Rule], boxes: list[TextBox]) -> list[DoubtfulCell]:
    """Cells closed by borders on all four sides that hold ink but no text OCR is sure of:
    a digit the detector passed over, or one it read as ``PE`` or ``→``.

    Each cell is found from its top border down to the next border that closes it, so a
    short stroke OCR's pixels made into a rule inside a label cell splits no value cell.
    """
    points = dpi / 72
    slack = SAME_RULE * points * 3
    ink = ink_mask(image)
    across = sorted((r for r in rules if not r.vertical), key=lambda r: r.at)
    down = [r for r in rules if r.vertical]
    found = []
    for upper in across:
        below = upper.at + SMALLEST_CELL * points / 2
        xs = sorted(r.at for r in down if r.start <= upper.at + slack and r.end >= below)
        for left, right in zip(xs, xs[1:], strict=False):
            if right - left < SMALLEST_CELL * points or not _spans(upper, left, right, slack):
                continue
            lower = next((r for r in across if r.at > below and _spans(r, left, right, slack)), None)
            if lower is None or not _walled(down, left, right, upper.at, lower.at, slack):
                continue
            cell = _doubtful(ink, boxes, left, right, upper.at, lower.at, points)
            if cell is not None:
                found.append(cell)
    return found


def _walled(down: list[Rule], left: float, right: float, top: float, bottom: float, slack: float) -> bool:
    """Whether vertical borders at ``left`` and ``right`` run from ``top`` to ``bottom``."""
    return all(
        any(abs(r.at - x) < slack and r.start <= top + slack and r.end >= bottom - slack for r in down) for x in (left, right)
    )


def _doubtful(
    ink: Any, boxes: list[TextBox], left: float, right: float, top: float, bottom: float, points: float
) -> DoubtfulCell | None:
    """The cell's inked part to read again, or None when it is empty or OCR is sure of it."""
    inside = tuple(i for i, b in enumerate(boxes) if left < (b.x0 + b.x1) / 2 < right and top < (b.top + b.bottom) / 2 < bottom)
    if any(boxes[i].score >= SURE for i in inside):
        return None
    margin = CELL_MARGIN * points
    x0, x1, y0, y1 = int(left + margin), int(right - margin), int(top + margin), int(bottom - margin)
    if x1 <= x0 or y1 <= y0 or int(ink[y0:y1, x0:x1].sum()) < INK_PIXELS:
        return None
    return _around_ink(ink[y0:y1, x0:x1], x0, y0, inside)


def _around_ink(ink: Any, left: int, top: int, boxes: tuple[int, ...]) -> DoubtfulCell:
    """The part of a cell its ink is in, with a margin: the recogniser scales what it reads
    to a fixed height, so a digit in a tall cell must not be read as a speck."""
    import numpy as np

    rows, columns = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(columns[0]), int(columns[-1]) + 1
    pad = max((y1 - y0) * INK_PADDING, 2.0)
    height, width = ink.shape
    return DoubtfulCell(
        left + max(x0 - pad, 0.0),
        top + max(y0 - pad, 0.0),
        left + min(x1 + pad, float(width)),
        top + min(y1 + pad, float(height)),
        boxes,
    )


def _spans(rule: Rule, left: float, right: float, slack: float) -> bool:
    """Whether a horizontal border closes the cell from ``left`` to ``right``."""
    return rule.start <= left + slack and rule.end >= right - slack
