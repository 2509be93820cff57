"""Scanned reports: image-only PDF pages and page images, read by OCR that runs offline.

Each page is rasterised (PDFium) and read by PP-OCR (RapidOCR on onnxruntime, whose models
ship inside the wheel: nothing is downloaded at run time). Every text line comes with its
box, so the words go through the same position-based table reading as a PDF's text layer,
then the recogniser, resolver and checks as for any format. A number's cell keeps OCR's
confidence; letters OCR put among digits (I, l, | for 1; O for 0) are repaired and the
repair recorded. Results are cached by content, so a re-ingest does not read a scan again.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import statistics
from functools import cache
from pathlib import Path
from typing import Any

from etl.document import ReadError, SourceDocument
from etl.readers.pdf import PageWord, document_from_lines, page_lines
from etl.template import tables

#: Resolution pages are read at: table digits are some 25 pixels high at 200 dpi.
OCR_DPI = 200
#: RapidOCR's thresholds: at its default 0.5 lone digits (0, 1) in sparse rows are dropped.
TEXT_SCORE = 0.3
BOX_THRESH = 0.3
#: The low resolution every page is first read at, to find the pages that hold tables.
SURVEY_DPI = 100
_NUMBERS_UNDER_A_HEADER = 8
_NUMBERS_ON_A_TABLE_PAGE = 25
#: OCR boxes of one table row differ in height by a few points: their middles within this are one line.
OCR_SAME_LINE = 6.0
#: Below this confidence a number read by OCR is an error, not a reading.
LOW_CONFIDENCE = 0.8
ENGINE_VERSION = f"rapidocr-1.4/{OCR_DPI}/{TEXT_SCORE}/{BOX_THRESH}/deskew"
HOW_TO_ENABLE = "安装 OCR 组件后即可识别（在项目目录运行 make install，或 pip install '.[ocr]'）"

_DIGITISH = re.compile(r"^[-+]?[\dOoIl|,，.．]+(?:万元|元|件|个|项)?$")
_REPAIRS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def ocr_available() -> bool:
    try:
        import pypdfium2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def read_scanned_pdf(data: bytes, path: str) -> SourceDocument:
    """A PDF whose pages are images, read page by page: every page first at a low
    resolution, which is enough to see which pages hold the tables; those, and the first
    and last pages (title, signature, date), again at full resolution."""
    if not ocr_available():
        raise ReadError(f"{path}：这个 PDF 没有文字层（可能是扫描件），需要文字识别（OCR）；{HOW_TO_ENABLE}")
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        lines = []
        count = len(document)
        for index in range(count):
            page = document[index]
            _, height = page.get_size()
            words = _cached_words(data, index, lambda page=page: _ocr(_render(page, SURVEY_DPI), SURVEY_DPI), SURVEY_DPI)
            if index in (0, count - 1) or _holds_a_table(words):
                words = _cached_words(data, index, lambda page=page: _ocr(_render(page, OCR_DPI)))
            lines += page_lines(words, index + 1, float(height), same_line=OCR_SAME_LINE)
    finally:
        document.close()
    return _document(lines, path)


def _render(page: Any, dpi: int) -> Any:
    return page.render(scale=dpi / 72).to_pil()


def _holds_a_table(words: list[PageWord]) -> bool:
    """Whether a page read at low resolution shows a table: a table's heading, its header
    text among numbers, or a page full of numbers."""
    text = "".join(word.text for word in words)
    numbers = sum(bool(re.fullmatch(r"[\d,.]+", word.text)) for word in words)
    if any(re.search(table.heading, text) for table in tables("2021")):
        return True
    headed = any(re.search(table.header, text) for table in tables("2021"))  # narrative says 结果维持 too
    return (headed and numbers >= _NUMBERS_UNDER_A_HEADER) or numbers >= _NUMBERS_ON_A_TABLE_PAGE


def read_image(data: bytes, path: str) -> SourceDocument:
    """A page photographed or scanned to an image file (PNG, JPEG, TIFF; every frame of a TIFF)."""
    if not ocr_available():
        raise ReadError(f"{path}：这是一张图片，需要文字识别（OCR）；{HOW_TO_ENABLE}")
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        picture = Image.open(io.BytesIO(data))
        frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(picture)]
    except (UnidentifiedImageError, OSError) as error:
        raise ReadError(f"{path}：图片已损坏，无法打开") from error
    lines = []
    for index, frame in enumerate(frames):
        dpi = float((frame.info.get("dpi") or (OCR_DPI, OCR_DPI))[0]) or OCR_DPI
        words = _cached_words(data, index, lambda frame=frame, dpi=dpi: _ocr(frame, dpi))
        lines += page_lines(words, index + 1, frame.height * 72 / dpi, same_line=OCR_SAME_LINE)
    return _document(lines, path)


def _document(lines: list[Any], path: str) -> SourceDocument:
    if sum(len(line.text) for line in lines) < 50:
        raise ReadError(f"{path}：文字识别（OCR）没有读出足够的文字，可能是空白页或图片太模糊")
    return document_from_lines(lines, path, "scan")


@cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(text_score=TEXT_SCORE, box_thresh=BOX_THRESH)


def _ocr(image: Any, dpi: float = OCR_DPI) -> list[PageWord]:
    """The words on one page image, in points, each with OCR's confidence; a page scanned
    askew is straightened in the boxes' coordinates (rows must stay level across a table)."""
    import numpy as np

    result, _ = _engine()(np.array(image.convert("RGB")))
    boxes = [([(float(x), float(y)) for x, y in box], str(text), float(score)) for box, text, score in result or []]
    angle = _skew(boxes)
    centre = (image.width / 2, image.height / 2)
    words: list[PageWord] = []
    scale = 72 / dpi
    for points, text, score in boxes:
        straight = [_rotate(point, -angle, centre) for point in points]
        xs = [x * scale for x, _ in straight]
        ys = [y * scale for _, y in straight]
        words += _split_box(text, min(xs), max(xs), min(ys), max(ys), score)
    return words


#: Text lines at least this many times wider than high show the page's slant.
_LONG_LINE = 4.0


def _skew(boxes: list[tuple[list[tuple[float, float]], str, float]]) -> float:
    """The page's slant in radians: the median slope of the long text lines' top edges."""
    slopes = []
    for points, _, _ in boxes:
        (x0, y0), (x1, y1) = points[0], points[1]
        height = abs(points[3][1] - points[0][1]) or 1.0
        if x1 - x0 > _LONG_LINE * height:
            slopes.append(math.atan2(y1 - y0, x1 - x0))
    return statistics.median(slopes) if len(slopes) >= 3 else 0.0


def _rotate(point: tuple[float, float], angle: float, centre: tuple[float, float]) -> tuple[float, float]:
    x, y = point[0] - centre[0], point[1] - centre[1]
    return (centre[0] + x * math.cos(angle) - y * math.sin(angle), centre[1] + x * math.sin(angle) + y * math.cos(angle))


def _split_box(text: str, x0: float, x1: float, top: float, bottom: float, score: float) -> list[PageWord]:
    """A text line OCR boxed may hold several cells (3001 53): one word per space-separated
    part, placed along the box by its share of the characters."""
    parts = [(match.start(), match.group(0)) for match in re.finditer(r"\S+", text)]
    width = (x1 - x0) / max(len(text), 1)
    words = []
    for start, part in parts:
        repaired, original = _repaired(part)
        left = x0 + start * width
        words.append(PageWord(repaired, left, left + len(part) * width, top, bottom, score, original))
    return words


def _repaired(text: str) -> tuple[str, str]:
    """Letters OCR reads for digits, inside what is otherwise a number; and what it read."""
    if _DIGITISH.match(text) and any(char.isdigit() for char in text) and re.search(r"[OoIl|]", text):
        return text.translate(_REPAIRS), text
    return text, ""


def _cache_folder() -> Path:
    return Path(os.environ.get("GOV_REPORTS_OCR_CACHE", Path.home() / ".cache" / "gov-reports" / "ocr"))


def _cached_words(data: bytes, page: int, read: Any, dpi: int = OCR_DPI) -> list[PageWord]:
    """A page's words from the cache (by the file's content, the page, the resolution and
    the engine's settings), or read now and kept."""
    key = hashlib.sha256(data + f"/{page}/{dpi}/{ENGINE_VERSION}".encode()).hexdigest()
    path = _cache_folder() / key[:2] / f"{key}.json"
    if path.exists():
        try:
            return [PageWord(**item) for item in json.loads(path.read_text("utf-8"))]
        except (OSError, ValueError, TypeError):
            pass  # a damaged cache entry is read again
    words: list[PageWord] = read()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps([word.__dict__ for word in words], ensure_ascii=False), "utf-8")
    except OSError:
        pass  # no cache where the disk is read-only or full: OCR is only slower
    return words
