"""Figures a report states in its own words (本年新收政府信息公开申请3119件), read from the
narrative around the tables.

They never fill a cell: the tables are the record. A statement confirms a cell, chooses
among readings of run-together digits that the identities leave open (only the firmest
phrases do that), or, where it disagrees with the table, becomes a warning that quotes
it. Only phrases whose meaning is clear count (收到N件 may mean new requests or all of
them, so it does not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.values import normalise

_N = r"(?P<n>\d[\d,，]*)"
_UNIT = r"(?:件|起|宗)"


@dataclass(frozen=True)
class Phrase:
    pattern: re.Pattern[str]
    keys: tuple[str, ...]  # the cells whose sum the phrase states
    firm: bool  # firm enough to choose among readings, not only to confirm or warn


PHRASES: tuple[Phrase, ...] = (
    Phrase(
        re.compile(rf"本年(?:度)?新收(?:到)?(?:各类)?(?:政府信息公开)?申请(?:共|共计|总计|合计)?{_N}{_UNIT}"),
        ("requests.new_received.total",),
        True,
    ),
    Phrase(
        re.compile(rf"(?:全年|本年|共)受理(?:各类)?(?:政府信息公开)?申请(?:共|共计)?{_N}{_UNIT}"),
        ("requests.new_received.total",),
        False,
    ),
    Phrase(
        re.compile(rf"上年(?:度)?结转(?:的)?(?:政府信息公开)?申请(?:共|共计)?{_N}{_UNIT}"), ("requests.carried_over.total",), True
    ),
    Phrase(re.compile(rf"(?<!不)予以公开{_N}{_UNIT}"), ("requests.granted.total",), True),
    Phrase(re.compile(rf"(?:办结|答复)(?:政府信息公开申请)?(?:共|共计)?{_N}{_UNIT}"), ("requests.total_processed.total",), False),
    Phrase(re.compile(rf"结转(?:至|到)?下(?:一)?年度(?:继续办理)?{_N}{_UNIT}"), ("requests.carried_forward.total",), True),
    Phrase(re.compile(rf"{_N}{_UNIT}(?:申请)?(?:结转|顺延)(?:至|到)?下(?:一)?年度"), ("requests.carried_forward.total",), False),
    Phrase(re.compile(rf"(?:政府信息公开)?行政复议(?:案件|申请)?(?:共|共计)?{_N}{_UNIT}"), ("appeals.review.total",), True),
    Phrase(
        re.compile(rf"(?:政府信息公开)?行政诉讼(?:案件)?(?:共|共计)?{_N}{_UNIT}"),
        ("appeals.suit_direct.total", "appeals.suit_after_review.total"),
        False,
    ),
)


@dataclass(frozen=True)
class Statement:
    keys: tuple[str, ...]
    value: int
    sentence: str
    offset: int  # where in the document text the figure stands
    firm: bool


def find_statements(text: str, spans: list[tuple[int, int]]) -> list[Statement]:
    """Clear statements in ``text`` outside the table ``spans``. Lines and spaces inside a
    phrase are ignored (PDF lines break mid-sentence); a figure stated twice with
    different numbers is not clear, so neither counts."""
    raw, plain, where = _squeeze(text, spans)
    found: dict[tuple[str, ...], list[Statement]] = {}
    for phrase in PHRASES:
        for match in phrase.pattern.finditer(plain):
            value = int(match.group("n").replace(",", "").replace("，", ""))
            sentence = _sentence(raw, match.start(), match.end())
            statement = Statement(phrase.keys, value, sentence, where[match.start("n")], phrase.firm)
            found.setdefault(phrase.keys, []).append(statement)
    return [items[0] for items in found.values() if len({item.value for item in items}) == 1]


def _squeeze(text: str, spans: list[tuple[int, int]]) -> tuple[str, str, list[int]]:
    """The narrative without white space (each table cut out, leaving a sentence break),
    as printed and normalised character for character, with each character's offset."""
    raw: list[str] = []
    plain: list[str] = []
    where: list[int] = []
    position = 0
    for start, end in [*sorted(spans), (len(text), len(text))]:
        for run in _WORDS.finditer(text, position, max(position, start)):
            word = run.group()
            raw.append(word)
            plain.append(word if word.isascii() else word.translate(_FOLDED))
            where.extend(range(run.start(), run.end()))
        raw.append("。")
        plain.append("。")
        where.append(max(min(start, len(text) - 1), 0))
        position = max(position, end)
    return "".join(raw), "".join(plain), where


_WORDS = re.compile(r"\S+")


def _folded(char: str) -> str:
    """One character normalised, where that keeps it one character (offsets stay true)."""
    folded = normalise(char)
    return folded if len(folded) == 1 else char


class _FoldedTable(dict[int, str]):
    """``_folded`` of each character as ``str.translate`` asks it (by code point), worked
    out the first time a character is asked: the narrative is folded character by
    character, a few thousand a report, and translating looks each one up in C."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _folded(chr(code))
        return folded


_FOLDED = _FoldedTable()


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around a match, as the report prints it (without line breaks)."""
    marks = "。；;！!"
    left = max(text.rfind(mark, 0, start) for mark in marks)
    rights = [index for mark in marks if (index := text.find(mark, end)) != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[left + 1 : right]
