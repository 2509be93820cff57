"""Pick the reader for a file from its content, since extensions are often wrong."""

from __future__ import annotations

from pathlib import Path

from etl.document import Cell, ReadError, SourceDocument, fold_variants
from etl.readers.html import decode_html, parse_html
from etl.readers.markdown import parse_markdown
from etl.readers.pdf import parse_pdf
from etl.readers.text import decode, parse_text
from etl.readers.word import parse_docx

_LEGACY_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_format(data: bytes) -> str:
    """The format a file's bytes are in: pdf, docx, doc, zip, html or txt."""
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


def read_document(path: Path, data: bytes | None = None) -> SourceDocument:
    """Read any supported file into rows of cells, or say plainly why it cannot be read."""
    document = _read_by_format(path, data)
    document.rows = [[Cell(fold_variants(cell.text), cell.location) for cell in row] for row in document.rows]
    return document


def _read_by_format(path: Path, data: bytes | None) -> SourceDocument:
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ReadError(f"{path}：无法打开文件（{error.strerror}）") from error
    kind = sniff_format(data)
    name = str(path)
    if kind == "pdf":
        return parse_pdf(data, name)
    if kind == "docx":
        return parse_docx(data, name)
    if kind == "html":
        return parse_html(decode_html(data, name), name)
    if kind == "doc":
        raise ReadError(f"{path}：这是旧版 Word（.doc）文件，请在 Word 或 WPS 中另存为 .docx 后再导入")
    if kind == "zip":
        raise ReadError(f"{path}：这是一个 ZIP 压缩包，请解压后导入其中的报告文件")
    text = decode(data, name)
    if path.suffix.lower() == ".md" or _looks_like_markdown(text):
        return parse_markdown(text, name)
    return parse_text(text, name)


def _looks_like_markdown(text: str) -> bool:
    """OCR tools' output: several pipe-table rows and a separator row."""
    lines = [line.strip() for line in text.splitlines()]
    pipes = sum(1 for line in lines if line.startswith("|") and line.count("|") >= 3)
    return pipes >= 5 and any(set(line) <= set("|-: ") and "---" in line for line in lines)
