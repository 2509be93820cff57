"""From the value tokens of each row to one number per cell, never guessing silently.

A row whose tokens match its columns one to one is read as printed. A row with one token
too many (text extractors add one) and a row whose digits ran together (crawler text)
have several readings; the template's identities choose between them. A cell is set
only when every reading that satisfies every identity gives it the same value;
otherwise it stays empty and an error says which readings remain.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from etl.document import made_from_fields
from etl.equations import Equation
from etl.recognise import Chunk
from etl.report import Problem
from etl.solver import solve
from etl.template import UNIT_WORDS, CellKind
from etl.values import CellValue, CellValueError, Sum, is_single_piece, parse_cell, splits

_UNITS = tuple(sorted(UNIT_WORDS, key=len, reverse=True))  # 万元 before 万 and 元
_MAX_READINGS = 20_000
_MAX_DIGITS_PER_CELL = 16  # 万元 with decimals included: no cell of a report prints more


class Piece(NamedTuple):
    """One cell's reading: its value and where its text starts (a named tuple, as ``Chunk``)."""

    value: CellValue
    offset: int
    tag: str = ""


Reading = tuple[Piece, ...]


@dataclass
class RowInput:
    keys: tuple[str, ...]
    kinds: tuple[CellKind, ...]
    chunks: list[Chunk]
    labelled: bool = False  # the label shares the values' line: no empty label cells before them
    scanned: bool = False  # read by OCR: one digit may be misread or lost


@dataclass
class Resolved:
    cells: dict[str, Piece | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unread: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> the row's raw text, offset


def readings(row: RowInput, local: Sequence[Equation] = ()) -> tuple[list[Reading], str]:
    """Every reading of a row's tokens, and how they were found (for the messages)."""
    chunks = list(row.chunks)
    width = len(row.keys)
    if len(chunks) == width:
        direct = _direct(chunks, row.kinds)
        if row.scanned and direct and local and not _satisfies(list(local), dict(zip(row.keys, direct[0], strict=True))):
            return direct + _scan_repairs(direct[0], row, local), "direct"
        return direct, "direct"
    if len(chunks) > width:
        return _trimmed(chunks, row.kinds, row.labelled)
    if len(chunks) < width:
        if sum(len(chunk.text) for chunk in chunks) > width * _MAX_DIGITS_PER_CELL:
            return [], "run_together"  # more digits than the row's cells could print: no reading to look for
        return _unique(list(_run_together(chunks, row.kinds, _row_sums(row, local)))), "run_together"
    return [], "too_many"


_SCAN_FIX = "scan fix"


def _scan_repairs(reading: Reading, row: RowInput, local: Sequence[Equation]) -> list[Reading]:
    """The reading of an OCR'd row whose sum fails that fills its one blank cell with what
    the row's sum needs (OCR drops lone digits: 1, 7). The identities across rows choose among them; a
    cell changed so is marked, and said in an error, since a report's own typo looks the same."""
    if sum(piece.value.read_as == "blank" for piece in reading) != 1:
        return []  # with several blanks the row's sum cannot say which one lost its digit
    values = dict(zip(row.keys, (float(piece.value.value) for piece in reading), strict=True))
    found: list[Reading] = []
    for eq in local:
        if len(eq.left) != 1 or any(row.kinds[row.keys.index(key)] != "count" for key in eq.keys):
            continue
        for key in eq.keys:
            if reading[row.keys.index(key)].value.read_as != "blank":
                continue  # OCR loses lone digits; a number it did read is left to the checks
            others = sum(values[part] for part in eq.right if part != key)
            needed = others if key == eq.left[0] else values[eq.left[0]] - others
            if needed < 0 or needed == values[key] or not float(needed).is_integer():
                continue
            index = row.keys.index(key)
            old = reading[index]
            note = f"文字识别读作「{old.value.raw or '空白'}」，按勾稽关系修正为 {int(needed)}"
            piece = Piece(CellValue(int(needed), "recovered", old.value.raw, note), old.offset, _SCAN_FIX)
            found.append((*reading[:index], piece, *reading[index + 1 :]))
    return found


def _trimmed(chunks: list[Chunk], kinds: tuple[CellKind, ...], labelled: bool) -> tuple[list[Reading], str]:
    """Readings of a row with surplus tokens: blank cells dropped at either end (empty label
    cells, an extra empty column), and at most one surplus value dropped where it repeats
    its neighbour. Readings
    that drop only blanks come first; ``resolve`` tries a dropped value only when none of
    them satisfies the identities."""
    excess = len(chunks) - len(kinds)
    plain: list[Reading] = []
    dropped: list[Reading] = []
    read: dict[tuple[int, CellKind], Piece | None] = {}  # the trims share their chunks
    for lead in range(1 if labelled else excess + 1):
        for trail in range(excess - lead + 1):
            inner = chunks[lead : len(chunks) - trail]
            if not all(chunk.blank for chunk in chunks[:lead] + chunks[len(chunks) - trail :]):
                continue
            positions = range(lead, len(chunks) - trail)
            if len(inner) == len(kinds):
                plain.extend(_direct_at(chunks, positions, kinds, read))
            elif len(inner) == len(kinds) + 1 and all(chunk.separated for chunk in inner):
                for drop in range(len(inner)):
                    # Leaving out the second of two equal tokens reads as leaving out the first.
                    if _duplicated(inner, drop) and not (drop and inner[drop - 1].text == inner[drop].text):
                        kept = [*positions[:drop], *positions[drop + 1 :]]
                        dropped.extend(_mark_dropped(_direct_at(chunks, kept, kinds, read)))
    if plain or dropped:
        return _unique(plain) + _unique(dropped), ("direct" if plain else "extra")
    return [], "too_many"


_DROPPED = "dropped"


def _duplicated(chunks: list[Chunk], index: int) -> bool:
    """Extractors repeat a cell beside itself; only such a repeat may be left out. Leaving
    out any other printed number could make a report whose own sums are wrong look right."""
    text = chunks[index].text
    neighbours = chunks[max(index - 1, 0) : index] + chunks[index + 1 : index + 2]
    return not chunks[index].blank and any(not other.blank and other.text == text for other in neighbours)


def _mark_dropped(found: list[Reading]) -> list[Reading]:
    """Tag readings that left out a printed value, so they rank after blank-only trims."""
    return [(*reading[:-1], Piece(reading[-1].value, reading[-1].offset, _DROPPED)) for reading in found]


def _row_sums(row: RowInput, local: Sequence[Equation]) -> tuple[Sum, ...]:
    """The row's identities as column positions, where a single total follows its parts."""
    found = []
    for eq in local:
        if len(eq.left) == 1 and all(row.kinds[row.keys.index(key)] == "count" for key in eq.keys):
            total = row.keys.index(eq.left[0])
            parts = tuple(row.keys.index(key) for key in eq.right)
            if all(part < total for part in parts):
                found.append((total, parts))
    return tuple(found)


def _read_chunk(chunk: Chunk, kind: CellKind) -> Piece:
    """One chunk as one cell, keeping the text exactly as the source printed it."""
    return made_from_fields(
        Piece, (_cell_value(chunk.raw if chunk.blank else chunk.text, chunk.raw.strip(), kind), chunk.offset, "")
    )


@lru_cache(maxsize=4096)
def _cell_value(text: str, raw: str, kind: CellKind) -> CellValue:
    value = parse_cell(text, kind)
    return CellValue(value.value, value.read_as, raw, value.note)


def _direct(chunks: list[Chunk], kinds: tuple[CellKind, ...]) -> list[Reading]:
    try:
        return [tuple([_read_chunk(chunk, kind) for chunk, kind in zip(chunks, kinds, strict=True)])]
    except CellValueError:
        return []


def _direct_at(
    chunks: list[Chunk], positions: Sequence[int], kinds: tuple[CellKind, ...], read: dict[tuple[int, CellKind], Piece | None]
) -> list[Reading]:
    """``_direct`` of the chunks at ``positions``, each chunk read once per kind."""
    pieces = []
    for position, kind in zip(positions, kinds, strict=True):
        if (position, kind) not in read:
            try:
                read[position, kind] = _read_chunk(chunks[position], kind)
            except CellValueError:
                read[position, kind] = None
        piece = read[position, kind]
        if piece is None:
            return []
        pieces.append(piece)
    return [tuple(pieces)]


def _unique(found: list[Reading]) -> list[Reading]:
    seen: dict[tuple[float | int, ...], Reading] = {}
    for reading in found:
        seen.setdefault(tuple(piece.value.value for piece in reading), reading)
    return list(seen.values())


def _run_together(chunks: list[Chunk], kinds: tuple[CellKind, ...], sums: tuple[Sum, ...]) -> Iterator[Reading]:
    """Cut each chunk into one or more numbers so that all columns are filled."""
    capacity = [_capacity(chunk) for chunk in chunks]
    produced = 0
    for counts in _compositions(len(kinds), capacity):
        position = 0
        per_chunk: list[list[Reading]] = []
        for chunk, count in zip(chunks, counts, strict=True):
            inside = tuple(
                (total - position, tuple(part - position for part in parts))
                for total, parts in sums
                if position <= min(parts) and total < position + count
            )
            per_chunk.append(_chunk_readings(chunk, kinds[position : position + count], inside))
            position += count
        for combination in itertools.product(*per_chunk):
            yield tuple(piece for part in combination for piece in part)
            produced += 1
            if produced >= _MAX_READINGS:
                return


def _capacity(chunk: Chunk, kind: CellKind = "count") -> int:
    """How many cells a chunk may hold: a token the source set apart that reads as one
    number is one cell; only digits that ran together may hold several."""
    if chunk.blank or (chunk.separated and is_single_piece(chunk.text.rstrip("".join(_UNITS)).replace(",", ""), kind)):
        return 1
    digits = chunk.text.rstrip("".join(_UNITS))
    return max(1, sum(ch.isdigit() for ch in digits))


def _compositions(total: int, capacity: list[int]) -> Iterator[tuple[int, ...]]:
    if not capacity:
        if total == 0:
            yield ()
        return
    rest = sum(capacity[1:])
    for first in range(max(1, total - rest), min(capacity[0], total - len(capacity) + 1) + 1):
        for tail in _compositions(total - first, capacity[1:]):
            yield (first, *tail)


def _chunk_readings(chunk: Chunk, kinds: tuple[CellKind, ...], sums: tuple[Sum, ...]) -> list[Reading]:
    if len(kinds) == 1:
        try:
            return [(_read_chunk(chunk, kinds[0]),)]
        except CellValueError:
            return []
    unit = next((u for u in _UNITS if chunk.text.endswith(u)), "")
    digits = chunk.text[: len(chunk.text) - len(unit)]
    found = []
    for cut in splits(digits, kinds, sums=sums):
        pieces, position = [], 0
        for index, (text, kind) in enumerate(zip(cut, kinds, strict=True)):
            suffix = unit if index == len(cut) - 1 else ""
            value = parse_cell(text + suffix, kind)
            pieces.append(Piece(CellValue(value.value, "recovered", text + suffix, value.note), chunk.offset + position))
            position += len(text)
        found.append(tuple(pieces))
    return found


def resolve(rows: dict[str, RowInput], equations: list[Equation], pins: dict[str, float] | None = None) -> Resolved:
    """Choose one reading per row where the identities allow exactly one value per cell.

    ``pins`` are figures the report states in words: a row keeps only the readings that
    agree with them, where any does (the caller pins only cells the identities left open).
    """
    result = Resolved()
    domains: dict[str, list[Reading]] = {}
    extra: list[RowInput] = []
    within = _within_rows(equations)
    for name, row in rows.items():
        local = within(row.keys)
        options, how = readings(row, local)
        passing = options  # a row no identity lies within: every reading passes
        if local:
            passing = [reading for reading in options if _satisfies(local, dict(zip(row.keys, reading, strict=True)))]
        untouched = [reading for reading in passing if reading[-1].tag != _DROPPED]
        if untouched:
            passing = untouched
        elif passing:
            how = "extra"
        if not passing and len(options) == 1:
            passing = options  # the report's own arithmetic error: read it, the checks flag it
        if pins and any(key in pins for key in row.keys):
            agreeing = [reading for reading in passing if _agrees(row.keys, reading, pins)]
            passing = agreeing or passing
        if not passing:
            _fail_row(result, row, how, len(options))
            continue
        if how == "extra":
            extra.append(row)
        domains[name] = passing
    if extra:
        _note_extra(result, extra)
    if all(len(options) == 1 for options in domains.values()):
        solutions, complete = [dict.fromkeys(domains, 0)], True  # nothing to choose: the checks judge it
    else:
        choices = {
            name: [
                {key: float(piece.value.value) for key, piece in zip(rows[name].keys, reading, strict=True)} for reading in domain
            ]
            for name, domain in domains.items()
        }
        solutions, complete = solve(choices, equations)
    for name, options in domains.items():
        row = rows[name]
        used = {solution[name] for solution in solutions} if solutions else set(range(len(options)))
        chosen = [options[index] for index in sorted(used)]
        if not solutions and len(options) > 1:
            _fail_row(result, row, "conflict", len(options))
            continue
        settled = complete or len(options) == 1
        for index, key in enumerate(row.keys):
            # Most rows have one reading: nothing to compare.
            if settled and (len(chosen) == 1 or len({reading[index].value.value for reading in chosen}) == 1):
                result.cells[key] = chosen[0][index]
                if chosen[0][index].tag == _SCAN_FIX:
                    message = f"{chosen[0][index].value.note}（由其他行列的勾稽关系确定），请对照原件核对"
                    result.problems.append(Problem("scan_repaired", message, (key,), chosen[0][index].offset))
            else:
                result.cells[key] = None
        _report_ambiguous(result, row, chosen, complete)
    return result


#: For each set of identities (by the identities' ids, held so they stay theirs): which
#: of them lie within a row's cells, by the row's keys. Reports of one layout share one
#: set, made once (``equations``), so each row's answer is looked up, not worked out.
_WITHIN: dict[
    tuple[int, ...], tuple[list[Equation], list[tuple[Equation, frozenset[str]]], dict[tuple[str, ...], list[Equation]]]
] = {}


def _within_rows(equations: list[Equation]) -> Callable[[tuple[str, ...]], list[Equation]]:
    key = tuple(map(id, equations))
    entry = _WITHIN.get(key)
    if entry is None:
        if len(_WITHIN) > 256:
            _WITHIN.clear()
        held = list(equations)
        entry = _WITHIN[key] = (held, [(eq, frozenset(eq.keys)) for eq in held], {})
    _, keyed, known = entry

    def within(row_keys: tuple[str, ...]) -> list[Equation]:
        found = known.get(row_keys)
        if found is None:
            chosen = frozenset(row_keys)
            found = known[row_keys] = [eq for eq, keys in keyed if keys <= chosen]
        return found

    return within


def _agrees(keys: tuple[str, ...], reading: Reading, pins: dict[str, float]) -> bool:
    return all(abs(float(piece.value.value) - pins[key]) < 1e-6 for key, piece in zip(keys, reading, strict=True) if key in pins)


def _satisfies(local: list[Equation], cells: dict[str, Piece]) -> bool:
    for eq in local:
        left = sum(cells[key].value.value for key in eq.left)
        right = sum(cells[key].value.value for key in eq.right)
        if abs(left - right) > 1e-6:
            return False
    return True


def _keep_raw(result: Resolved, row: RowInput, keys: list[str]) -> None:
    """Cells left empty still point at the text they could not be read from."""
    raw = " ".join(chunk.raw.strip() for chunk in row.chunks)
    offset = row.chunks[0].offset if row.chunks else 0
    for key in keys:
        result.unread[key] = (raw, offset)


def _fail_row(result: Resolved, row: RowInput, how: str, count: int) -> None:
    reasons = {
        "direct": "有数字无法识别",
        "extra": "多出一个数值，且去掉任何一个都不满足勾稽关系",
        "run_together": "数字连在一起，没有任何切分方式满足勾稽关系" if count else "数字连在一起，无法切分成应有的列数",
        "too_many": f"数值个数（{len(row.chunks)}）多于应有的列数（{len(row.keys)}）",
        "conflict": "数字连在一起，各种切分方式都与其他行的勾稽关系矛盾",
    }
    for key in row.keys:
        result.cells[key] = None
    _keep_raw(result, row, list(row.keys))
    offset = row.chunks[0].offset if row.chunks else 0
    result.problems.append(Problem("unreadable_row", f"无法读取该行：{reasons[how]}", tuple(row.keys), offset))


def _note_extra(result: Resolved, rows: list[RowInput]) -> None:
    """One warning for all rows that carried one value too many (extractors add one)."""
    keys = [key for row in rows for key in row.keys]
    offset = rows[0].chunks[0].offset if rows[0].chunks else 0
    message = f"{len(rows)} 行比模板多一个数值，去掉多余的一个后各种读法结果相同且满足勾稽关系"
    result.problems.append(Problem("extra_value", message, tuple(keys), offset))


def _report_ambiguous(result: Resolved, row: RowInput, chosen: list[Reading], complete: bool) -> None:
    if len(chosen) == 1 and complete:
        return  # one reading: every cell was set
    unsure = [key for key in row.keys if result.cells.get(key) is None]
    if not unsure:
        return
    _keep_raw(result, row, unsure)
    readings_text = ["、".join(str(piece.value.value) for piece in reading) for reading in chosen]
    shown = "；".join(readings_text[:10])
    count = f"{len(chosen)}种" if complete else f"至少{len(chosen)}种"
    more = "等" if len(chosen) > 10 else ""
    offset = row.chunks[0].offset if row.chunks else 0
    message = f"数字连在一起，有{count}读法都满足勾稽关系（{shown}{more}），这些单元格未采用任何一种"
    result.problems.append(Problem("ambiguous", message, tuple(unsure), offset))
