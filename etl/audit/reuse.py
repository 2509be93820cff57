"""Rule 7: how much of a report repeats the same body's report of the year before.

The text is compared part by part as overlapping runs of characters with the digits
blanked, so a report copied with only its year and figures changed still reads as
copied; the share is of this year's text found in last year's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

import duckdb
import numpy as np
import pandas as pd

from etl.audit.facts import grouped, previous_reports
from etl.audit.finding import TEXT, Finding
from etl.narrative import NARRATIVE_PARTS, NUMERALS, PARTS
from etl.template import all_keys

#: Runs of this many characters are compared.
SHINGLE = 8
#: A report whose narrative repeats at least this share of last year's is flagged.
REUSED_SHARE = 0.8
#: Too little text to judge (a report of a few lines may well repeat itself).
MIN_CHARACTERS = 80
#: Tables identical to last year's count only with at least this many non-zero cells.
MIN_NONZERO = 5


_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def shingles(text: str) -> set[str]:
    plain = _DIGITS.sub("#", _SPACE.sub("", text))
    return {plain[i : i + SHINGLE] for i in range(max(len(plain) - SHINGLE + 1, 0))}


def repeated_share(this: str, last: str) -> float | None:
    """The share of ``this`` text's runs found in ``last``; None when it has none."""
    mine = shingles(this)
    return len(mine & shingles(last)) / len(mine) if mine else None


def reuse_findings(connection: duckdb.DuckDBPyConnection, reports: pd.DataFrame, wide: bool) -> list[Finding]:
    """Copied text and identical tables (``wide``: the tables compared in
    ``report_values``, which is up to date, else in ``cells``)."""
    pairs = previous_reports(reports[reports["scope"].notna()])
    if not len(pairs):
        return []
    owners = pd.concat(
        [
            pairs[["report_id", "agency_id"]],
            pairs[["report_id_prev", "agency_id"]].rename(columns={"report_id_prev": "report_id"}),
        ]
    ).drop_duplicates("report_id")
    by_body = _PairsByBody(pairs)
    found = []
    for body, parts in _texts_by_body(connection, owners):  # one body's reports at a time: their runs are many
        runs: dict[int, dict[int, set[str]]] = {}
        for _, report_id, part, text in parts:
            runs.setdefault(int(report_id), {})[int(part)] = shingles(text)
        found += _reused(by_body.of(int(body)), runs)
    found += _identical_tables(connection, pairs, wide)
    return found


#: Reports whose texts are sorted by body in one question: sorting every narrative of a
#: million reports (three million texts) ran out of memory within the review's limit.
_TEXTS_SORTED_AT_ONCE = 100_000


def _texts_by_body(connection: duckdb.DuckDBPyConnection, owners: pd.DataFrame) -> Iterator[tuple[Any, list[tuple[Any, ...]]]]:
    """The narrative parts of these reports (``report_id``, ``agency_id``), one body at a
    time in order of body, asked of the warehouse for a run of whole bodies at a time."""
    ordered = owners.astype("int64").sort_values(["agency_id", "report_id"], kind="stable")
    bodies = ordered["agency_id"].to_numpy()
    start = 0
    while start < len(ordered):
        end = min(start + _TEXTS_SORTED_AT_ONCE, len(ordered))
        end = int(np.searchsorted(bodies, bodies[end - 1], side="right"))  # the last body whole
        connection.register("audit_texts", ordered.iloc[start:end])
        try:
            yield from grouped(
                connection,
                """SELECT w.agency_id, t.report_id, t.part, t.text FROM report_parts t JOIN audit_texts w USING (report_id)
                   WHERE list_contains(?, t.part) ORDER BY w.agency_id""",
                [list(NARRATIVE_PARTS)],
            )
        finally:
            connection.unregister("audit_texts")
        start = end


class _PairsByBody:
    """The pairs of one body at a time, cut from columns sorted by body: a million pairs
    as tuples in a dict of lists took 180 MiB, and the texts come one body at a time."""

    def __init__(self, pairs: pd.DataFrame) -> None:
        ordered = pairs.sort_values(["agency_id", "year"], kind="stable")
        self._columns = [ordered[name].to_numpy(dtype="int64") for name in _Pair._fields]
        self._bodies = self._columns[2]

    def of(self, body: int) -> list[_Pair]:
        start, end = np.searchsorted(self._bodies, [body, body + 1])
        # plain tuples: a frame's rows cost more to walk than the rule
        return [_Pair(*map(int, pair)) for pair in zip(*(column[start:end] for column in self._columns), strict=True)]


class _Pair(NamedTuple):
    """A report and the same body's report of the year before."""

    report_id: int
    report_id_prev: int
    agency_id: int
    year: int


def _reused(pairs: list[_Pair], runs: dict[int, dict[int, set[str]]]) -> list[Finding]:
    """The findings on these pairs of reports, from their parts as runs."""
    found = []
    for row in pairs:
        this, last = runs.get(row.report_id, {}), runs.get(row.report_id_prev, {})
        shares, repeated, total = [], 0.0, 0
        for number in NARRATIVE_PARTS:
            if number not in this or number not in last or not this[number]:
                continue
            size = len(this[number])
            share = len(this[number] & last[number]) / size
            repeated += share * size
            total += size
            shares.append(f"{NUMERALS[number - 1]}、{PARTS[number][0]} {share:.0%}")
        if total < MIN_CHARACTERS or repeated / total < REUSED_SHARE:
            continue
        overall = repeated / total
        message = f"正文 {overall:.0%} 与上年（{row.year - 1} 年度）报告相同（数字不计）：{'；'.join(shares)}"
        found.append(
            Finding(
                row.agency_id,
                row.year,
                row.report_id,
                "text_reused",
                "关注",
                message,
                TEXT,
                numbers=[round(overall * 100, 1)],
            )
        )
    return found


#: A report and last year's compared on every cell both have: all equal, and at least
#: MIN_NONZERO of them not zero. From ``cells`` (a join of two hundred rows a report with
#: as many, which at a million reports does not fit the ingest's memory) where
#: ``report_values`` is not up to date, else from its one row a report.
_SAME_IN_CELLS = """SELECT p.agency_id, p.year, p.report_id, count(*) AS compared
    FROM audit_pairs p
    JOIN cells c ON c.report_id = p.report_id
    JOIN cells l ON l.report_id = p.report_id_prev AND l.key = c.key
    WHERE c.value IS NOT NULL AND l.value IS NOT NULL
    GROUP BY ALL
    HAVING bool_and(c.value = l.value) AND count_if(c.value <> 0) >= ?
    ORDER BY p.report_id"""


def _agreeing_in_wide() -> str:
    """The pairs whose totals agree, from ``report_values``: cheap, and most pairs differ there."""
    agree = " AND ".join(f'coalesce(c."{key}" = l."{key}", TRUE)' for key in all_keys() if key.endswith(".total"))
    return f"""SELECT p.agency_id, p.year, p.report_id, p.report_id_prev
        FROM audit_pairs p JOIN report_values c ON c.report_id = p.report_id
        JOIN report_values l ON l.report_id = p.report_id_prev
        WHERE {agree}"""


def _every_cell_in_wide() -> str:
    """Every cell of the pairs whose totals agree, as two lists compared element by
    element (the same comparison written out key by key took DuckDB 0.3 s to plan,
    whatever the number of reports)."""
    keys = all_keys()  # the template's own keys: an allow-list, never user input
    this = ", ".join(f'c."{key}"' for key in keys)
    last = ", ".join(f'l."{key}"' for key in keys)
    return f"""SELECT agency_id, year, report_id, len(shared) AS compared FROM (
        SELECT p.agency_id, p.year, p.report_id,
               list_filter(list_zip([{this}], [{last}]), lambda z: z[1] IS NOT NULL AND z[2] IS NOT NULL) AS shared
        FROM audit_agreeing p JOIN report_values c ON c.report_id = p.report_id
        JOIN report_values l ON l.report_id = p.report_id_prev)
        WHERE list_bool_and(list_transform(shared, lambda z: z[1] = z[2])) IS NOT FALSE
          AND len(list_filter(shared, lambda z: z[1] <> 0)) >= ?
        ORDER BY report_id"""


_AGREEING_IN_WIDE = _agreeing_in_wide()
_SAME_IN_WIDE = _every_cell_in_wide()


def _same_in_wide(connection: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """The pairs whose tables are the same, in two questions: the few pairs whose totals
    agree are fetched, then only they are joined on every column. (In one query, or one
    with the agreeing pairs as a materialised CTE, DuckDB joined a million reports' every
    column: 9 s and 0.5 GiB, or 4 s and 2.4 GiB, against 1 s and 0.2 GiB.)"""
    agreeing = connection.execute(_AGREEING_IN_WIDE).df()
    connection.register("audit_agreeing", agreeing)
    try:
        return connection.execute(_SAME_IN_WIDE, [MIN_NONZERO]).fetchall()
    finally:
        connection.unregister("audit_agreeing")


def _identical_tables(connection: duckdb.DuckDBPyConnection, pairs: pd.DataFrame, wide: bool) -> list[Finding]:
    frame = pairs[["agency_id", "year", "report_id", "report_id_prev"]].astype("int64")
    connection.register("audit_pairs", frame)
    try:
        rows = _same_in_wide(connection) if wide else connection.execute(_SAME_IN_CELLS, [MIN_NONZERO]).fetchall()
    finally:
        connection.unregister("audit_pairs")
    return [
        Finding(
            int(agency_id),
            int(year),
            int(report_id),
            "tables_identical",
            "关注",
            f"三张表的 {int(compared)} 个数字与上年（{int(year) - 1} 年度）报告完全相同",
        )
        for agency_id, year, report_id, compared in rows
    ]
