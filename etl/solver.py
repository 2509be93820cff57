"""A small exact solver: one option per variable such that every equation holds.

Each option gives values to some keys; an equation says that the sum of its left keys
equals the sum of its right keys. Options that cannot be part of any solution are pruned
by sum sets first, then the rest is searched. It knows nothing of reports: the resolver
makes each table row a variable and each reading of its tokens an option.
"""

from __future__ import annotations

from collections.abc import Sequence

from etl.equations import Equation

Options = dict[str, list[dict[str, float]]]

#: Enough solutions to tell one answer from several; the search stops there.
MAX_SOLUTIONS = 64
#: Search steps before giving up (the answer is then marked incomplete, never guessed).
MAX_NODES = 300_000
#: Distinct partial sums kept while pruning; past this an equation prunes nothing.
MAX_SUMS = 60_000


def solve(options: Options, equations: Sequence[Equation]) -> tuple[list[dict[str, int]], bool]:
    """Every choice of one option per variable under which each equation over the keys the
    options give holds (up to ``MAX_SOLUTIONS``), as variable → option index, and whether
    the search was complete. Equations over a key no option gives are left out."""
    given = {key for choices in options.values() for choice in choices for key in choice}
    usable = [eq for eq in equations if all(key in given for key in eq.keys)]
    alive = {name: list(range(len(choices))) for name, choices in options.items()}
    contribution = _contributions(options, usable)
    _propagate(alive, contribution, usable)
    if any(not indices for indices in alive.values()):
        return [], True
    order = sorted((name for name in alive if len(alive[name]) > 1), key=lambda name: len(alive[name]))
    fixed = {name: indices[0] for name, indices in alive.items() if len(indices) == 1}
    if not order:
        return ([fixed] if _consistent(fixed, contribution, usable) else []), True
    solutions: list[dict[str, int]] = []
    nodes = 0

    def search(depth: int, chosen: dict[str, int]) -> bool:
        nonlocal nodes
        nodes += 1
        if nodes > MAX_NODES or len(solutions) >= MAX_SOLUTIONS:
            return False
        if depth == len(order):
            if _consistent(chosen, contribution, usable):
                solutions.append(dict(chosen))
            return True
        complete = True
        for index in alive[order[depth]]:
            chosen[order[depth]] = index
            if _consistent(chosen, contribution, usable, partial=True):
                complete = search(depth + 1, chosen) and complete
            del chosen[order[depth]]
        return complete

    complete = search(0, dict(fixed))
    return solutions, complete


def _contributions(options: Options, equations: list[Equation]) -> list[dict[str, list[float]]]:
    """For each equation, each variable's share of (left − right) under each of its options."""
    shares = []
    for eq in equations:
        signs = {key: 1 for key in eq.left} | {key: -1 for key in eq.right}
        per_row: dict[str, list[float]] = {}
        for name, choices in options.items():
            if any(key in signs for key in choices[0]):
                per_row[name] = [sum(sign * choice.get(key, 0.0) for key, sign in signs.items()) for choice in choices]
        shares.append(per_row)
    return shares


def _consistent(
    chosen: dict[str, int], contribution: list[dict[str, list[float]]], equations: list[Equation], partial: bool = False
) -> bool:
    for per_row in contribution:
        if partial and not all(name in chosen for name in per_row):
            continue
        if abs(sum(values[chosen[name]] for name, values in per_row.items())) > 1e-6:
            return False
    return True


def _propagate(alive: dict[str, list[int]], contribution: list[dict[str, list[float]]], equations: list[Equation]) -> None:
    """Drop readings that cannot be part of any solution of some equation (sum sets)."""
    changed = True
    while changed:
        changed = False
        for per_row in contribution:
            names = [name for name in per_row if len(alive[name]) > 0]
            if not any(len(alive[name]) > 1 for name in names):
                continue
            for name in names:
                others = _sums([{per_row[other][i] for i in alive[other]} for other in names if other != name])
                if others is None:
                    continue
                keep = [i for i in alive[name] if round(-per_row[name][i], 6) in others]
                if len(keep) != len(alive[name]):
                    alive[name] = keep
                    changed = True


def _sums(sets: list[set[float]]) -> set[float] | None:
    totals = {0.0}
    for values in sets:
        totals = {round(a + b, 6) for a in totals for b in values}
        if len(totals) > MAX_SUMS:
            return None
    return totals
