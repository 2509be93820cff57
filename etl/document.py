"""What every reader hands to the recogniser: rows of cells with their place in the source.

A paragraph is a row of one cell. Readers of formats with real tables (HTML, Word, PDF)
and the text reader produce the same shape, so the recogniser knows no formats.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

#: Radicals that fonts of browsers' PDFs map common characters to (⺠ for 民, ⻓ for 长);
#: the Kangxi radicals (⼀ ⼆ ⾏ …) fold by NFKC, these supplement forms need a table.
_RADICAL_SUPPLEMENT = dict(
    zip(
        "⺠⻅⻆⻈⻉⻋⻓⻔⻘⻚⻛⻜⻝⻠⻢⻥⻦⻧⻨⻩⻬⻮⻰⻳⺟⻄",
        "民见角讠贝车长门青页风飞食饣马鱼鸟卤麦黄齐齿龙龟母西",
        strict=True,
    )
)
_VARIANTS = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}
_VARIANTS.update({ord(radical): plain for radical, plain in _RADICAL_SUPPLEMENT.items()})
_VARIANTS.update({cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xF900, 0xFB00) if unicodedata.name(chr(cp), "")})


def fold_variants(text: str) -> str:
    """Radical and compatibility forms of characters back to the characters themselves.

    A PDF printed by Chrome or Edge often maps 一, 二, 行, 人 … to the Kangxi radical
    code points (⼀ ⼆ ⾏ ⼈); they look the same but no heading or label matches them.
    """
    return text.translate(_VARIANTS)


_VARIANT_CHARS = re.compile(
    "[" + "".join(re.escape(chr(cp)) for cp, plain in sorted(_VARIANTS.items()) if plain != chr(cp)) + "]"
)


def has_variants(text: str) -> bool:
    """Whether ``fold_variants`` would change the text: one scan, where translating a
    report's whole text cost more than reading it."""
    return _VARIANT_CHARS.search(text) is not None


#: A page number as footers print it, recognisable anywhere: "- 12 -", "第 3 页", "第 3 页共 9 页".
PAGE_NUMBER = re.compile(r"^[-—–－]+\s*\d{1,3}\s*[-—–－]+$|^第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?$")
#: A number alone (12, - 12) or 3/9: a page number only at the foot of a page whose layout
#: is known (a PDF's); in text it could as well be a value.
FOOT_NUMBER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$|^\d+\s*/\s*\d+$")


class ReadError(Exception):
    """The file cannot be read as a report; the message says why, in plain words."""


#: A named tuple made straight from all its fields, ``made_from_fields(Cell, (text, place,
#: None, "", None))``: what its own constructor makes, in half the time (a report makes
#: hundreds of cells, chunks and readings, and the constructor is a Python function).
made_from_fields = tuple.__new__


class Cell(NamedTuple):
    """One cell of the source as its reader found it (a named tuple: a report has
    hundreds, and a frozen dataclass costs twice as much to make)."""

    text: str
    location: str  # a place a person can find: "第12行", "第3页"
    confidence: float | None = None  # OCR's confidence in the text; None when the file had the text
    original: str = ""  # what OCR read before a digit repair (I → 1, O → 0), when it was repaired
    box: Box | None = None  # where a page-based source (PDF, scan) prints it


class Box(NamedTuple):
    """Where a cell's text stands on its page, in points from the page's top left: what
    lets a reader see the number in the original, marked on the page image (a named
    tuple: a PDF's every value cell has one, and a frozen dataclass took five times as
    long to make)."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    def joined(self, other: Box) -> Box:
        return Box(
            self.page, min(self.x0, other.x0), min(self.top, other.top), max(self.x1, other.x1), max(self.bottom, other.bottom)
        )


@dataclass
class SourceDocument:
    path: str
    format: str
    rows: list[list[Cell]]
    meta: dict[str, str] = field(default_factory=dict)  # e.g. a crawler's 发布时间

    def plain_text(self) -> str:
        """The whole document as text, rows on lines, cells joined by tabs."""
        return "\n".join("\t".join(cell.text for cell in row) for row in self.rows)


@dataclass
class FlatText:
    """The document as one string with a map from offsets back to source places.

    Cells are joined by a tab and rows by a newline, so the recogniser can still see
    where the source separated cells while searching labels across them.
    """

    text: str
    starts: list[int]
    locations: list[str]
    cells: list[Cell] = field(default_factory=list)

    @classmethod
    def of(cls, rows: list[list[Cell]]) -> FlatText:
        # Row by row, not character by character: asked of every report's few thousand cells.
        lines: list[str] = []
        starts: list[int] = []
        cells: list[Cell] = [cell for row in rows for cell in row]
        offset = 0
        for row in rows:
            texts = [cell.text for cell in row]
            for text in texts:
                starts.append(offset)
                offset += len(text) + 1  # the tab after it, or the line break after the row
            lines.append("\t".join(texts))
            if not row:
                offset += 1  # an empty row is an empty line
        return cls("\n".join(lines), starts, [cell.location for cell in cells], cells)

    def location(self, offset: int) -> str:
        """Where in the source the character at ``offset`` came from."""
        return self.place(offset)[1]

    def place(self, offset: int) -> tuple[Cell | None, str]:
        """The source cell the character at ``offset`` belongs to, and where it is (one
        search: asked for every cell of every report)."""
        if not self.locations:
            return None, ""
        index = bisect.bisect_right(self.starts, offset) - 1
        index = index if index > 0 else 0
        place = self.locations[index]
        within = offset - self.starts[index]
        return self.cells[index] if self.cells else None, f"{place}第{within + 1}字" if within > 40 else place
