"""PDFium while reading and while rendering: unembedded Chinese fonts are read in the
reading font, whose boxes are the system font's (Noto Serif CJK, as CI installs it), and
pages drawn for people still show their characters, even while other threads read."""

from __future__ import annotations

import io
import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from corpus.generate import generate, render
from corpus.render_pdf import FONT
from etl.readers import pdf_engine
from etl.readers.pages import page_image
from etl.readers.pdf_engine import Glyph, read_pages
from etl.readers.pdfium_session import reading, rendering

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
NOTO_SERIF_CJK = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
needs_noto = pytest.mark.skipif(not NOTO_SERIF_CJK.exists(), reason="compares with Debian's fonts-noto-cjk, which CI installs")


def _gb2312_characters() -> str:
    """Every character of GB2312 (its 6,763 hanzi and its symbols), then ASCII."""
    found = []
    for high, low in itertools.product(range(0xA1, 0xF8), range(0xA1, 0xFF)):
        try:
            found.append(bytes((high, low)).decode("gb2312"))
        except UnicodeDecodeError:
            continue
    return "".join(found) + "".join(chr(code) for code in range(0x21, 0x7F))


def _pdf_of(text: str, per_line: int = 40, lines_per_page: int = 60) -> bytes:
    """``text`` set in reportlab's unembedded STSong-Light, as the corpus's PDFs are."""
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=A4)
    rows = [text[start : start + per_line] for start in range(0, len(text), per_line)]
    for page_rows in (rows[start : start + lines_per_page] for start in range(0, len(rows), lines_per_page)):
        drawing.setFont(FONT, 10.5)
        for number, row in enumerate(page_rows):
            drawing.drawString(40, 800 - 13 * number, row)
        drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def _glyphs(data: bytes, purpose: Callable[[], AbstractContextManager[Any]]) -> list[Glyph]:
    """Every printed character of the PDF with its box, PDFium held for ``purpose``."""
    with purpose() as pdfium:
        document = pdfium.PdfDocument(data)
        try:
            found: list[Glyph] = []
            for page in document:
                left, _, _, top = page.get_mediabox()
                textpage = page.get_textpage()
                found += pdf_engine._glyphs(textpage, left, top)
                textpage.close()
                page.close()
            return found
        finally:
            document.close()


@needs_noto
def test_every_gb2312_character_is_boxed_as_the_system_font_boxes_it() -> None:
    data = _pdf_of(_gb2312_characters())
    read, system = _glyphs(data, reading), _glyphs(data, rendering)
    assert len(read) > 7_000
    assert read == system


def _reports() -> Iterator[tuple[str, bytes]]:
    for path in sorted(FIXTURES.glob("same-*.pdf")):
        yield path.name, path.read_bytes()
    reports = (report for report in generate(5, formats=("pdf",)) if report.family_name == "pdf-reportlab")
    for report in itertools.islice(reports, 6):
        yield f"{report.spec.agency}{report.spec.year}", render(report)[0]


@needs_noto
def test_reports_words_are_the_words_the_system_font_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, data in _reports():
        read = [page.words for page in read_pages(data)]
        with monkeypatch.context() as patched:
            patched.setattr(pdf_engine, "reading", rendering)
            system = [page.words for page in read_pages(data)]
        assert read == system, name


def _pixels(data: bytes) -> bytes:
    return page_image(data, "report.pdf", 1, dpi=60).image.tobytes()


def test_a_page_drawn_after_reading_shows_its_characters_not_the_reading_fonts_boxes() -> None:
    data = (FIXTURES / "same-2021-local.pdf").read_bytes()
    drawn = _pixels(data)
    list(read_pages(data))
    assert _pixels(data) == drawn
    with reading() as pdfium:  # what the page would look like in the reading font
        document = pdfium.PdfDocument(data)
        in_boxes = document[0].render(scale=60 / 72).to_pil().convert("RGB").tobytes()
        document.close()
    assert in_boxes != drawn


def test_pages_drawn_while_other_threads_read_are_drawn_as_alone() -> None:
    data = (FIXTURES / "same-2021-blanks.pdf").read_bytes()
    drawn, words = _pixels(data), [page.words for page in read_pages(data)]
    failures: list[str] = []

    def draw() -> None:
        for _ in range(15):
            if _pixels(data) != drawn:
                failures.append("drawn")

    def read() -> None:
        for _ in range(15):
            if [page.words for page in read_pages(data)] != words:
                failures.append("read")

    threads = [threading.Thread(target=work) for work in (draw, read, draw, read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
