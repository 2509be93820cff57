"""PDFium for one purpose at a time: reading a PDF's characters, or rendering its pages.

PDFium is one library per process with global state (its font caches among it), not safe
to call from two threads at once; the dashboard reads uploads and draws report pages in
its sessions' threads, so every call goes through one lock here.

While reading, a Chinese font the PDF names without embedding it (reportlab's and
iText's STSong-Light) is laid out in ``etl/data/reading-cjk.ttf.xz``: the metrics of the
face PDFium substitutes for it (Noto Serif CJK JP, from Debian's fonts-noto-cjk), each
glyph a rectangle on that face's box (``tools/build_reading_font.py``). The characters'
boxes are the same; FreeType no longer interprets a real outline for every character,
which was two thirds of reading such a page. Where PDFium would take a bold or sans face
of the same designs, it still does (boxed as before, at the old speed); on a machine
without them, the reading font stands in, so the words are those read where they are
installed, not those of whatever font PDFium would find. While rendering, PDFium
substitutes the system's fonts as before, so a page drawn for people shows its
characters, not rectangles.
"""

from __future__ import annotations

import ctypes
import lzma
import os
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

READING_FONT = Path(__file__).resolve().parents[1] / "data" / "reading-cjk.ttf.xz"
#: The font's name, as PDFium caches it (apart from any system font's).
READING_FACE = b"ReadingCJK"
#: PDFium's charsets of Chinese text (GB2312, Big5): those laid out in the reading font.
CHINESE_CHARSETS = frozenset((134, 136))
#: The system face the reading font copies, and the size of its collection file
#: (fonts-noto-cjk 2.004's ``NotoSerifCJK-Regular.ttc``; ``tools/build_reading_font.py``
#: prints both): where PDFium would take that face, the reading font boxes exactly as it.
TWIN_OF = (b"Noto Serif CJK JP", 26_297_400)
#: Faces of the same designs (bold, sans, another release): where PDFium would take one of
#: them, it still does, so a bold or sans font is boxed as before; with none of them
#: installed, the reading font stands in, as on a machine that has them.
SAME_DESIGNS = (b"Noto Serif CJK", b"Noto Sans CJK", b"Source Han Serif", b"Source Han Sans")
#: PDFium's tag asking a font handle for its collection's size.
_TTC_TAG = int.from_bytes(b"ttcf", "big")

_LOCK = threading.RLock()
_fonts: _ReadingFonts | None = None


def _new_lock_in_child() -> None:
    """A parse worker forked while another thread held the lock would wait for ever."""
    global _LOCK
    _LOCK = threading.RLock()


os.register_at_fork(after_in_child=_new_lock_in_child)


@contextmanager
def reading() -> Iterator[Any]:
    """PDFium (``pypdfium2``) to itself, laying out unembedded Chinese fonts in the
    reading font. Hold it only around PDFium's calls, never across a slow step."""
    with _LOCK:
        fonts = _installed()
        fonts.reading = True
        try:
            yield fonts.pdfium
        finally:
            fonts.reading = False


@contextmanager
def rendering() -> Iterator[Any]:
    """PDFium to itself, with the system's fonts: for pages drawn as images."""
    with _LOCK:
        yield _installed().pdfium


def reading_font_stands_in(system_face: bytes, collection_size: int) -> bool:
    """Whether the reading font stands in for the system face PDFium would take (its name,
    and its collection file's size; empty and 0 for none)."""
    if (system_face, collection_size) == TWIN_OF:
        return True
    return not system_face.startswith(SAME_DESIGNS)


def _installed() -> _ReadingFonts:
    global _fonts
    if _fonts is None:
        _fonts = _ReadingFonts(lzma.decompress(READING_FONT.read_bytes()))
    return _fonts


class _ReadingFonts:
    """PDFium's system-font interface (``FPDF_SYSFONTINFO``), handing on every question
    to PDFium's own, except the Chinese fonts asked for while reading."""

    def __init__(self, font: bytes) -> None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        self.pdfium = pdfium
        self.reading = False
        self.twins_given = 0  # Chinese fonts laid out in the reading font (for tests)
        self._font = (ctypes.c_ubyte * len(font)).from_buffer_copy(font)
        self._handle = ctypes.addressof(self._font)
        self._tables = _table_directory(font)
        default = raw.FPDF_GetDefaultSystemFontInfo()
        if not default:  # a platform without one: PDFium keeps its own ways (and speed)
            return
        self._default, self._default_pointer = default.contents, default
        self._interface = raw.FPDF_SYSFONTINFO(version=self._default.version)
        # PDFium calls these for the process's life: they must outlive every call.
        self._callbacks = [kind(getattr(self, f"_{name}")) for name, kind in raw.FPDF_SYSFONTINFO._fields_[1:]]
        for (name, _), callback in zip(raw.FPDF_SYSFONTINFO._fields_[1:], self._callbacks, strict=True):
            setattr(self._interface, name, callback)
        raw.FPDF_SetSystemFontInfo(ctypes.byref(self._interface))

    def _Release(self, _: object) -> None:  # noqa: N802 - PDFium's names
        """Kept for the process's life: nothing to release."""

    def _EnumFonts(self, _: object, mapper: object) -> None:  # noqa: N802
        self._default.EnumFonts(self._default_pointer, mapper)

    def _MapFont(self, _: object, weight: int, italic: int, charset: int, pitch: int, face: object, exact: object) -> int | None:  # noqa: N802
        found: int | None = self._default.MapFont(self._default_pointer, weight, italic, charset, pitch, face, exact)
        if not (self.reading and charset in CHINESE_CHARSETS):
            return found
        size = int(self._default.GetFontData(self._default_pointer, found, _TTC_TAG, None, 0)) if found else 0
        if not reading_font_stands_in(self._face_name(found), size):
            return found
        if found:
            self._default.DeleteFont(self._default_pointer, found)
        self.twins_given += 1
        return self._handle

    def _face_name(self, font: int | None) -> bytes:
        if not font:
            return b""
        buffer = ctypes.create_string_buffer(256)
        self._default.GetFaceName(self._default_pointer, font, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char)), len(buffer))
        return buffer.value

    def _GetFont(self, _: object, face: object) -> int | None:  # noqa: N802
        found: int | None = self._default.GetFont(self._default_pointer, face)
        return found

    def _GetFontData(self, _: object, font: int | None, table: int, buffer: Any, size: int) -> int:  # noqa: N802
        if font != self._handle:
            return int(self._default.GetFontData(self._default_pointer, font, table, buffer, size))
        start, length = (0, len(self._font)) if table == 0 else self._tables.get(table, (0, 0))
        if buffer and length and size >= length:
            ctypes.memmove(buffer, ctypes.addressof(self._font) + start, length)
        return length

    def _GetFaceName(self, _: object, font: int | None, buffer: Any, size: int) -> int:  # noqa: N802
        if font != self._handle:
            return int(self._default.GetFaceName(self._default_pointer, font, buffer, size))
        name = READING_FACE + b"\0"
        if buffer and size >= len(name):
            ctypes.memmove(buffer, name, len(name))
        return len(name)

    def _GetFontCharset(self, _: object, font: int | None) -> int:  # noqa: N802
        if font != self._handle:
            return int(self._default.GetFontCharset(self._default_pointer, font))
        return 134

    def _DeleteFont(self, _: object, font: int | None) -> None:  # noqa: N802
        if font != self._handle:
            self._default.DeleteFont(self._default_pointer, font)


def _table_directory(font: bytes) -> dict[int, tuple[int, int]]:
    """Each table's tag (as PDFium asks for it, a big-endian number) → (offset, length)."""
    (count,) = struct.unpack_from(">H", font, 4)
    entries = (struct.unpack_from(">IIII", font, 12 + 16 * index) for index in range(count))
    return {tag: (offset, length) for tag, _, offset, length in entries}
