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
from etl.readers import pdf_engine, pdfium_session
from etl.readers.pages import page_image
from etl.readers.pdf_engine import Glyph, read_pages
from etl.readers.pdfium_session import TWIN_OF, reading, reading_font_stands_in, rendering

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


def _pdf_naming(font: str, flags: int, text: str, stem: int = 80) -> bytes:
    """A one-page PDF setting ``text`` in an unembedded GB1 font named ``font`` (as
    generators other than reportlab name 宋体, 黑体 or a bold), written out by hand."""
    descriptor = f"<< /Type /FontDescriptor /FontName /{font} /Flags {flags} /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 700 /StemV {stem} >>"
    cid_font = f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{font} /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor {descriptor} /DW 1000 /W [1 95 500] >>"
    content = f"BT /F1 12 Tf 72 700 Td <{text.encode('utf-16-be').hex()}> Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        f"<< /Type /Font /Subtype /Type0 /BaseFont /{font} /Encoding /UniGB-UCS2-H /DescendantFonts [{cid_font}] >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    table = "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    trailer = f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n{table}trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{len(out)}\n%%EOF\n"
    return out + trailer.encode("latin-1")


@needs_noto
@pytest.mark.parametrize(
    ("font", "flags", "stem"),
    [("SimSun", 6, 80), ("SimHei", 4, 80), ("SimSun,Bold", 6, 80), ("SimSun", 262150, 160), ("KaiTi", 6, 80)],
    ids=["宋体", "黑体 (sans)", "a bold by name", "a bold by its flags", "楷体"],
)
def test_unembedded_song_hei_and_bold_fonts_are_boxed_as_the_system_fonts_box_them(font: str, flags: int, stem: int) -> None:
    data = _pdf_naming(font, flags, "政府信息公开工作年度报告2023年（一）", stem)
    assert _glyphs(data, reading) == _glyphs(data, rendering)


@needs_noto
def test_stsong_is_read_in_the_reading_font_where_noto_serif_is_installed() -> None:
    assert NOTO_SERIF_CJK.stat().st_size == TWIN_OF[1], "fonts-noto-cjk changed: build the reading font again"
    given = pdfium_session._installed().twins_given
    list(read_pages((FIXTURES / "same-2021-local.pdf").read_bytes()))
    assert pdfium_session._installed().twins_given > given


def test_the_reading_font_stands_in_for_its_twin_and_for_fonts_of_other_designs_only() -> None:
    assert reading_font_stands_in(*TWIN_OF)
    assert reading_font_stands_in(b"", 0)  # no Chinese font installed
    assert reading_font_stands_in(b"WenQuanYi Zen Hei", 16_000_000)
    assert not reading_font_stands_in(TWIN_OF[0], TWIN_OF[1] + 1)  # another release of Noto
    assert not reading_font_stands_in(b"Noto Serif CJK JP Bold", 27_290_960)
    assert not reading_font_stands_in(b"Noto Sans CJK JP", 19_484_784)


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


def test_a_process_forked_while_another_thread_reads_can_read() -> None:
    import multiprocessing

    data = (FIXTURES / "same-2021-blanks.pdf").read_bytes()
    words = [page.words for page in read_pages(data)]
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with reading():
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            assert pool.apply_async(_words_of, (data,)).get(timeout=20) == words
    finally:
        release.set()
        holder.join()


def _words_of(data: bytes) -> list[Any]:
    return [page.words for page in read_pages(data)]
