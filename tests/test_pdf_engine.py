"""PDFium's view of a page: the table borders come from path objects wherever the page
draws them, inside Form XObjects too (a page stamped or imposed by another tool); PDFium's
calls made with plain addresses answer as pypdfium2's typed ones."""

from __future__ import annotations

import ctypes
import io
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
from reportlab.pdfgen import canvas

from etl.readers.pdf_engine import _edges
from etl.readers.pdfium_calls import _FFI, handle_address, pdfium_call
from tests.helpers import FIXTURES, SAMPLES


def _bordered_page() -> bytes:
    """One A4 page with a table grid: three horizontal and two vertical borders, and a cell outline."""
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=(595, 842))
    for y in (700, 720, 740):
        drawing.line(100, y, 400, y)
    for x in (100, 400):
        drawing.line(x, 700, x, 740)
    drawing.rect(150, 600, 80, 30)
    drawing.save()
    return buffer.getvalue()


def _page_edges(data: bytes) -> tuple[list[dict[str, object]], bool]:
    """The first page's edges, and whether any of its objects sits inside a form."""
    document = pdfium.PdfDocument(data)
    page = document[0]
    try:
        left, _, _, top = page.get_mediabox()
        return _edges(page, left, top), any(item.level > 0 for item in page.get_objects())
    finally:
        page.close()
        document.close()


def test_borders_are_the_page_paths_axis_aligned_pieces() -> None:
    edges, _ = _page_edges(_bordered_page())
    horizontal = sorted((e["top"], e["x0"], e["x1"]) for e in edges if e["orientation"] == "h")
    vertical = sorted((e["x0"], e["top"], e["bottom"]) for e in edges if e["orientation"] == "v")
    assert horizontal[:3] == [(102.0, 100.0, 400.0), (122.0, 100.0, 400.0), (142.0, 100.0, 400.0)]
    assert (100.0, 102.0, 142.0) in vertical and (400.0, 102.0, 142.0) in vertical
    assert len(horizontal) == 5 and len(vertical) == 4  # the outline's four sides too


def test_borders_inside_a_form_xobject_are_found_as_on_the_page() -> None:
    source, stamped = pdfium.PdfDocument(_bordered_page()), pdfium.PdfDocument.new()
    page = stamped.new_page(595, 842)
    page.insert_obj(source.page_as_xobject(0, stamped).as_pageobject())
    page.gen_content()
    buffer = io.BytesIO()
    stamped.save(buffer)
    page.close()
    stamped.close()
    source.close()
    edges, in_form = _page_edges(buffer.getvalue())
    assert in_form  # the paths do sit in a form
    assert edges == _page_edges(_bordered_page())[0]


def _signature(function: object) -> tuple[str, tuple[str, ...]]:
    kind = _FFI.typeof(function)
    return kind.result.cname, tuple(argument.cname for argument in kind.args)


def test_a_call_takes_addresses_for_pointers_and_keeps_every_other_type() -> None:
    assert _signature(pdfium_call("FPDFFont_GetDescent")) == ("int", ("intptr_t", "float", "intptr_t"))
    assert _signature(pdfium_call("FPDFText_GetFontSize")) == ("double", ("intptr_t", "int"))
    assert _signature(pdfium_call("FPDFText_GetTextObject")) == ("intptr_t", ("intptr_t", "int"))
    assert _signature(pdfium_call("FPDFFormObj_GetObject")) == ("intptr_t", ("intptr_t", "unsigned long"))


def test_a_call_of_a_type_with_no_plain_c_form_is_refused_by_name() -> None:
    from etl.readers.pdfium_calls import _c_name

    with pytest.raises(TypeError, match="c_char"):
        _c_name(ctypes.c_char)


@pytest.mark.parametrize(
    ("path", "bordered"),
    [
        (SAMPLES / "huaian-gov-2024.pdf", True),
        (FIXTURES / "real" / "city-2025.print.pdf", False),  # the page's tables have no borders
        (FIXTURES / "real" / "city-2025.word.pdf", False),
    ],
)
def test_plain_calls_answer_as_the_typed_ones_for_every_character_and_path(path: Path, bordered: bool) -> None:
    document = pdfium.PdfDocument(path)
    segments_read = edges_found = 0
    try:
        for page in document:
            textpage = page.get_textpage()
            typed, at = textpage.raw, handle_address(textpage.raw)
            box, again = raw.FS_RECTF(), raw.FS_RECTF()
            x, y, x_again, y_again = (ctypes.c_double() for _ in range(4))
            for index in range(raw.FPDFText_CountChars(typed)):
                assert pdfium_call("FPDFText_GetUnicode")(at, index) == raw.FPDFText_GetUnicode(typed, index)
                assert pdfium_call("FPDFText_IsGenerated")(at, index) == raw.FPDFText_IsGenerated(typed, index)
                assert pdfium_call("FPDFText_GetFontSize")(at, index) == raw.FPDFText_GetFontSize(typed, index)
                raw.FPDFText_GetLooseCharBox(typed, index, ctypes.byref(box))
                pdfium_call("FPDFText_GetLooseCharBox")(at, index, ctypes.addressof(again))
                assert (box.left, box.top, box.right, box.bottom) == (again.left, again.top, again.right, again.bottom)
                raw.FPDFText_GetCharOrigin(typed, index, ctypes.byref(x), ctypes.byref(y))
                pdfium_call("FPDFText_GetCharOrigin")(at, index, ctypes.addressof(x_again), ctypes.addressof(y_again))
                assert (x.value, y.value) == (x_again.value, y_again.value)
                text_object = raw.FPDFText_GetTextObject(typed, index)
                address = ctypes.cast(text_object, ctypes.c_void_p).value or 0
                assert pdfium_call("FPDFText_GetTextObject")(at, index) == address
            left, _, _, top = page.get_mediabox()
            paths = [item for item in page.get_objects() if item.type == raw.FPDF_PAGEOBJ_PATH]
            points = [
                [raw.FPDFPath_GetPathSegment(item.raw, index) for index in range(raw.FPDFPath_CountSegments(item.raw))]
                for item in paths
            ]
            read = [[_point(segment) for segment in segments] for segments in points]
            segments_read += sum(map(len, read))
            edges_found += len(_edges(page, left, top))
            for item, segments in zip(paths, read, strict=True):
                plain = pdfium_call("FPDFPath_GetPathSegment")
                assert segments == [_point(plain(handle_address(item.raw), index)) for index in range(len(segments))]
            textpage.close()
            page.close()
    finally:
        document.close()
    assert bool(segments_read and edges_found) == bordered  # the borders of the report's tables were among them


def _point(segment: object) -> tuple[float, float, int, int]:
    """A path segment's point, kind and whether it closes, asked with the typed calls."""
    x, y = ctypes.c_float(), ctypes.c_float()
    handle = ctypes.cast(segment, raw.FPDF_PATHSEGMENT) if isinstance(segment, int) else segment
    raw.FPDFPathSegment_GetPoint(handle, ctypes.byref(x), ctypes.byref(y))
    return x.value, y.value, raw.FPDFPathSegment_GetType(handle), raw.FPDFPathSegment_GetClose(handle)


def _blank_pages(count: int) -> bytes:
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=(595, 842))
    for _ in range(count):
        drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def test_a_pdf_longer_than_any_report_is_refused_with_its_length_before_a_page_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from etl.document import ReadError
    from etl.readers import pdf_engine
    from etl.readers.pdf import _MAX_PAGES, read_pdf

    read: list[object] = []
    monkeypatch.setattr(pdf_engine, "_glyphs", lambda *args: read.append(args) or [])
    with pytest.raises(ReadError, match=f"a.pdf：PDF 有 {_MAX_PAGES + 1} 页，年度报告不会超过 {_MAX_PAGES} 页"):
        read_pdf(_blank_pages(_MAX_PAGES + 1), "a.pdf")
    assert read == []
    assert [page.words for page in pdf_engine.read_pages(_blank_pages(2), most=2)] == [[], []]
