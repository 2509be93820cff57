"""The solver picks one option per variable so that every equation holds, and says when
several choices do."""

from __future__ import annotations

from etl.equations import Equation
from etl.solver import solve


def _sum(total: str, *parts: str) -> Equation:
    return Equation("applicants", total, (total,), parts)


def test_the_one_choice_the_equations_leave_is_found() -> None:
    options = {
        "row": [{"a": 12.0, "b": 3.0}, {"a": 1.0, "b": 23.0}],  # 1 2 3 run together: 12|3 or 1|23
        "total": [{"t": 15.0}],
    }
    assert solve(options, [_sum("t", "a", "b")]) == ([{"row": 0, "total": 0}], True)


def test_choices_the_equations_cannot_tell_apart_are_all_returned() -> None:
    options = {"row": [{"a": 1.0, "b": 2.0}, {"a": 2.0, "b": 1.0}], "total": [{"t": 3.0}]}
    solutions, complete = solve(options, [_sum("t", "a", "b")])
    assert complete and sorted(s["row"] for s in solutions) == [0, 1]


def test_no_choice_satisfying_the_equations_is_no_solution() -> None:
    options = {"row": [{"a": 1.0, "b": 2.0}], "total": [{"t": 4.0}, {"t": 5.0}]}
    assert solve(options, [_sum("t", "a", "b")]) == ([], True)


def test_an_equation_over_a_key_no_option_gives_is_left_out() -> None:
    options = {"row": [{"a": 1.0}, {"a": 2.0}]}
    solutions, _ = solve(options, [_sum("t", "a")])
    assert sorted(s["row"] for s in solutions) == [0, 1]
