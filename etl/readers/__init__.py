"""Pick the reader for a file from its content, since extensions are often wrong."""

from __future__ import annotations

from pathlib import Path

from etl.document import ReadError, SourceDocument
from etl.readers.text import decode, parse_text

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
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ReadError(f"{path}：无法打开文件（{error.strerror}）") from error
    kind = sniff_format(data)
    if kind == "txt":
        return parse_text(decode(data, str(path)), str(path))
    names = {"pdf": "PDF", "doc": "旧版 Word (.doc)", "docx": "Word (.docx)", "zip": "ZIP 压缩包", "html": "网页 (HTML)"}
    raise ReadError(f"{path}：暂不支持读取{names[kind]}文件，请先转换为文本")
