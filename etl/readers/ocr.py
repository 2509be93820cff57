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
import json
import math
import os
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

from etl.document import Cell, ReadError, SourceDocument
from etl.readers.ocr_grid import DoubtfulCell, Rule, TextBox, doubtful_cells, find_rules, ink_mask
from etl.readers.ocr_labels import corrected_label
from etl.readers.pages import PageImage, frame_count, image_frames, zip_page_images
from etl.readers.pdf import PageWord, document_from_lines, page_lines
from etl.readers.pdfium_session import rendering
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
ENGINE_VERSION = f"rapidocr-1.4/{OCR_DPI}/{TEXT_SCORE}/{BOX_THRESH}/deskew/nocls/grid10"
#: Threads one OCR engine uses: an ingest gives each of its workers its share of the cores.
THREADS_VARIABLE = "GOV_REPORTS_OCR_THREADS"
HOW_TO_ENABLE = "安装 OCR 组件后即可识别（在项目目录运行 make install，或 pip install '.[ocr]'）"

_SPECK_AFTER = re.compile(r"\d+[.,，．。]")
_NUMBER = re.compile(r"[-+]?\d[\d,，.．]*")
_DIGITISH = re.compile(r"^[-+]?[\dOoIl|,，.．]+(?:万元|元|件|个|项)?$")
_REPAIRS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def ocr_available() -> bool:
    try:
        import pypdfium2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


#: Told of each page OCR has read: (pages read, pages in all). A scan takes seconds a page,
#: so a progress bar that moves only per file would stand still for a minute.
PageProgress = Callable[[int, int], None]


def read_scanned_pdf(data: bytes, path: str, on_page: PageProgress | None = None) -> SourceDocument:
    """A PDF whose pages are images, read page by page: every page first at a low
    resolution, which is enough to see which pages hold the tables; those, and the first
    and last pages (title, signature, date), again at full resolution."""
    if not ocr_available():
        raise ReadError(f"{path}：这个 PDF 没有文字层（可能是扫描件），需要文字识别（OCR）；{HOW_TO_ENABLE}")
    with rendering() as pdfium:
        document = pdfium.PdfDocument(data)
        count = len(document)
    try:
        lines = []
        for index in range(count):
            with rendering():
                page = document[index]
                _, height = page.get_size()
            read = _cached_read(data, index, partial(_ocr_page, page, SURVEY_DPI, False), SURVEY_DPI)
            if index in (0, count - 1) or _holds_a_table(read.words):
                read = _cached_read(data, index, partial(_ocr_page, page, OCR_DPI, True))
            lines += page_lines(read.words, index + 1, float(height), read.edges, same_line=OCR_SAME_LINE)
            if on_page is not None:
                on_page(index + 1, count)
    finally:
        with rendering():
            document.close()
    return _document(lines, path)


def _ocr_page(page: Any, dpi: int, with_grid: bool) -> PageRead:
    """A PDF page rasterised at ``dpi`` (PDFium held while it draws, not while OCR reads) and read."""
    with rendering():
        image = page.render(scale=dpi / 72).to_pil()
    return _ocr(image, dpi, with_grid)


def _holds_a_table(words: list[PageWord]) -> bool:
    """Whether a page read at low resolution shows a table: a table's heading, its header
    text among numbers, or a page full of numbers."""
    text = "".join(word.text for word in words)
    numbers = sum(bool(re.fullmatch(r"[\d,.]+", word.text)) for word in words)
    if any(re.search(table.heading, text) for table in tables("2021")):
        return True
    headed = any(re.search(table.header, text) for table in tables("2021"))  # narrative says 结果维持 too
    return (headed and numbers >= _NUMBERS_UNDER_A_HEADER) or numbers >= _NUMBERS_ON_A_TABLE_PAGE


def read_image(data: bytes, path: str, on_page: PageProgress | None = None) -> SourceDocument:
    """A page photographed or scanned to an image file (PNG, JPEG, TIFF; every frame of a TIFF)."""
    if not ocr_available():
        raise ReadError(f"{path}：这是一张图片，需要文字识别（OCR）；{HOW_TO_ENABLE}")
    return _read_pages(data, path, image_frames(data, path), frame_count(data, path), on_page)


def read_page_images(data: bytes, path: str, on_page: PageProgress | None = None) -> SourceDocument:
    """A zip of page images (a scanner's or a phone's pages) as one report, pages in name order."""
    if not ocr_available():
        raise ReadError(f"{path}：这是一组页面图片，需要文字识别（OCR）；{HOW_TO_ENABLE}")
    images = zip_page_images(data, path)
    frames = (frame for image in images for frame in image_frames(image, path))
    return _read_pages(data, path, frames, sum(frame_count(image, path) for image in images), on_page)


def _read_pages(data: bytes, path: str, frames: Iterator[PageImage], count: int, on_page: PageProgress | None) -> SourceDocument:
    """Pages read one at a time (only one decoded page is held), in order."""
    lines = []
    for index, frame in enumerate(frames):
        read = _cached_read(data, index, partial(_ocr, frame.image, frame.dpi))
        lines += page_lines(read.words, index + 1, frame.height_points, read.edges, same_line=OCR_SAME_LINE)
        if on_page is not None:
            on_page(index + 1, count)
    return _document(lines, path)


def _document(lines: list[Any], path: str) -> SourceDocument:
    if sum(len(line.text) for line in lines) < 50:
        raise ReadError(f"{path}：文字识别（OCR）没有读出足够的文字，可能是空白页或图片太模糊")
    document = document_from_lines(lines, path, "scan")
    document.rows = [[_with_label_corrected(cell) for cell in row] for row in document.rows]
    return document


def _with_label_corrected(cell: Cell) -> Cell:
    if not cell.text or cell.confidence is not None:  # numbers keep what OCR read
        return cell
    text = corrected_label(cell.text)
    return cell if text == cell.text else cell._replace(text=text, original=cell.text)


@cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    threads = int(os.environ.get(THREADS_VARIABLE, "0") or 0)  # 0: as many as the machine has
    settings: dict[str, Any] = {"intra_op_num_threads": threads} if threads > 0 else {}
    return RapidOCR(text_score=TEXT_SCORE, box_thresh=BOX_THRESH, **settings)


@dataclass(frozen=True)
class PageRead:
    """What OCR found on a page: its words and its table borders (pdfplumber's edge
    dicts), in points on the straightened page."""

    words: list[PageWord]
    edges: list[dict[str, Any]]


def _ocr(image: Any, dpi: float = OCR_DPI, with_grid: bool = True) -> PageRead:
    """The words on one page image, in points, each with OCR's confidence; a page scanned
    askew is straightened (rows must stay level across a table). ``with_grid``: the
    table borders found too, and cells with ink but no text read again on their own."""
    import numpy as np

    image = image.convert("RGB")
    result, _ = _engine()(np.array(image), use_cls=False)  # the angle classifier turns a lone 6 into 9
    boxes = [([(float(x), float(y)) for x, y in box], str(text), float(score)) for box, text, score in result or []]
    angle = _skew(boxes)
    centre = (image.width / 2, image.height / 2)
    scale = 72 / dpi
    found: list[list[PageWord]] = []
    pixel_boxes = []
    for points, text, score in boxes:
        straight = [_rotate(point, -angle, centre) for point in points]
        xs, ys = [x for x, _ in straight], [y for _, y in straight]
        pixel_boxes.append(TextBox(min(xs), min(ys), max(xs), max(ys), score))
        found.append(_split_box(text, min(xs) * scale, max(xs) * scale, min(ys) * scale, max(ys) * scale, score))
    if not with_grid:
        return PageRead([word for words in found for word in words], [])
    from PIL import Image

    # PIL turns counter-clockwise for a positive angle: the same turn as the boxes' above.
    level = image.rotate(math.degrees(angle), resample=Image.Resampling.BILINEAR, fillcolor="white") if angle else image
    rules = find_rules(level, dpi)
    extra = []
    for cell in doubtful_cells(level, dpi, rules, pixel_boxes):
        again = _read_cell(level, cell, scale)
        if again is not None and all((again.confidence or 0.0) > pixel_boxes[i].score for i in cell.boxes):
            extra.append(again)
            for i in cell.boxes:
                found[i] = []  # what OCR was unsure of gives way to the surer reading
    words = [word for words in found for word in words] + extra
    return PageRead(split_at_borders(words, rules, scale), [_edge(rule, scale) for rule in rules])


def split_at_borders(words: list[PageWord], rules: list[Rule], scale: float) -> list[PageWord]:
    """A run of digits OCR boxed across cell borders (six blank-free zeros read as 000000)
    is one number per cell: cut where a border crosses it, each digit going to the cell
    its place along the box falls in."""
    downs = [rule for rule in rules if rule.vertical]
    cut: list[PageWord] = []
    for word in words:
        middle = (word.top + word.bottom) / 2 / scale
        width = (word.x1 - word.x0) / max(len(word.text), 1)
        borders = sorted(
            rule.at * scale
            for rule in downs
            if rule.start <= middle <= rule.end and word.x0 + width / 2 < rule.at * scale < word.x1 - width / 2
        )
        if not borders or not word.text.isdigit():
            cut.append(word)
            continue
        pieces: dict[int, str] = {}
        for index, char in enumerate(word.text):
            centre = word.x0 + (index + 0.5) * width
            pieces[sum(centre > border for border in borders)] = pieces.get(sum(centre > border for border in borders), "") + char
        edges = [word.x0, *borders, word.x1]
        for cell, text in sorted(pieces.items()):
            cut.append(PageWord(text, edges[cell], edges[cell + 1], word.top, word.bottom, word.confidence, word.original))
    return cut


def _read_cell(level: Any, cell: DoubtfulCell, scale: float) -> PageWord | None:
    """A cell read again on its own, with all but its ink made white (a seal's red ring
    across a 1 reads as y); kept only when it reads as a number."""
    import numpy as np

    crop = level.crop((int(cell.x0), int(cell.top), int(cell.x1), int(cell.bottom)))
    pixels = np.array(crop)
    pixels[~ink_mask(crop)] = 255
    result, _ = _engine()(pixels, use_det=False, use_cls=False, use_rec=True)
    text, score = (str(result[0][0]).strip(), float(result[0][1])) if result else ("", 0.0)
    repaired, original = _repaired(text)
    if not repaired or score < TEXT_SCORE or not _NUMBER.fullmatch(repaired):
        return None
    return PageWord(repaired, cell.x0 * scale, cell.x1 * scale, cell.top * scale, cell.bottom * scale, score, original)


def _edge(rule: Rule, scale: float) -> dict[str, Any]:
    """A border as pdfplumber gives a PDF's, in points."""
    at, start, end = rule.at * scale, rule.start * scale, rule.end * scale
    x0, x1, top, bottom = (at, at, start, end) if rule.vertical else (start, end, at, at)
    return {"orientation": "v" if rule.vertical else "h", "x0": x0, "x1": x1, "top": top, "bottom": bottom}


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
    """Letters OCR reads for digits, inside what is otherwise a number, and a speck after
    a count read as its full stop (1.); and what it read."""
    if _DIGITISH.match(text) and any(char.isdigit() for char in text) and re.search(r"[OoIl|]", text):
        return text.translate(_REPAIRS), text
    if _SPECK_AFTER.fullmatch(text):
        return text[:-1], text
    return text, ""


def _cache_folder() -> Path:
    return Path(os.environ.get("GOV_REPORTS_OCR_CACHE", Path.home() / ".cache" / "gov-reports" / "ocr"))


def _cached_read(data: bytes, page: int, read: Callable[[], PageRead], dpi: int = OCR_DPI) -> PageRead:
    """A page's reading from the cache (by the file's content, the page, the resolution and
    the engine's settings), or read now and kept."""
    key = hashlib.sha256(data + f"/{page}/{dpi}/{ENGINE_VERSION}".encode()).hexdigest()
    path = _cache_folder() / key[:2] / f"{key}.json"
    if path.exists():
        try:
            kept = json.loads(path.read_text("utf-8"))
            return PageRead([PageWord(**item) for item in kept["words"]], kept["edges"])
        except (OSError, ValueError, TypeError, KeyError):
            pass  # a damaged cache entry is read again
    fresh = read()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = {"words": [word._asdict() for word in fresh.words], "edges": fresh.edges}
        path.write_text(json.dumps(kept, ensure_ascii=False), "utf-8")
    except OSError:
        pass  # no cache where the disk is read-only or full: OCR is only slower
    return fresh
