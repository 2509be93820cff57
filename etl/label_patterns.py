"""How a template label is found in a report's text: its phrases with any spacing, any
kind of quotes and its numbering optional or required, as the template declares them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class LabelPattern:
    """A label's regex and the characters any match of it begins with.

    A label's numbering is optional, so the regex has no fixed first character and
    Python's engine tries it at every position of the text; trying it only where one of
    its first characters stands finds the same matches in the same order, several times
    faster (the label searches were a sixth of reading a text report)."""

    regex: re.Pattern[str]
    starts: re.Pattern[str] | None  # None: any character may begin a match

    def finditer(self, text: str, low: int, high: int) -> Iterator[re.Match[str]]:
        """What ``regex.finditer(text, low, high)`` gives (no label matches empty)."""
        if self.starts is None:
            yield from self.regex.finditer(text, low, high)
            return
        position = low
        while (candidate := self.starts.search(text, position, high)) is not None:
            match = self.regex.match(text, candidate.start(), high)
            if match is None:
                position = candidate.start() + 1
            else:
                yield match
                position = max(match.end(), candidate.start() + 1)


def _first_of_prefix(prefix: str) -> str | None:
    """The characters the template's numbering regex can begin with: a literal or a
    bracket of literals (all the template uses); None for anything else."""
    if prefix.startswith("["):
        chars = prefix[1 : prefix.find("]")]
        return chars if chars and not set(chars) & set("\\^-[") else None
    return prefix[0] if prefix and prefix[0] not in "\\()[]{}.*+?^$|" else None


def _first_of_core(core: str) -> str | None:
    """The characters a flexible core can begin with: optional quotes and commas, the
    gap after them, and the first character that must be there (None: none must be)."""
    first = ""
    for char in core:
        if char in _QUOTES or char in "、，,":
            first += (_QUOTES if char in _QUOTES else "、，,") + " \u3000\r"
            continue
        return first + char
    return None


def _label_regex(cores: tuple[str, ...], prefix: str, prefix_required: bool) -> LabelPattern:
    pattern = _label_source(cores, prefix, prefix_required)
    numbering = _first_of_prefix(prefix) if prefix else ""
    heads = [numbering] if prefix and prefix_required else [numbering, *(_first_of_core(core) for core in cores)]
    if any(head is None for head in heads) or not "".join(h for h in heads if h):
        return LabelPattern(pattern, None)  # a match may begin anywhere: the regex alone
    first = sorted(set("".join(h for h in heads if h)))
    return LabelPattern(pattern, re.compile("[" + "".join(re.escape(char) for char in first) + "]"))


def _label_source(cores: tuple[str, ...], prefix: str, prefix_required: bool) -> re.Pattern[str]:
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
    return any(pattern.regex.fullmatch(text) for pattern in _row_patterns())


@cache
def _row_patterns() -> tuple[LabelPattern, ...]:
    """Every row's pattern in both template versions, each pattern once."""
    patterns = (row_pattern(row) for version in VERSIONS for table in tables(version) for row in table.rows)
    return tuple(dict.fromkeys(patterns))


@cache
def row_pattern(row: Row) -> LabelPattern:
    return _label_regex(row.cores, row.prefix, row.prefix_required)


@cache
def anchor_pattern(anchor: Anchor) -> LabelPattern:
    return _label_regex(anchor.cores, anchor.prefix, False)
