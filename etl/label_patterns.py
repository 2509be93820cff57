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


def _split_prefix(prefix: str) -> tuple[str, str] | None:
    """The characters the template's numbering regex can begin with (a literal or a
    bracket of literals, all the template uses) and the regex of the rest of it; None for
    anything else."""
    if "|" in prefix:
        return None
    if prefix.startswith("["):
        close = prefix.find("]")
        if close < 0:
            return None
        chars, rest = prefix[1:close], prefix[close + 1 :]
        if not chars or set(chars) & set("\\^-["):
            return None
    elif prefix and prefix[0] not in "\\()[]{}.*+?^$|":
        chars, rest = prefix[0], prefix[1:]
    else:
        return None
    return None if rest[:1] in ("*", "+", "?", "{") else (chars, rest)


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
    return LabelPattern(_label_source(cores, prefix, prefix_required), _starts(cores, prefix, prefix_required))


def _starts(cores: tuple[str, ...], prefix: str, prefix_required: bool) -> re.Pattern[str] | None:
    """Where a match can begin (None: anywhere). A label's own first characters, and the
    numbering's only where the rest of the numbering and a label's first character follow:
    most of a table's "1"s and "（"s begin a number or a note, not a label, and each one
    tried was a trip through Python. Every alternative begins with a literal, so the regex
    engine still skips ahead to the next of those characters in C."""
    heads = [_first_of_core(core) for core in cores]
    core_first = "" if None in heads else "".join(sorted(set("".join(head or "" for head in heads))))
    alternatives = []
    if prefix:
        split = _split_prefix(prefix)
        if split is None:
            return None
        chars, rest = split
        label = f"[{re.escape(core_first)}]" if core_first else ""
        alternatives += [f"{re.escape(char)}(?={rest}{_GAP}{label})" for char in chars]
    if not (prefix and prefix_required):
        if not core_first:
            return None
        alternatives += [re.escape(char) for char in core_first]
    return re.compile("|".join(alternatives))  # never empty: a numbering's characters, or a label's


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
