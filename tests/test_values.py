import itertools
import random

import pytest

from etl.template import CellKind
from etl.values import CellValueError, is_single_piece, parse_cell, splits


@pytest.mark.parametrize(
    ("raw", "kind", "value", "read_as"),
    [
        ("12", "count", 12, "number"),
        ("１２", "count", 12, "number"),
        ("3,985,758", "count", 3985758, "number"),
        ("3，985，758", "count", 3985758, "number"),
        ("7件", "count", 7, "number"),
        ("", "count", 0, "blank"),
        ("  ", "count", 0, "blank"),
        ("-", "count", 0, "dash"),
        ("—", "count", 0, "dash"),
        ("／", "count", 0, "dash"),
        ("无", "count", 0, "dash"),
        ("-2", "signed", -2, "number"),
        ("－２", "signed", -2, "number"),
        ("+3", "signed", 3, "number"),
        ("减少2", "signed", -2, "number"),
        ("增加1", "signed", 1, "number"),
        ("24.47万元", "money", 24.47, "number"),
        ("251000元", "money", 25.1, "number"),
        ("1.5亿元", "money", 15000.0, "number"),
    ],
)
def test_cells_are_read_as_reports_print_them(raw: str, kind: str, value: float, read_as: str) -> None:
    cell = parse_cell(raw, kind)
    assert cell.value == value
    assert cell.read_as == read_as
    assert cell.raw == raw


def test_an_amount_without_unit_is_taken_as_wan_and_says_so() -> None:
    assert parse_cell("24.47", "money").note


@pytest.mark.parametrize("raw", ["abc", "12a", "1.2.3"])
def test_text_that_is_no_number_is_refused(raw: str) -> None:
    with pytest.raises(CellValueError):
        parse_cell(raw, "count")


def test_zeros_never_start_a_number_so_000_is_three_zeros() -> None:
    assert splits("000", ("count",) * 3) == [("0", "0", "0")]
    assert len(splits("693665", ("count",) * 3)) == 10


def test_row_sums_prune_the_split_search() -> None:
    # 64 0 0 2 0 4 | 70 : the total is checked when it is placed.
    found = splits("640020470", ("count",) * 7, sums=((6, (0, 1, 2, 3, 4, 5)),))
    assert found == [("64", "0", "0", "2", "0", "4", "70")]


def _every_cut(text: str, kinds: tuple[CellKind, ...], sums: tuple[tuple[int, tuple[int, ...]], ...]) -> list[tuple[str, ...]]:
    """The plain statement: every way to place the cuts, kept if each piece is well formed
    and every total is its parts' sum (in the order of the cuts' positions)."""
    found = []
    for cuts in itertools.combinations(range(1, len(text)), len(kinds) - 1):
        bounds = (0, *cuts, len(text))
        pieces = tuple(text[a:b] for a, b in itertools.pairwise(bounds))
        if not all(is_single_piece(piece, kind) for piece, kind in zip(pieces, kinds, strict=True)):
            continue
        if all(int(pieces[total]) == sum(int(pieces[i]) for i in parts) for total, parts in sums):
            found.append(pieces)
    return found


@pytest.mark.parametrize(
    ("columns", "sums"),
    [
        (3, ()),
        (7, ((6, (0, 1, 2, 3, 4, 5)),)),
        (8, ((7, (0, 1, 2, 3, 4, 5)), (6, (1, 2, 3, 4, 5)))),
        (10, ((4, (0, 1, 2, 3)), (9, (5, 6, 7, 8)))),
        (6, ((2, (0, 1)), (5, (2, 3, 4)))),  # a subtotal that is itself a part
    ],
)
def test_the_split_search_finds_every_cut_the_plain_rule_finds(
    columns: int, sums: tuple[tuple[int, tuple[int, ...]], ...]
) -> None:
    chance = random.Random(columns)
    kinds: tuple[CellKind, ...] = ("count",) * columns
    tried = 0
    while tried < 200:
        # Rows that add up, written without spaces, as crawlers run them together, and
        # digits at random: both kinds of run must give what the plain rule gives.
        values = [chance.choice([0, 0, 1, 2, 7, 10, 13, 64, 105]) for _ in range(columns)]
        for total, parts in sums:
            values[total] = sum(values[i] for i in parts)
        text = (
            "".join(map(str, values))
            if tried % 2
            else "".join(chance.choice("0123456789") for _ in range(chance.randint(columns, columns + 6)))
        )
        if len(text) > columns + 8:
            continue  # the plain rule tries every placing of the cuts: keep it quick
        assert splits(text, kinds, sums=sums) == _every_cut(text, kinds, sums), text
        tried += 1
