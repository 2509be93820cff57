"""Where a name is: China's administrative divisions, found in an agency's name.

Agencies name themselves by their place (株洲市审计局, 湖南省株洲市醴陵市公安局), so the
places in a name, read left to right, narrow down to one division: each place must lie
within the one before it. A name whose places fit several divisions (鼓楼区 is in four
cities) is returned with every candidate, and the caller says it is uncertain. The table
and its source are described in ``etl/data/README.md``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: Functional zones whose names are not divisions, and the division they govern.
ZONES = {"平潭综合实验区": "350128"}

#: Two-character names (和县, 城区) are only taken at the start of a name or right after
#: a place that contains them, where they cannot be part of another word.
_SHORT = 2


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # 省 / 市 / 县
    parent: str | None


@dataclass(frozen=True)
class PlaceMatch:
    """A run of place names at the start of ``text[start:end]`` and what they can be."""

    start: int
    end: int
    candidates: tuple[Division, ...]


def _table_text() -> str:
    return (resources.files("etl") / "data" / "divisions.csv").read_text(encoding="utf-8")


@cache
def divisions() -> dict[str, Division]:
    rows = csv.DictReader(io.StringIO(_table_text()))
    return {row["code"]: Division(row["code"], row["name"], row["level"], row["parent"] or None) for row in rows}


@cache
def fingerprint() -> str:
    """Changes when the table or the zones change, so agencies placed with an older one
    are placed again."""
    return hashlib.sha256((_table_text() + repr(sorted(ZONES.items()))).encode("utf-8")).hexdigest()[:16]


@cache
def _by_name() -> dict[str, tuple[Division, ...]]:
    found: dict[str, list[Division]] = {}
    for division in divisions().values():
        found.setdefault(division.name, []).append(division)
    for zone, code in ZONES.items():
        found.setdefault(zone, []).append(divisions()[code])
    return {name: tuple(items) for name, items in found.items()}


@cache
def _lengths() -> tuple[int, ...]:
    return tuple(sorted({len(name) for name in _by_name()}, reverse=True))


def ancestors(division: Division) -> list[Division]:
    """The division and the ones containing it, from the province down."""
    chain = [division]
    while chain[0].parent:
        chain.insert(0, divisions()[chain[0].parent])
    return chain


def find_places(text: str) -> PlaceMatch | None:
    """The places a name starts with (after any prefix), narrowed to the divisions that
    contain one another; None when no place is found."""
    names = _by_name()
    position, start, end = 0, -1, -1
    current: tuple[Division, ...] = ()
    while position < len(text):
        found = next(
            (
                text[position : position + n]
                for n in _lengths()
                if text[position : position + n] in names and (n > _SHORT or position in (0, end))
            ),
            None,
        )
        if found is None:
            if current and position >= end:
                break  # places come together; the rest of the name is the body
            position += 1
            continue
        narrowed = _within(names[found], current)
        if not narrowed:
            break  # a place that does not lie within the previous one belongs to the body's name
        current, position = narrowed, position + len(found)
        start = start if start >= 0 else position - len(found)
        end = position
    if not current:
        return None
    if start > 0:  # 重庆两江新区, 湖南株洲市: a province's or city's short name before the place
        lead = tuple(c for c in current if any(d in ancestors(c) for d in _short_names().get(text[:start], ())))
        if lead:
            return PlaceMatch(0, end, lead)
    return PlaceMatch(start, end, current)


def _within(candidates: tuple[Division, ...], previous: tuple[Division, ...]) -> tuple[Division, ...]:
    if not previous:
        return candidates
    inside = tuple(c for c in candidates if any(p in ancestors(c) for p in previous))
    return inside or tuple(p for p in previous if p in candidates)  # 北京市北京市: the same place twice


_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市", "地区", "盟")


@cache
def _short_names() -> dict[str, tuple[Division, ...]]:
    """株洲 for 株洲市, 湖南 for 湖南省: provinces and prefecture-level cities only."""
    found: dict[str, list[Division]] = {}
    for division in divisions().values():
        if division.level == "县":
            continue
        short = next((division.name.removesuffix(s) for s in _SUFFIXES if division.name.endswith(s)), division.name)
        if len(short) >= 2:
            found.setdefault(short, []).append(division)
    return {name: tuple(items) for name, items in found.items()}


def place_by_short_name(text: str) -> Division | None:
    """The province or city whose short name a name starts with (株洲高新区 → 株洲市),
    for zones and parks that are not divisions; None when none or several fit."""
    for length in (4, 3, 2):
        found = _short_names().get(text[:length])
        if found:
            return found[0] if len(found) == 1 else None
    return None


def child_by_short_name(parents: tuple[Division, ...], short: str) -> Division | None:
    """The one division inside ``parents`` whose name is ``short`` plus a suffix
    (北京市 + 西城 → 西城区), for branches named 西城分局; None when none or several fit."""
    codes = {p.code for p in parents}
    found = [
        d
        for d in divisions().values()
        if d.parent in codes and d.name.startswith(short) and d.name[len(short) :] in ("区", "县", "市", "旗", "新区", "自治县")
    ]
    return found[0] if len(found) == 1 else None
