"""Turning the text of one table cell into a number, the way reports print them.

Reports print full-width digits, thousands separators, units (元/万元/件), signs on
本年增/减, and blanks or dashes that mean zero. Every reading keeps its raw text and says
how it was read, so a number in the warehouse can be traced and the odd ones counted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from etl.template import COUNT_UNITS, CellKind

ReadAs = Literal["number", "blank", "dash", "recovered", "unreadable"]

DASHES = frozenset({"-", "--", "—", "——", "–", "－", "/", "／", "\\", "无", "―", "一一", "‐"})
_COUNT_UNITS = rf"(?:{'|'.join(COUNT_UNITS)})?"
_GROUPED = r"\d{1,3}(?:,\d{3})+"
_NUMBER = rf"(?:{_GROUPED}|\d+)(?:\.\d+)?"
_SPACES = re.compile(r"\s+")
_COUNT = re.compile(rf"({_NUMBER}){_COUNT_UNITS}")
_SIGNED = re.compile(rf"([+-]?)({_NUMBER}){_COUNT_UNITS}")
_MONEY = re.compile(rf"({_NUMBER})(万元|万|元|亿元|亿)?")
_SIGNED_WORDS = {"增加": 1, "新增": 1, "增": 1, "减少": -1, "减": -1}


class CellValueError(ValueError):
    """The text of a cell is not a number of the kind its column holds."""


@dataclass(frozen=True)
class CellValue:
    value: int | float
    read_as: ReadAs
    raw: str
    note: str = ""  # e.g. "unit assumed 万元"


def normalise(text: str) -> str:
    """Full-width to half-width, and the minus signs reports use to a plain '-'."""
    if text.isascii():  # most cells: NFKC leaves ASCII as it is, and the signs are not ASCII
        return text
    text = unicodedata.normalize("NFKC", text)
    return text.replace("−", "-").replace("－", "-").replace("﹣", "-")


def parse_cell(raw: str, kind: CellKind) -> CellValue:
    """Read one cell; a blank or a dash is zero, marked as such."""
    text = _SPACES.sub("", normalise(raw))
    if text == "":
        return CellValue(0, "blank", raw)
    if text in DASHES or raw.strip() in DASHES:
        return CellValue(0, "dash", raw)
    if kind == "money":
        return _parse_money(text, raw)
    if kind == "signed":
        return _parse_signed(text, raw)
    match = _COUNT.fullmatch(text)
    if not match:
        raise CellValueError(f"「{raw.strip()}」不是一个数字")
    return CellValue(_to_number(match.group(1)), "number", raw)


def _parse_signed(text: str, raw: str) -> CellValue:
    sign = 1
    for word, word_sign in _SIGNED_WORDS.items():
        if text.startswith(word):
            sign, text = word_sign, text[len(word) :]
            break
    match = _SIGNED.fullmatch(text)
    if not match:
        raise CellValueError(f"「{raw.strip()}」不是一个带符号的数字")
    value = _to_number(match.group(2))
    if match.group(1) == "-":
        sign = -sign
    return CellValue(sign * value, "number", raw)


def _parse_money(text: str, raw: str) -> CellValue:
    match = _MONEY.fullmatch(text)
    if not match:
        raise CellValueError(f"「{raw.strip()}」不是一个金额")
    amount = float(match.group(1).replace(",", ""))
    unit = match.group(2)
    note = ""
    if unit in ("元",):
        amount = amount / 10_000
    elif unit in ("亿元", "亿"):
        amount = amount * 10_000
    elif unit is None:
        note = "金额未注明单位，按万元计"
    return CellValue(round(amount, 6), "number", raw, note)


def _to_number(text: str) -> int | float:
    plain = text.replace(",", "")
    number = float(plain)
    return int(number) if number.is_integer() and "." not in plain else number


# ---- Run-together cells ---------------------------------------------------------------

_PIECE = {
    "count": re.compile(r"0|[1-9]\d*"),
    "signed": re.compile(r"[+-]?(?:0|[1-9]\d*)"),
    "money": re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?"),
}


def is_single_piece(text: str, kind: CellKind) -> bool:
    """Whether a digit run can stand for exactly one cell of this kind as printed."""
    return bool(_PIECE[kind].fullmatch(text))


Sum = tuple[int, tuple[int, ...]]  # (index of a total, indices of its parts), parts before it


def splits(text: str, kinds: tuple[CellKind, ...], limit: int = 200_000, sums: tuple[Sum, ...] = ()) -> list[tuple[str, ...]]:
    """Every way to cut a run of digits into one well-formed number per column.

    Numbers never start with a 0 unless they are 0, so '000' can only be 0,0,0 and
    '693665' has many readings. ``sums`` are the row's own identities: a total is
    checked as soon as it is placed, and a total is never shorter than the sum of its
    parts placed so far, which keeps long runs of a big agency's digits quick to search.
    A count that is a total can only be its parts' sum as written, so that one cut is
    tried, not every length.
    """
    found: list[tuple[str, ...]] = []
    total_at = {total: parts for total, parts in sums}
    longest_part_for = {part: total for total, parts in sums for part in parts}
    counts = {total for total, parts in sums if all(kinds[i] == "count" for i in (total, *parts))}
    placed_parts = {
        part: tuple(i for i in total_at[total] if i < part) if total in counts else () for part, total in longest_part_for.items()
    }
    patterns = [_PIECE[kind] for kind in kinds]
    size, columns = len(text), len(kinds)

    def walk(start: int, index: int, acc: tuple[str, ...]) -> None:
        if len(found) >= limit:
            return
        if index == columns:
            if start == size:
                found.append(acc)
            return
        remaining = columns - index - 1
        parts = total_at.get(index)
        if parts is not None and kinds[index] == "count":
            piece = str(sum(int(acc[i]) for i in parts))
            end = start + len(piece)
            if end > size - remaining or not text.startswith(piece, start):
                return
            total = longest_part_for.get(index)
            if total is not None and size - end < (total - index - 1) + len(piece):
                return
            walk(end, index + 1, (*acc, piece))
            return
        pattern = patterns[index]
        total = longest_part_for.get(index)
        placed = sum(int(acc[i]) for i in placed_parts[index]) if total is not None else 0
        for end in range(start + 1, size - remaining + 1):
            piece = text[start:end]
            if not pattern.fullmatch(piece):
                continue
            if parts is not None and int(piece) != sum(int(acc[i]) for i in parts):
                continue
            if total is not None and size - end < (total - index - 1) + len(str(placed + int(piece))):
                break  # what is left is too short for a total at least as long as its parts' sum so far
            walk(end, index + 1, (*acc, piece))

    walk(0, 0, ())
    return found
