"""A page-based source's pages as images: a PDF's pages, an image's frames, the images of
a zip of page photos. OCR reads them; 报告详情 shows one with a cell's box marked on it.

A zip of page images is one report (a scanner's or a phone's output, page by page), its
pages in the order of their names with numbers compared as numbers (page-2 before
page-10). What a zip holds is the uploader's to choose, so the pages it may have, their
size and their compression ratio are capped before anything is inflated.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from etl.document import Box, ReadError
from etl.readers.pdfium_session import rendering

IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
#: No annual report runs to more pages than this.
MAX_PAGES = 300
#: A page photo is a few MB; one inflating past this is not a page.
MAX_PAGE_BYTES = 50 * 2**20
#: Photos barely compress; a member inflating more than this many times is a zip bomb.
MAX_RATIO = 50.0
#: Resolution a page assumed when its image file does not say.
DEFAULT_DPI = 200.0
#: Colour and width of the mark around a cell on its page.
MARK_COLOUR = (220, 20, 60)
MARK_POINTS = 2.0


@dataclass(frozen=True)
class PageImage:
    """One page as a picture, with the resolution that maps its pixels to points."""

    image: Any  # a PIL image
    dpi: float

    @property
    def height_points(self) -> float:
        return float(self.image.height) * 72 / self.dpi


def is_page_images_zip(data: bytes) -> bool:
    """Whether a zip holds page images and nothing else a report could be."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [m.filename for m in archive.infolist() if not m.is_dir() and not _hidden(m.filename)]
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return bool(names) and all(PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES for name in names)


def zip_page_images(data: bytes, path: str) -> list[bytes]:
    """The page images of a zip, in page order, each checked before it is inflated."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ReadError(f"{path}：压缩包已损坏，无法解压") from error
    with archive:
        members = sorted(
            (m for m in archive.infolist() if not m.is_dir() and not _hidden(m.filename)), key=lambda m: _page_order(m.filename)
        )
        if len(members) > MAX_PAGES:
            raise ReadError(f"{path}：压缩包中有 {len(members)} 张图片，年度报告不会超过 {MAX_PAGES} 页，不读取")
        pages = []
        for member in members:
            if member.file_size > MAX_PAGE_BYTES or (
                member.compress_size and member.file_size / member.compress_size > MAX_RATIO
            ):
                raise ReadError(f"{path}：压缩包中的「{member.filename}」解压后过大或压缩比异常，不像是一页扫描件，不读取")
            try:
                with archive.open(member) as source:
                    page = source.read(MAX_PAGE_BYTES + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError) as error:
                raise ReadError(f"{path}：压缩包中的「{member.filename}」无法解压（已损坏、加密或压缩方式不受支持）") from error
            if len(page) > MAX_PAGE_BYTES or not page.startswith(IMAGE_MAGIC):
                raise ReadError(f"{path}：压缩包中的「{member.filename}」不是 PNG、JPEG 或 TIFF 图片")
            pages.append(page)
    return pages


def frame_count(data: bytes, path: str) -> int:
    """How many pages an image file holds (a TIFF may hold them all), without decoding them."""
    from PIL import Image, UnidentifiedImageError

    try:
        return int(getattr(Image.open(io.BytesIO(data)), "n_frames", 1))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ReadError(f"{path}：图片已损坏或过大，无法打开") from error


def image_frames(data: bytes, path: str) -> Iterator[PageImage]:
    """Every frame of an image file, at the resolution it states, decoded one at a time (a
    300-page TIFF decoded at once would hold gigabytes)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        picture = Image.open(io.BytesIO(data))
        for frame in ImageSequence.Iterator(picture):
            dpi = float((frame.info.get("dpi") or (DEFAULT_DPI, DEFAULT_DPI))[0]) or DEFAULT_DPI
            yield PageImage(frame.convert("RGB"), round(dpi, 1))  # PNG keeps dots per metre: 100 dpi reads 99.9998
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ReadError(f"{path}：图片已损坏或过大，无法打开") from error


def page_image(data: bytes, path: str, page: int, dpi: float = 110.0) -> PageImage:
    """Page ``page`` (from 1) of a PDF, an image file or a zip of page images."""
    if data.lstrip()[:5].startswith(b"%PDF"):
        with rendering() as pdfium:
            document = pdfium.PdfDocument(data)
            try:
                if not 1 <= page <= len(document):
                    raise ReadError(f"{path}：没有第 {page} 页")
                return PageImage(document[page - 1].render(scale=dpi / 72).to_pil().convert("RGB"), dpi)
            finally:
                document.close()
    images = zip_page_images(data, path) if data.startswith(b"PK\x03\x04") else [data]
    frames = (frame for image in images for frame in image_frames(image, path))
    found = next((frame for number, frame in enumerate(frames, start=1) if number == page), None)
    if found is None:
        raise ReadError(f"{path}：没有第 {page} 页")
    return found


def marked(page: PageImage, box: Box, margin: float = 3.0) -> Any:
    """The page with a frame drawn around the box (points), so the cell is found at a glance."""
    from PIL import ImageDraw

    image = page.image.copy()
    scale = page.dpi / 72
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        ((box.x0 - margin) * scale, (box.top - margin) * scale, (box.x1 + margin) * scale, (box.bottom + margin) * scale),
        outline=MARK_COLOUR,
        width=max(int(MARK_POINTS * scale), 2),
    )
    return image


def around(page: PageImage, box: Box, context: float = 110.0) -> Any:
    """The band of the page (its whole width) ``context`` points above and below the box:
    the cell with its row label and the rows around it, large enough to read."""
    scale = page.dpi / 72
    top = max(0, int((box.top - context) * scale))
    bottom = min(page.image.height, int((box.bottom + context) * scale))
    return page.image.crop((0, top, page.image.width, bottom))


def _hidden(name: str) -> bool:
    """Files archivers add (macOS's __MACOSX folder and ._ files, Thumbs.db), not pages."""
    parts = PurePosixPath(name).parts
    return any(part.startswith((".", "__MACOSX")) for part in parts) or parts[-1].lower() == "thumbs.db"


def _page_order(name: str) -> list[tuple[int, int | str]]:
    """page-2 before page-10: runs of digits compare as numbers."""
    return [(0, int(part)) if part.isdigit() else (1, part.lower()) for part in re.split(r"(\d+)", name) if part]
