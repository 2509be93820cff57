"""The report's six parts (一、总体情况 … 六、其他需要报告的事项) as text, and whether it
speaks for the body alone or for its whole area.

The annual review reads them: which parts a report has, whether part 五 says anything,
whether part 六 says if 信息处理费 was charged, how much repeats last year's report.
Crawled pages run every line together, so headings are found anywhere in the text, in
order, and never as a table's own row (（一）…, 一、本年新收… are not part headings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The parts every report has, by the numeral of its heading: the template's heading, the
#: words that recognise it (agencies reword them: 五、政府信息公开工作存在的主要问题…) and
#: the rest of the heading after them, which is not part of the text.
PARTS: dict[int, tuple[str, str, str]] = {
    1: ("总体情况", r"总体情况|概述|基本情况", r""),
    2: ("主动公开政府信息情况", r"主动公开", r"(?:政府)?(?:信息)?(?:公开)?(?:工作)?情况"),
    3: ("收到和处理政府信息公开申请情况", r"收到和处理|依申请", r"(?:政府信息公开)?(?:申请)?(?:的)?(?:办理)?(?:公开)?情况"),
    4: ("政府信息公开行政复议、行政诉讼情况", r"行政复议|行政诉讼", r"(?:[、和及]行政诉讼)?(?:情况)?"),
    5: ("存在的主要问题及改进情况", r"问题|改进", r"(?:[及和与、]?(?:改进|整改)(?:情况|措施))?"),
    6: ("其他需要报告的事项", r"其他需要报告|其他需报告|其他事项", r"(?:的)?(?:事项)?"),
}
NUMERALS = "一二三四五六"
#: The parts that are narrative (二 to 四 are the tables).
NARRATIVE_PARTS = (1, 5, 6)


def _spaced(pattern: str) -> str:
    """The pattern with room for whitespace between its characters: a PDF line breaks
    inside a heading (五、存在的主要问题及改进 / 情况)."""
    pieces = re.split(r"(\[[^\]]*\])", pattern)  # never inside a character class
    return "".join(
        piece if piece.startswith("[") else re.sub(r"(?<=[\u4e00-\u9fff)?])(?=[\u4e00-\u9fff(])", r"\\s*", piece)
        for piece in pieces
    )


_HEADINGS = {
    number: re.compile(
        rf"(?<![（(一二三四五六七八九十])[{NUMERALS[number - 1]}]\s*[、.．]\s*[^。；，]{{0,14}}?(?:{_spaced(words)})"
        rf"{_spaced(tail)}"
    )
    for number, (_, words, tail) in PARTS.items()
}
#: A sentence stating figures for a whole area (全市共受理…, 全区共收到…, 全县实际收取…).
_AREA = re.compile(
    r"全(?:省|市|县|区|州|盟|旗)(?:各级|各地|各部门|各单位|政府系统|范围内)?[^，。；]{0,8}?(?:共|累计|合计)?"
    r"(?:新?收到|受理|新收|办理|办结|收取|答复)"
)
_SENTENCE_END = "。；\n"
#: The signature closing the last part: the body's name on a line, then the date.
_SIGNATURE = re.compile(r"(?:\n[^\n。，；：]{2,40})?\n\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年[^\n]{1,8}日\s*$")


@dataclass(frozen=True)
class Part:
    number: int
    heading: str  # as printed
    text: str  # the part's words outside the tables, whitespace squeezed
    offset: int  # where the heading stands in the document text
    location: str = ""  # the same in words (第 2 页…), for a reader


def read_parts(text: str, spans: list[tuple[int, int]]) -> list[Part]:
    """The parts found, in order; a part whose heading is missing is left out. The
    tables' headings (parts 二 to 四) stand at their tables' starts when the heading
    words were lost."""
    found: list[tuple[int, int, int]] = []  # number, heading start, heading end
    position = 0
    for number, pattern in _HEADINGS.items():
        match = pattern.search(text, position)
        if match is None:
            continue
        found.append((number, match.start(), match.end()))
        position = match.end()
    parts = []
    for index, (number, start, end) in enumerate(found):
        stop = found[index + 1][1] if index + 1 < len(found) else len(text)
        body = _outside(text, end, stop, spans)
        if index + 1 == len(found):
            body = _SIGNATURE.sub("", body)
        heading = re.sub(r"\s+", "", text[start:end])
        parts.append(Part(number, heading, _squeeze(body), start))
    return parts


def _outside(text: str, start: int, stop: int, spans: list[tuple[int, int]]) -> str:
    pieces, position = [], start
    for span_start, span_end in sorted(spans):
        if span_end <= position or span_start >= stop:
            continue
        pieces.append(text[position : max(position, span_start)])
        position = max(position, span_end)
    pieces.append(text[position:stop] if position < stop else "")
    return "".join(pieces)


def _squeeze(text: str) -> str:
    return re.sub(r"[ \t\u3000\xa0]+", " ", re.sub(r"\s*\n\s*", "\n", text)).strip()


def area_sentence(parts: list[Part]) -> str | None:
    """The first sentence of the narrative that states figures for the whole area, which
    makes the report an aggregate (全市、全县…) rather than the body's own (本级)."""
    for part in parts:
        if part.number not in NARRATIVE_PARTS:
            continue
        match = _AREA.search(part.text)
        if match:
            return sentence_around(part.text, match.start(), match.end())
    return None


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding ``text[start:end]``, on one line, at most about 120 characters."""
    left = max((text.rfind(mark, 0, start) for mark in _SENTENCE_END), default=-1) + 1
    rights = [found for found in (text.find(mark, end) for mark in _SENTENCE_END) if found != -1]
    right = min(rights) + 1 if rights else len(text)
    left = max(left, start - 80)
    right = min(right, end + 100)
    return re.sub(r"\s+", "", text[left:right])
