"""Markdown from OCR and document-AI tools: pipe tables and paragraphs.

A table may be split into several, headers may be placeholders (数据1…数据6), page
footers may sit between rows; the recogniser copes with all of that as long as each
pipe row becomes a row of cells.
"""

from __future__ import annotations

import re

from etl.document import Cell, SourceDocument

_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def read_markdown(text: str, path: str) -> SourceDocument:
    rows: list[list[Cell]] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        stripped = line.strip()
        if not stripped or _SEPARATOR.match(stripped):
            continue
        where = f"第{number}行"
        if stripped.startswith("|"):
            inner = stripped[1:-1] if stripped.endswith("|") and len(stripped) > 1 else stripped[1:]
            rows.append([Cell(_plain(part), where) for part in inner.split("|")])
        else:
            rows.append([Cell(_plain(re.sub(r"^#+\s*", "", stripped)), where)])
    return SourceDocument(path, "md", rows, {})


def _plain(text: str) -> str:
    """Drop emphasis and escapes OCR tools add around cell text."""
    text = re.sub(r"<br\s*/?>", "", text.strip())
    return re.sub(r"[*_`]+|\\(?=[|*_\\-])", "", text).strip()
