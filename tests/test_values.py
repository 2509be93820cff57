import pytest

from etl.values import CellValueError, parse_cell, splits


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
    cell = parse_cell(raw, kind)  # type: ignore[arg-type]
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
