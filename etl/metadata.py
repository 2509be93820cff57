"""Who published a report, which year it covers, and when it was signed.

The title line names the agency and year; the dated signature at the end gives the
publication date; crawler headers (标题, 发布时间) stand in where the page lost them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from etl.document import Cell, SourceDocument
from etl.values import normalise

_CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "Ｏ": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_YEAR = "[〇○零Ｏ一二三四五六七八九]{4}"
_TITLE_TAIL = r"\s*年\s*度?\s*(?:的)?\s*(?:政府)?\s*信\s*息\s*公\s*开\s*(?:工\s*作)?\s*(?:年\s*度)?\s*(?:工作)?\s*报\s*告"
_AGENCY_FIRST = re.compile(rf"(?P<agency>[^\s，。；：:]{{2,60}}?)\s*(?:关于)?\s*(?P<year>\d{{4}}|{_CN_YEAR}){_TITLE_TAIL}")
_YEAR_FIRST = re.compile(
    rf"(?P<year>\d{{4}}|{_CN_YEAR})\s*年\s*度?\s*(?P<agency>[^\s，。；：:\d]{{2,60}}?)\s*(?:政府)?信息公开(?:工作)?年度报告"
)
_PERIOD = re.compile(r"统计期限[^0-9]{0,6}(\d{4})\s*年")
_DATE = re.compile(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
_CN_DATE = re.compile(rf"({_CN_YEAR})\s*年\s*([一二三四五六七八九十]{{1,3}})\s*月\s*([一二三四五六七八九十]{{1,3}})\s*日")


@dataclass(frozen=True)
class Metadata:
    agency: str | None
    year: int | None
    published: date | None
    agency_from: str  # "title", "signature", "file name", "folder" or "" when unknown
    year_from: str = "title"  # "title", "body", "file name", "folder" or "" when unknown
    published_from: str = ""  # "page" (the page's 发布日期), "signature" (the closing date) or ""


def read_metadata(document: SourceDocument) -> Metadata:
    head = _row_texts(document.rows, 15)
    tail = _row_texts(reversed(document.rows), 8)[::-1]  # the signature and closing date
    title = document.meta.get("标题", "")
    joined = ["".join(head[i : i + 2]) for i in range(len(head))]  # titles wrapped onto two lines
    agency, year = _from_title([normalise(title), *head, *joined])
    agency_from = "title" if agency else ""
    signature = _signature(tail)
    if not agency and signature:
        agency, agency_from = signature, "signature"
    if not agency:
        agency, agency_from = _agency_from_path(document.path)
    year_from = "title" if year is not None else ""
    if year is None:
        year, year_from = _year_from_body(_row_texts(document.rows)), "body"
    if year is None:
        year, year_from = _year_from_path(document.path)
    published, published_from = _page_date(document.meta, head), "page"
    if published is None:
        published, published_from = _published(tail) or _closing_date(tail), "signature"
    return Metadata(agency, year, published, agency_from, year_from, published_from if published else "")


def _row_texts(rows: Iterable[list[Cell]], most: int | None = None) -> list[str]:
    """The rows' texts that are not empty, normalised, the first ``most`` of them (the
    title is at the top and the signature at the end: the rest is asked for only when
    the title has no year)."""
    texts: list[str] = []
    for row in rows:
        text = normalise(" ".join(cell.text for cell in row)).strip()
        if text:
            texts.append(text)
            if most is not None and len(texts) == most:
                break
    return texts


_PAGE_DATE = re.compile(r"(?:发布|公开|发文)(?:日期|时间)\s*[:：]\s*(\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2})")


def _page_date(meta: dict[str, str], head: list[str]) -> date | None:
    """The date the page says it was published (a CMS header's 发布日期, a crawler's
    发布时间), which is when the public could read it; the signature is only when it was
    signed."""
    for name in ("发布时间", "发布日期"):
        found = _parse_date(meta.get(name, ""))
        if found:
            return found
    for text in head:
        match = _PAGE_DATE.search(text)
        if match:
            return _parse_date(match.group(1))
    return None


def _from_title(lines: list[str]) -> tuple[str | None, int | None]:
    for pattern in (_AGENCY_FIRST, _YEAR_FIRST):
        for line in lines:
            match = pattern.search(line)
            agency = match.group("agency") if match else ""
            if match and not re.search(r"\d{4}", agency) and agency not in ("政府", "人民政府", "本机关"):
                return _clean_agency(agency), _year(match.group("year"))
    return None, None


def _clean_agency(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    name = re.sub(r"^(?:标题|题目)[:：]", "", name)
    return name.strip("《》“”\"'（）() ")


def _year(text: str) -> int:
    if text.isdigit():
        return int(text)
    return int("".join(str(_CN_DIGITS[ch]) for ch in text))


def _year_from_body(texts: list[str]) -> int | None:
    for text in texts:
        match = _PERIOD.search(text)
        if match:
            return int(match.group(1))
    return None


def _signature(texts: list[str]) -> str | None:
    """The agency line printed just above the closing date."""
    tail = texts[-8:]
    for index in range(len(tail) - 1, 0, -1):
        if _DATE.fullmatch(tail[index]) or _CN_DATE.fullmatch(tail[index]):
            candidate = re.sub(r"\s+", "", tail[index - 1])
            if 2 <= len(candidate) <= 40 and not re.search(r"[。，；：\d]", candidate):
                return candidate
    return None


def _published(texts: list[str]) -> date | None:
    """The last date printed on its own at the end of the report."""
    for text in reversed(texts[-8:]):
        squeezed = re.sub(r"\s+", "", text)
        if len(squeezed) > 40:
            continue
        found = _parse_date(squeezed)
        if found:
            return found
    return None


def _closing_date(texts: list[str]) -> date | None:
    """A date that ends the text, for pages whose lines were run together."""
    if not texts:
        return None
    tail = re.sub(r"\s+", "", texts[-1])[-30:]
    match = re.search(r"(\d{4}年\d{1,2}月\d{1,2}日)$", tail) or _CN_DATE.search(tail)
    return _parse_date(match.group(0)) if match else None


def _parse_date(text: str) -> date | None:
    match = _DATE.search(text)
    try:
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _CN_DATE.search(text)
        if match:
            return date(_year(match.group(1)), _cn_number(match.group(2)), _cn_number(match.group(3)))
    except ValueError:
        return None
    return None


def _cn_number(text: str) -> int:
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return _CN_DIGITS[text]


#: How an agency's name ends; a file or folder named like this is taken as the agency.
_AGENCY_ENDING = re.compile(
    r"(?:人民政府|政府|办公厅|办公室|委员会|管委会|办事处|局|厅|委|院|署|中心|街道|镇|乡|综合实验区|新区)$"
)
_PATH_NOISE = re.compile(
    r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年?度?|政府信息公开(?:工作)?(?:年度)?(?:报告|年报)|信息公开|年度报告|年报|报告|[_\-—·.\s（）()【】\[\]]+"
)


def _agency_from_path(path: str) -> tuple[str | None, str]:
    """Agencies often name the file, or the folder of their reports, after themselves;
    used only when the report itself names no agency."""
    file = Path(path)
    stem = file.stem
    match = _AGENCY_FIRST.search(stem) or _YEAR_FIRST.search(stem)
    if match:
        return _clean_agency(match.group("agency")), "file name"
    for candidate, source in ((stem, "file name"), (file.parent.name, "folder")):
        name = _PATH_NOISE.sub("", candidate)
        if 3 <= len(name) <= 40 and _AGENCY_ENDING.search(name) and re.fullmatch(r"[\u4e00-\u9fff（）]+", name):
            return name, source
    return None, ""


def _year_from_path(path: str) -> tuple[int | None, str]:
    file = Path(path)
    for candidate, source in ((file.stem, "file name"), (file.parent.name, "folder")):
        match = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", candidate)
        if match:
            return int(match.group(1)), source
    return None, ""
