"""A zip of page images is one report, its pages in name order, capped before inflating."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from etl.document import Box, ReadError
from etl.readers import sniff_format
from etl.readers.pages import MAX_PAGES, is_page_images_zip, marked, page_image, zip_page_images


def _png(colour: str, size: tuple[int, int] = (40, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG", dpi=(100, 100))
    return buffer.getvalue()


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_pages_come_in_the_order_of_their_numbers_not_of_their_names_as_text() -> None:
    pages = _zip([("扫描/page-10.png", _png("blue")), ("扫描/page-2.png", _png("red")), ("扫描/page-1.png", _png("white"))])
    assert sniff_format(pages) == "zip" and is_page_images_zip(pages)
    colours = [Image.open(io.BytesIO(page)).getpixel((0, 0)) for page in zip_page_images(pages, "a.zip")]
    assert colours == [(255, 255, 255), (255, 0, 0), (0, 0, 255)]


def test_files_archivers_add_are_not_pages() -> None:
    pages = _zip([("p1.png", _png("white")), ("__MACOSX/._p1.png", b"junk"), ("Thumbs.db", b"junk")])
    assert is_page_images_zip(pages) and len(zip_page_images(pages, "a.zip")) == 1


def test_a_zip_with_a_report_file_in_it_is_not_a_set_of_pages() -> None:
    assert not is_page_images_zip(_zip([("p1.png", _png("white")), ("report.txt", b"text")]))
    assert not is_page_images_zip(_zip([]))
    assert not is_page_images_zip(b"PK\x03\x04 not really a zip")


def test_a_member_that_is_not_an_image_or_inflates_like_a_bomb_is_refused_by_name() -> None:
    with pytest.raises(ReadError, match="fake.png"):
        zip_page_images(_zip([("fake.png", b"this is text")]), "a.zip")
    with pytest.raises(ReadError, match="压缩比异常"):
        zip_page_images(_zip([("bomb.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2_000_000)]), "a.zip")
    with pytest.raises(ReadError, match=f"不会超过 {MAX_PAGES} 页"):
        zip_page_images(_zip([(f"p{i}.png", b"x") for i in range(MAX_PAGES + 1)]), "a.zip")


def test_a_page_is_shown_with_the_cell_marked_where_it_stands() -> None:
    pages = _zip([("p1.png", _png("white", (200, 100))), ("p2.png", _png("white", (200, 100)))])
    page = page_image(pages, "a.zip", 2)
    assert page.dpi == 100 and page.image.size == (200, 100)
    drawn = marked(page, Box(2, 36.0, 18.0, 72.0, 36.0))  # points: 50..100 px across, 25..50 px down
    frame = [x for x in range(200) if drawn.getpixel((x, 37)) != (255, 255, 255)]  # across the box's middle
    assert frame and 44 <= frame[0] <= 48 and 102 <= frame[-1] <= 106  # its edges, 3 pt outside the cell
    assert drawn.getpixel((75, 37)) == (255, 255, 255)  # the cell itself stays readable
    with pytest.raises(ReadError, match="没有第 3 页"):
        page_image(pages, "a.zip", 3)
