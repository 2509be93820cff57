"""A PDF's characters and ruling lines, page by page, from PDFium (``pypdfium2``).

PDFium reads a report's pages an order of magnitude faster than pdfminer, and gives what
the PDF reader needs: each character with its box (the advance width across, the font's
descent and size up), grouped into words as pdfplumber groups them, and the table
borders as horizontal and vertical edges from the page's path objects (lines, rectangle
outlines and filled thin rectangles, as browsers, Word and LibreOffice draw borders).
Coordinates are points from the page's top left, as pdfplumber gives them.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, NamedTuple

from etl.document import made_from_fields
from etl.readers.pdfium_calls import handle_address, pdfium_call
from etl.readers.pdfium_session import reading

#: A segment of a path this close to level (points) is a horizontal edge, and so on.
_LEVEL = 0.5
#: Characters whose tops are within this many points are on one text line (pdfplumber's
#: default ``y_tolerance``).
_LINE_TOLERANCE = 3.0


class PdfUnreadable(Exception):
    """PDFium could not open the file; ``password`` when it is protected."""

    def __init__(self, reason: str, password: bool = False) -> None:
        super().__init__(reason)
        self.password = password


class Glyph(NamedTuple):
    """One printed character and its box (a named tuple: a page has a thousand)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class PageContent:
    """One page: its words (text, x0, x1, top, bottom), its edges as pdfplumber describes
    them (orientation, x0, x1, top, bottom) and its height."""

    words: list[tuple[str, float, float, float, float]]
    edges: list[dict[str, object]]
    height: float


class PdfTooLong(Exception):
    """The PDF has more pages than the caller reads (``pages``: how many)."""

    def __init__(self, pages: int) -> None:
        super().__init__(f"{pages} pages")
        self.pages = pages


def read_pages(data: bytes, most: int | None = None) -> Iterator[PageContent]:
    """Each page's words and edges, one page at a time (PDFium held only while it reads).
    A document of more than ``most`` pages raises ``PdfTooLong`` before any page is read
    (the file is opened once: asking its length first opened it twice)."""
    with reading():
        document = _open(data)
        count = len(document)
    try:
        if most is not None and count > most:
            raise PdfTooLong(count)
        for index in range(count):
            with reading():
                page = document[index]
                try:
                    left, bottom, _, top = page.get_mediabox()
                    height = top - bottom
                    textpage = page.get_textpage()
                    try:
                        glyphs = _glyphs(textpage, left, top)
                    finally:
                        textpage.close()
                    edges = _edges(page, left, top)
                finally:
                    page.close()
            yield PageContent(words(glyphs, _CHAR_GAP), edges, height)
    finally:
        with reading():
            document.close()


#: Points between two characters of one word: the PDF reader's (CJK text has no spaces).
_CHAR_GAP = 1.5


def _open(data: bytes):  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        text = str(error)
        raise PdfUnreadable(text, password="password" in text.lower()) from error


#: The characters PDFium adds between words and lines (generated, not printed): only
#: these need asking whether they were generated.
_MAY_BE_GENERATED = frozenset((0x20, 0x0A, 0x0D))


def _glyphs(textpage: object, left: float, top: float) -> list[Glyph]:
    """Each printed character of the page with its box. A page has a thousand or more,
    each asked of PDFium through cffi (``pdfium_calls``): the calls' arguments are made
    once, and the questions that cannot change the answer (generated, for a printed
    character) are not asked."""
    import pypdfium2.raw as raw

    handle = textpage.raw  # type: ignore[attr-defined]
    page_at = handle_address(handle)
    box = raw.FS_RECTF()
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    box_at, x_at, y_at = (ctypes.addressof(value) for value in (box, origin_x, origin_y))
    is_generated, unicode_of = pdfium_call("FPDFText_IsGenerated"), pdfium_call("FPDFText_GetUnicode")
    loose_box, origin_of = pdfium_call("FPDFText_GetLooseCharBox"), pdfium_call("FPDFText_GetCharOrigin")
    object_address = pdfium_call("FPDFText_GetTextObject")
    measure = _TextObjectMeasure(page_at)
    metrics: dict[int, tuple[float, float]] = {}
    found: list[Glyph] = []
    # A Glyph made straight from its fields, here rather than in a function of its own: a page makes a thousand.
    glyph, made = Glyph, made_from_fields
    for index in range(raw.FPDFText_CountChars(handle)):
        code = unicode_of(page_at, index)
        if code in _MAY_BE_GENERATED and is_generated(page_at, index) == 1:
            continue
        if not code or code in (0xFFFE, 0xFFFF):
            continue
        if not loose_box(page_at, index, box_at) or not origin_of(page_at, index, x_at, y_at):
            continue
        # As pdfminer boxes a character: its advance across; up, from the baseline plus the
        # font's descent, one font size high (both as the text object's matrix scales them).
        text_object = object_address(page_at, index) or 0
        known = metrics.get(text_object)
        if known is None:
            known = metrics[text_object] = measure(text_object, index)
        size, descent = known
        low = origin_y.value + descent
        found.append(made(glyph, (chr(code), box.left - left, box.right - left, top - low - size, top - low)))
    return found


class _TextObjectMeasure:
    """A text object's font size and its font's descent (negative), in points on the page.

    Asked once for each text object of a page, and a generated PDF draws each cell's text
    as one (some three hundred a report): the calls and the memory they write into are
    made once a page, not once an object."""

    def __init__(self, page_at: int) -> None:
        import pypdfium2.raw as raw

        self._page_at = page_at
        self._matrix = raw.FS_MATRIX()
        self._descent = ctypes.c_float()
        self._matrix_at, self._descent_at = ctypes.addressof(self._matrix), ctypes.addressof(self._descent)
        self._matrix_of, self._font_size = pdfium_call("FPDFPageObj_GetMatrix"), pdfium_call("FPDFText_GetFontSize")
        self._font_of, self._descent_of = pdfium_call("FPDFTextObj_GetFont"), pdfium_call("FPDFFont_GetDescent")
        # (font, size) → the descent: a page's hundreds of text objects share a few of each.
        self._descents: dict[tuple[int, float], float] = {}

    def __call__(self, text_object: int, index: int) -> tuple[float, float]:
        """``text_object``: its address, 0 for none; ``index``: one of its characters."""
        scale = 1.0
        if text_object and self._matrix_of(text_object, self._matrix_at):
            scale = math.hypot(self._matrix.b, self._matrix.d) or 1.0
        size = self._font_size(self._page_at, index)
        font = self._font_of(text_object) if text_object else None
        if not font:
            return size * scale, 0.0
        descent = self._descents.get((font, size))
        if descent is None:
            found = self._descent_of(font, size, self._descent_at)
            descent = self._descents[(font, size)] = float(self._descent.value) if found else 0.0
        return size * scale, descent * scale


def words(glyphs: list[Glyph], gap: float) -> list[tuple[str, float, float, float, float]]:
    """Characters into words as pdfplumber's ``extract_words`` makes them: lines of
    characters whose tops are close, each read left to right, split at spaces and at gaps
    wider than ``gap``."""
    found: list[tuple[str, float, float, float, float]] = []
    for line in _text_lines(glyphs):
        current: list[Glyph] = []
        for glyph in sorted(line, key=_X0):
            if glyph.text.isspace():
                _flush(current, found)
                current = []
                continue
            if current and glyph.x0 > current[-1].x1 + gap:
                _flush(current, found)
                current = []
            current.append(glyph)
        _flush(current, found)
    return found


_X0, _TOP = attrgetter("x0"), attrgetter("top")


def _text_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    ordered = sorted(glyphs, key=_TOP)
    lines: list[list[Glyph]] = []
    last_top = None
    for glyph in ordered:
        if last_top is None or glyph.top - last_top > _LINE_TOLERANCE:
            lines.append([])
        lines[-1].append(glyph)
        last_top = glyph.top
    return lines


def _flush(current: list[Glyph], found: list[tuple[str, float, float, float, float]]) -> None:
    """``current`` (read left to right: its first character's x0 is the word's) as a word.
    A page has hundreds: a word of one character, a third of them, is made at once."""
    if len(current) == 1:
        glyph = current[0]
        found.append((glyph.text, glyph.x0, glyph.x1, glyph.top, glyph.bottom))
    elif current:
        found.append(
            (
                "".join([g.text for g in current]),
                current[0].x0,
                max([g.x1 for g in current]),
                min([g.top for g in current]),
                max([g.bottom for g in current]),
            )
        )


def _edges(page: object, left: float, top: float) -> list[dict[str, object]]:
    """The axis-aligned straight pieces of the page's paths, as pdfplumber's edges."""
    import pypdfium2.raw as raw

    found: list[dict[str, object]] = []
    point_x, point_y = ctypes.c_float(), ctypes.c_float()
    matrix = raw.FS_MATRIX()
    x_at, y_at, matrix_at = (ctypes.addressof(value) for value in (point_x, point_y, matrix))
    count, segment_at = pdfium_call("FPDFPath_CountSegments"), pdfium_call("FPDFPath_GetPathSegment")
    point_of, kind_of, closes = (
        pdfium_call("FPDFPathSegment_GetPoint"),
        pdfium_call("FPDFPathSegment_GetType"),
        pdfium_call("FPDFPathSegment_GetClose"),
    )
    matrix_of, move = pdfium_call("FPDFPageObj_GetMatrix"), raw.FPDF_SEGMENT_MOVETO
    for handle in _path_objects(raw, handle_address(page.raw)):  # type: ignore[attr-defined]
        if not matrix_of(handle, matrix_at):
            continue
        a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        points: list[tuple[float, float]] = []
        start: tuple[float, float] | None = None
        for index in range(count(handle)):
            segment = segment_at(handle, index)
            if not segment or not point_of(segment, x_at, y_at):
                continue
            x, y = point_x.value, point_y.value
            here = (a * x + c * y + e - left, top - (b * x + d * y + f))
            if kind_of(segment) == move:
                points, start = [here], here
            else:
                if points:
                    _edge(points[-1], here, found)
                points.append(here)
            if closes(segment) and start is not None and points:
                _edge(points[-1], start, found)
    return found


#: How deep Form XObjects nested in one another are looked into (pypdfium2's default).
_FORM_DEPTH = 15


def _path_objects(raw: Any, page: int) -> Iterator[int]:
    """The addresses of the page's path objects, those inside Form XObjects too, in drawing
    order: asked of PDFium directly (pypdfium2's helper makes a Python object for each of a
    page's hundred text objects only to skip it)."""
    path, form = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
    kind_of = pdfium_call("FPDFPageObj_GetType")
    in_form, of_form = pdfium_call("FPDFFormObj_CountObjects"), pdfium_call("FPDFFormObj_GetObject")

    def walk(count: int, get: Any, parent: Any, level: int) -> Iterator[int]:
        for index in range(count):
            handle = get(parent, index)
            if not handle:
                continue
            kind = kind_of(handle)
            if kind == path:
                yield handle
            elif kind == form and level < _FORM_DEPTH - 1:
                yield from walk(in_form(handle), of_form, handle, level + 1)

    yield from walk(pdfium_call("FPDFPage_CountObjects")(page), pdfium_call("FPDFPage_GetObject"), page, 0)


def _edge(one: tuple[float, float], two: tuple[float, float], found: list[dict[str, object]]) -> None:
    """A straight piece as pdfplumber's edge: horizontal where it rises least, vertical
    where it runs across least, whatever its length (a filled thin rectangle's ends too)."""
    (x0, y0), (x1, y1) = one, two
    across, up = abs(x0 - x1), abs(y0 - y1)
    if min(across, up) > _LEVEL or max(across, up) == 0:
        return  # a slanted piece, or none
    if up <= across:
        y = (y0 + y1) / 2
        found.append({"orientation": "h", "x0": min(x0, x1), "x1": max(x0, x1), "top": y, "bottom": y})
    else:
        x = (x0 + x1) / 2
        found.append({"orientation": "v", "x0": x, "x1": x, "top": min(y0, y1), "bottom": max(y0, y1)})
