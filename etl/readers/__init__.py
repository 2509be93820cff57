"""Pick the reader for a file from its content, since extensions are often wrong."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from etl.document import Cell, ReadError, SourceDocument, fold_variants, has_variants
from etl.readers.html import decode_html, read_html
from etl.readers.markdown import read_markdown
from etl.readers.ocr import PageProgress, read_image, read_page_images
from etl.readers.pages import IMAGE_MAGIC, is_page_images_zip
from etl.readers.pdf import read_pdf
from etl.readers.text import decode, read_text
from etl.readers.word import read_docx

_LEGACY_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: No report is this large; a bigger file is refused before it is read into memory.
MAX_SOURCE_BYTES = 200 * 2**20
#: A crawler's whole page on one line is some 100,000 characters; a line ten times that
#: is not a report, and reading it would only cost time and memory.
MAX_CELL_CHARS = 1_000_000
log = logging.getLogger(__name__)


def read_source(path: Path) -> bytes:
    """A report file's bytes, refusing what is not a regular file (a pipe or a device
    would block the read for ever) and what is too large to be a report."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise ReadError(f"{path}：无法打开文件（{error.strerror}）") from error
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(f"{path}：不是普通文件（是文件夹、管道或设备），不读取")
    if info.st_size > MAX_SOURCE_BYTES:
        raise ReadError(f"{path}：文件有 {info.st_size / 2**20:.0f} MB，超过 {MAX_SOURCE_BYTES // 2**20} MB，不像是一份年度报告")
    try:
        return path.read_bytes()
    except OSError as error:
        raise ReadError(f"{path}：无法打开文件（{error.strerror}）") from error


def sniff_format(data: bytes) -> str:
    """The format a file's bytes are in: pdf, docx, doc, zip, image, html or txt."""
    if data.startswith(IMAGE_MAGIC):
        return "image"
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(_LEGACY_DOC):
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:200_000] else "zip"
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<table" in data[:200_000].lower():
        return "html"
    return "txt"


def read_document(path: Path, data: bytes | None = None, on_page: PageProgress | None = None) -> SourceDocument:
    """Read any supported file into rows of cells, or say plainly why it cannot be read.
    ``on_page`` hears of each page OCR reads (a scan takes seconds a page)."""
    if data is None:
        data = read_source(path)
    try:
        document = _read_by_format(path, data, on_page)
    except ReadError:
        raise
    except RecursionError as error:
        raise ReadError(f"{path}：文件结构嵌套过深，无法读取") from error
    except Exception as error:  # a malformed file must end in a plain reason; the detail goes to the log
        log.exception("unexpected error while reading %s", path)
        raise ReadError(f"{path}：文件内容已损坏或格式异常，无法读取（{type(error).__name__}）") from error
    everything = "".join([cell.text for row in document.rows for cell in row])
    if len(everything) > MAX_CELL_CHARS:  # only then can one cell be that long
        longest = max((cell for row in document.rows for cell in row), key=lambda cell: len(cell.text))
        if len(longest.text) > MAX_CELL_CHARS:
            raise ReadError(f"{path}：{longest.location}有 {len(longest.text):,} 个字符连在一起，不像是年度报告的内容，不读取")
    if has_variants(everything):  # most files have none: one look, not one per cell
        document.rows = [[_folded(cell) for cell in row] for row in document.rows]
    return document


def _folded(cell: Cell) -> Cell:
    """The cell with its characters' variant forms folded (a new cell only where one is)."""
    if cell.text.isascii():
        return cell
    folded = fold_variants(cell.text)
    return cell if folded == cell.text else cell._replace(text=folded)


def _read_by_format(path: Path, data: bytes, on_page: PageProgress | None) -> SourceDocument:
    kind = sniff_format(data)
    name = str(path)
    if kind == "pdf":
        return read_pdf(data, name, on_page)
    if kind == "docx":
        return read_docx(data, name)
    if kind == "image":
        return read_image(data, name, on_page)
    if kind == "zip" and is_page_images_zip(data):
        return read_page_images(data, name, on_page)
    if kind == "html":
        return read_html(decode_html(data, name), name)
    if kind == "doc":
        raise ReadError(f"{path}：这是旧版 Word（.doc）文件，请在 Word 或 WPS 中另存为 .docx 后再导入")
    if kind == "zip":
        raise ReadError(f"{path}：这是一个 ZIP 压缩包，里面不只是页面图片；请解压后导入其中的报告文件")
    text = decode(data, name)
    if path.suffix.lower() == ".md" or _looks_like_markdown(text):
        return read_markdown(text, name)
    return read_text(text, name)


def _looks_like_markdown(text: str) -> bool:
    """OCR tools' output: several pipe-table rows and a separator row."""
    if text.count("|") < 15:
        return False
    lines = [line.strip() for line in text.splitlines()]
    pipes = sum(1 for line in lines if line.startswith("|") and line.count("|") >= 3)
    return pipes >= 5 and any(set(line) <= set("|-: ") and "---" in line for line in lines)
