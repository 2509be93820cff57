"""Extracted-text reports (.txt): decoding, and the tab-led cell layout of text extractors.

In the layout of text extractors each table cell is a line led by a tab, a blank line
ends a table row, and a line without a tab right after a cell is that cell's wrapped
text. Other lines are paragraphs; a paragraph holding tabs is a row of cells.
"""

from __future__ import annotations

import codecs
import re

from etl.document import Cell, ReadError, SourceDocument, made_from_fields

_CRAWLER_FIELDS = ("标题", "发布时间", "发布机构", "原文链接")
_HEADING = re.compile(r"\s*[一二三四五六七八九十]+\s*[、.．]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # control characters but tab, newline, form feed and return


def decode(data: bytes, path: str) -> str:
    """Decode a text report: BOMs first, then UTF-8, UTF-16 without BOM, GB18030."""
    if not data.strip():
        raise ReadError(f"{path}：文件是空的")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _checked(_decode_or_none(data, encoding), path)
    if b"\x00" in data:
        for encoding in ("utf-16-le", "utf-16-be"):
            text = _decode_or_none(data, encoding)
            if text is not None and _looks_like_text(text):
                return text
        raise ReadError(f"{path}：这是一个二进制文件，不是文本报告")
    text = _decode_or_none(data, "utf-8")
    if text is None:
        text = _decode_or_none(data, "gb18030")
    return _checked(text, path)


def _decode_or_none(data: bytes, encoding: str) -> str | None:
    """Decode strictly, forgiving only a character cut in half at the very end (truncation)."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3 and error.reason in (
            "unexpected end of data",
            "incomplete multibyte sequence",
            "truncated data",
        ):
            return data[: error.start].decode(encoding, errors="strict")
        return None


def _looks_like_text(text: str) -> bool:
    """UTF-16 without a BOM: right only if the result is mostly Chinese, ASCII and punctuation."""
    sample = text[:4000]
    plausible = sum(1 for ch in sample if ch.isprintable() or ch in "\t\r\n")
    common = sum(1 for ch in sample if ord(ch) < 0x7F or 0x3000 <= ord(ch) <= 0x9FFF or 0xFF00 <= ord(ch) <= 0xFFEF)
    return plausible > 0.97 * len(sample) and common > 0.9 * len(sample)


def _checked(text: str | None, path: str) -> str:
    if text is None:
        raise ReadError(f"{path}：无法识别文件的文字编码，可能是二进制文件或已损坏，不是可读的文本报告")
    control = len(_CONTROL.findall(text, 0, 5000))
    if control > len(text[:5000]) // 20:
        raise ReadError(f"{path}：这是一个二进制文件，不是文本报告")
    return text


def read_text(text: str, path: str) -> SourceDocument:
    """Lay out decoded text as rows of cells."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows: list[list[Cell]] = []
    table_row: list[Cell] | None = None  # the row of tab-led cells being collected
    meta: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("\t"):
            if table_row is None:
                table_row = []
                rows.append(table_row)
            where, after_tab = f"第{number}行", line[1:]
            if "\t" in after_tab:
                table_row.extend(
                    [made_from_fields(Cell, (part.strip(), where, None, "", None)) for part in after_tab.split("\t")]
                )
            else:  # most lines: one cell
                table_row.append(made_from_fields(Cell, (after_tab.strip(), where, None, "", None)))
            continue
        if not line or line.isspace():
            table_row = None
            continue
        if table_row and table_row[-1].text and not _HEADING.match(line):  # wrapped cell text
            last = table_row[-1]
            table_row[-1] = Cell(last.text + line.strip(), last.location)
            continue
        _read_crawler_field(line, meta)
        where = f"第{number}行"
        rows.append([made_from_fields(Cell, (part.strip(), where, None, "", None)) for part in line.split("\t")])
    return SourceDocument(path, "txt", rows, meta)


def _read_crawler_field(line: str, meta: dict[str, str]) -> None:
    """Crawlers put fields such as 发布时间 above the page text; keep the first of each."""
    if not line.startswith(_CRAWLER_FIELDS):
        return
    for name in _CRAWLER_FIELDS:
        for colon in (":", "："):
            if line.startswith(name + colon) and name not in meta:
                meta[name] = line[len(name) + 1 :].strip()
