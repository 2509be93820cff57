"""The template's own accounting identities, as equations over cell keys.

One list serves twice: the checks evaluate it on a report's numbers, and the solver for
run-together digits uses it to decide where one number ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal

from etl.template import APPLICANT_COLUMN_KEYS, ORG_COLUMN_KEYS, Version, row_columns, tables

Rule = Literal["balance", "outcomes", "subtotal", "applicants", "org_subtotal", "appeals"]


@dataclass(frozen=True)
class Equation:
    """sum(left) == sum(right), over cell keys; ``subject`` names the column or row."""

    rule: Rule
    subject: str
    left: tuple[str, ...]
    right: tuple[str, ...]

    @cached_property
    def keys(self) -> tuple[str, ...]:  # asked for each identity of every report
        return self.left + self.right


def equations(version: Version, with_org_subtotal: bool = False, subtotals: frozenset[str] = frozenset()) -> list[Equation]:
    """Every identity of a report: balance and outcomes per column, applicants per row,
    appeals per group, and the local variant's subtotals where the report has them."""
    return list(_equations(version, with_org_subtotal, subtotals))


@lru_cache(maxsize=64)
def _equations(version: Version, with_org_subtotal: bool, subtotals: frozenset[str]) -> tuple[Equation, ...]:
    """The identities of one layout, made once: every report of it has the same."""
    _, requests, appeals = tables(version)
    rows = [row for row in requests.rows if not row.optional or row.group in subtotals]
    columns = [column.key for column in row_columns(requests.rows[0], with_org_subtotal)]
    leaves = [row.key for row in rows if row.role == "leaf"]
    found: list[Equation] = []
    for column in columns:

        def cell(row_key: str, c: str = column) -> str:
            return f"requests.{row_key}.{c}"

        found.append(
            Equation(
                "balance",
                column,
                (cell("new_received"), cell("carried_over")),
                (cell("total_processed"), cell("carried_forward")),
            )
        )
        found.append(Equation("outcomes", column, (cell("total_processed"),), tuple(cell(leaf) for leaf in leaves)))
        for group in sorted(subtotals):
            children = tuple(cell(child.key) for child in rows if child.group == group and child.role == "leaf")
            found.append(Equation("subtotal", f"{group}.{column}", (cell(f"{group}_subtotal"),), children))
    for row in rows:
        prefix = f"requests.{row.key}."
        found.append(Equation("applicants", row.key, (prefix + "total",), tuple(prefix + c for c in APPLICANT_COLUMN_KEYS)))
        if with_org_subtotal:
            found.append(
                Equation("org_subtotal", row.key, (prefix + "org_subtotal",), tuple(prefix + c for c in ORG_COLUMN_KEYS))
            )
    for appeal in appeals.rows:
        prefix = f"appeals.{appeal.key}."
        parts = tuple(prefix + c for c in ("upheld", "corrected", "other", "pending"))
        found.append(Equation("appeals", appeal.key, (prefix + "total",), parts))
    return tuple(found)


def sides(equation: Equation, values: dict[str, float | int | None]) -> tuple[float, float] | None:
    """The stated side (the total) and the sum of the parts, or None when a cell it needs is missing."""
    left = [values.get(key) for key in equation.left]
    right = [values.get(key) for key in equation.right]
    if None in left or None in right:
        return None
    return sum(left), sum(right)  # type: ignore[arg-type]


def holds(equation: Equation, values: dict[str, float | int | None]) -> bool | None:
    """True or False, or None when a cell it needs is missing."""
    found = sides(equation, values)
    return None if found is None else abs(found[0] - found[1]) < 1e-6
