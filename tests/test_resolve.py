from etl.equations import Equation
from etl.recognise import Chunk
from etl.resolve import RowInput, resolve


def row(keys: tuple[str, ...], *texts: str, separated: bool = True, blank_at: tuple[int, ...] = ()) -> RowInput:
    chunks = [Chunk("" if i in blank_at else t, t, i, blank=i in blank_at, separated=separated) for i, t in enumerate(texts)]
    return RowInput(keys, ("count",) * len(keys), chunks)


SUM = [Equation("applicants", "r", ("c",), ("a", "b"))]


def test_a_unique_reading_is_recovered() -> None:
    result = resolve({"r": row(("a", "b", "c"), "10111", separated=False)}, SUM)
    assert {key: piece.value.value for key, piece in result.cells.items()} == {"a": 10, "b": 1, "c": 11}  # type: ignore[union-attr]
    assert result.cells["a"].value.read_as == "recovered"  # type: ignore[union-attr]


def test_cells_that_differ_between_valid_readings_stay_empty() -> None:
    # 1|12|13 and 11|2|13 both hold: c is certain, a and b are not.
    result = resolve({"r": row(("a", "b", "c"), "11213", separated=False)}, SUM)
    assert result.cells["a"] is None and result.cells["b"] is None
    assert result.cells["c"].value.value == 13  # type: ignore[union-attr]
    assert [problem.rule for problem in result.problems] == ["ambiguous"]


def test_a_surplus_value_that_repeats_its_neighbour_is_dropped() -> None:
    result = resolve({"r": row(("a", "b", "c"), "2", "3", "5", "5")}, SUM)
    assert [result.cells[k].value.value for k in "abc"] == [2, 3, 5]  # type: ignore[union-attr]
    assert result.problems[0].rule == "extra_value"


def test_any_other_surplus_value_is_never_dropped_to_make_the_sums_hold() -> None:
    # Dropping the 9 would satisfy 2 + 3 = 5, but it is a printed number: a report whose own
    # sums are wrong would come out right, silently. The row stays unread, with an error.
    result = resolve({"r": row(("a", "b", "c"), "2", "9", "3", "5")}, SUM)
    assert all(result.cells.get(k) is None for k in "abc")
    assert [problem.rule for problem in result.problems] == ["unreadable_row"]


def test_a_trailing_blank_is_an_empty_column_and_a_leading_blank_a_zero() -> None:
    result = resolve({"r": row(("a", "b", "c"), "", "4", "4", "", blank_at=(0, 3))}, SUM)
    assert [result.cells[k].value.value for k in "abc"] == [0, 4, 4]  # type: ignore[union-attr]
    assert result.cells["a"].value.read_as == "blank"  # type: ignore[union-attr]


def test_rows_are_decided_together_by_cross_row_identities() -> None:
    # x = "1|10" or "11|0"; the column sum with y decides.
    rows = {"x": row(("x1", "x2"), "110", separated=False), "y": row(("y1", "y2"), "3", "5"), "t": row(("t1", "t2"), "14", "5")}
    eqs = [Equation("outcomes", "1", ("t1",), ("x1", "y1")), Equation("outcomes", "2", ("t2",), ("x2", "y2"))]
    result = resolve(rows, eqs)
    assert (result.cells["x1"].value.value, result.cells["x2"].value.value) == (11, 0)  # type: ignore[union-attr]


def test_a_report_error_in_a_plain_row_is_kept_for_the_checks_to_flag() -> None:
    result = resolve({"r": row(("a", "b", "c"), "1", "1", "5")}, SUM)
    assert [result.cells[k].value.value for k in "abc"] == [1, 1, 5]  # type: ignore[union-attr]
