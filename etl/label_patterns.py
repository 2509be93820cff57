"""How a template label is found in a report's text: its phrases with any spacing, any
kind of quotes and its numbering optional or required, as the template declares them."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from etl.template import VERSIONS, Anchor, Row, tables

_QUOTES = "“”\"'‘’「」『』"
_GAP = r"[ \u3000\r]*"


def _flexible(core: str) -> str:
    """A regex for a label that tolerates spaces inside it and any kind of quotes."""
    parts = []
    for char in core:
        if char in _QUOTES:
            parts.append(f"[{re.escape(_QUOTES)}]?")
        elif char in "、，,":
            parts.append("[、，,]?")
        else:
            parts.append(re.escape(char))
    return _GAP.join(parts)


def _label_regex(cores: tuple[str, ...], prefix: str, prefix_required: bool) -> re.Pattern[str]:
    core = "|".join(_flexible(c) for c in cores)
    head = f"(?:{prefix}){_GAP}" if prefix else ""
    if head and not prefix_required:
        head = f"(?:{head})?"
    # A parenthesised note after the label (（区分处理的，只计这一情形…）) belongs to it.
    tail = rf"(?:{_GAP}[（(][^）)\d\t\n]{{0,40}}[）)])?"
    return re.compile(f"{head}(?:{core}){tail}")


_BLOCK_TITLE = re.compile(r"第\s*二\s*十\s*条\s*第\s*[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*项")


def is_block_title(text: str) -> bool:
    """Whether the text is a block title of table 二 (第二十条第（一）项)."""
    return bool(_BLOCK_TITLE.fullmatch(text.strip()))


@lru_cache(maxsize=8192)
def is_whole_label(text: str) -> bool:
    """Whether the text is, all of it, one row's label: a line that is a row of its own,
    never the wrapped part of another row's label. (Kept per text: every report of a
    layout asks it of the same label lines, and the question costs a hundred regexes.)"""
    text = text.strip()
    return any(pattern.fullmatch(text) for pattern in _row_patterns())


@cache
def _row_patterns() -> tuple[re.Pattern[str], ...]:
    """Every row's pattern in both template versions, each pattern once."""
    patterns = (row_pattern(row) for version in VERSIONS for table in tables(version) for row in table.rows)
    return tuple(dict.fromkeys(patterns))


@cache
def row_pattern(row: Row) -> re.Pattern[str]:
    return _label_regex(row.cores, row.prefix, row.prefix_required)


@cache
def anchor_pattern(anchor: Anchor) -> re.Pattern[str]:
    return _label_regex(anchor.cores, anchor.prefix, False)
