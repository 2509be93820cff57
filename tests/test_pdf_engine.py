"""PDFium's view of a page: the table borders come from path objects wherever the page
draws them, inside Form XObjects too (a page stamped or imposed by another tool)."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from reportlab.pdfgen import canvas

from etl.readers.pdf_engine import _edges


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
