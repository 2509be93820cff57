"""What the review's rules read from the warehouse, asked once per audit."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import duckdb
import pandas as pd

from etl.warehouse.access import frame_via_arrow
from etl.warehouse.agencies import agency_runs

#: What the rules read of a current report (with its agency's attributes).
REPORT_COLUMNS = (
    "report_id", "agency_id", "agency", "year", "template", "published", "published_from", "scope", "scope_sentence",
    "province", "city", "county", "level", "kind", "is_government", "parent",
)  # fmt: skip
#: What the rules that compare bodies read of every current report (``ACROSS_BODIES`` in
#: ``run``): a million reports with every column held 180 MiB.
ACROSS_COLUMNS = ("report_id", "agency_id", "agency", "year", "scope", "scope_sentence", "province", "level", "kind")


def current_reports(
    connection: duckdb.DuckDBPyConnection,
    bodies: Collection[int] | None = None,
    columns: tuple[str, ...] = REPORT_COLUMNS,
    within: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """One row per current report (of ``bodies`` only, or of the bodies numbered
    ``within`` these two, when given) with ``columns`` (placeholder agencies, still to be
    named, are left out: whose report it is is not known). Through Arrow: at a million
    reports ``.df()`` took a second and 1.3 GiB for what Arrow gives in a third of a second
    and 0.5 GiB."""
    chosen = ", ".join("name AS agency" if column == "agency" else column for column in columns)
    among = ""
    params: list[object] = []
    if bodies is not None:
        among, params = "AND list_contains(?, agency_id)", [sorted(bodies)]
    if within is not None:
        among, params = f"{among} AND agency_id BETWEEN ? AND ?", [*params, *within]
    return frame_via_arrow(
        connection,
        f"""SELECT {chosen} FROM current_reports
            WHERE NOT coalesce(needs_name, FALSE) {among} ORDER BY agency_id, year""",
        params,
    )


def runs_of_bodies(connection: duckdb.DuckDBPyConnection, reports: int) -> list[tuple[int, int]]:
    """The named bodies with current reports in runs of about ``reports`` reports: the
    rules on a body's own reports judge every body one run at a time when they judge all."""
    return agency_runs(connection, reports, named_only=True)


def years_of(connection: duckdb.DuckDBPyConnection, bodies: Collection[int]) -> list[int]:
    """The years these bodies have reports of, current or replaced: the years whose peer
    groups their reports (or their attributes) can have changed."""
    rows = connection.execute(
        "SELECT DISTINCT year FROM reports WHERE list_contains(?, agency_id) ORDER BY year", [sorted(bodies)]
    )
    return [int(year) for (year,) in rows.fetchall()]


#: An agency as the review's rules know it (placeholders still to be named are left out).
AGENCY_COLUMNS = """agency_id, name AS agency, province, city, county, level, kind, is_government, parent, reports_from,
                    reports_to, generated"""
NAMED = "NOT coalesce(needs_name, FALSE)"


@dataclass(frozen=True)
class Bodies:
    """Which bodies the review shows (each list empty: all): the dashboard's sidebar, asked
    of the warehouse with the rest of a question rather than applied to every body's rows
    afterwards (a million reports' hundred and forty thousand bodies)."""

    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    with_generated: bool = True

    def condition(self, alias: str) -> tuple[str, list[object]]:
        """SQL on the agencies table known as ``alias``, and its bound values."""
        clauses: list[str] = ["TRUE"]
        params: list[object] = []
        for column, values in (
            ("province", self.provinces),
            ("city", self.cities),
            ("level", self.levels),
            ("kind", self.kinds),
            ("name", self.names),
        ):
            if values:
                clauses.append(f"list_contains(?, {alias}.{column})")
                params.append(list(values))
        if not self.with_generated:
            clauses.append(f"NOT coalesce({alias}.generated, FALSE)")
        return " AND ".join(clauses), params


EVERY_BODY = Bodies()


def agencies(connection: duckdb.DuckDBPyConnection, bodies: Bodies = EVERY_BODY) -> pd.DataFrame:
    condition, params = bodies.condition("a")
    return _agency_frame(connection, f"SELECT {AGENCY_COLUMNS} FROM agencies a WHERE {NAMED} AND {condition}", params)


def owing_sql(bodies: Bodies = EVERY_BODY) -> tuple[str, list[object]]:
    """A query of the agencies of ``bodies`` that should have reported on a year, its first
    bound value (as ``timeliness.expected_years`` reckons it: from the roster's first year, else
    from their first report, to the roster's last year, else to the latest year of any
    report of any body), each with every column of ``agencies``: asked of the warehouse
    rather than worked out over every agency, since the review page asks it of one year."""
    condition, params = bodies.condition("a")
    sql = f"""WITH years AS (SELECT agency_id, min(year) AS first, max(year) AS latest FROM reports
                             WHERE is_current GROUP BY ALL),
                   named AS (SELECT a.*, first, latest FROM agencies a LEFT JOIN years USING (agency_id) WHERE {NAMED}),
                   span AS (SELECT max(latest) AS last FROM named)
              SELECT a.* EXCLUDE (first, latest) FROM named a CROSS JOIN span
              WHERE ? BETWEEN coalesce(a.reports_from, a.first) AND coalesce(a.reports_to, span.last) AND {condition}"""
    return sql, params


def _agency_frame(connection: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> pd.DataFrame:
    """Agencies (``AGENCY_COLUMNS``) through Arrow: a country's are a hundred thousand
    rows, which pandas receives three times as fast so; the roster years stay nullable
    integers."""
    found = frame_via_arrow(connection, sql, params or [])
    return found.astype({"reports_from": "Int32", "reports_to": "Int32", "parent": object})


#: A condition on ``report_id``: the reports an audit judges by their own contents (those
#: of the agencies a change touched), registered by ``judging``.
JUDGED = "report_id IN (SELECT report_id FROM audit_judged)"


@contextmanager
def judging(connection: duckdb.DuckDBPyConnection, reports: pd.DataFrame) -> Iterator[None]:
    """Make ``JUDGED`` mean these reports while the rules run."""
    connection.register("audit_judged", reports[["report_id"]])
    try:
        yield
    finally:
        connection.unregister("audit_judged")


#: Rows fetched at a time when a rule streams a large table (the reports' text).
_STREAMED = 10_000


def grouped(
    connection: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> Iterator[tuple[Any, list[tuple[Any, ...]]]]:
    """The rows of a query ordered by its first column, one group per value of it, fetched
    a few thousand at a time: a rule on the reports' text holds one body's or one
    report's text at a time, not a million reports' (which does not fit in memory)."""
    result = connection.execute(sql, params or [])
    key: Any = None
    group: list[tuple[Any, ...]] = []
    while batch := result.fetchmany(_STREAMED):
        for row in batch:
            if group and row[0] != key:
                yield key, group
                group = []
            key = row[0]
            group.append(row)
    if group:
        yield key, group


def values(connection: duckdb.DuckDBPyConnection, keys: list[str], wide: bool) -> pd.DataFrame:
    """Current reports' cells, one row per report, one column per key (NULL: not
    reported): from ``report_values`` where it is up to date (a few columns of one row a
    report), else pivoted from ``cells``."""
    if wide:
        # The keys are the template's own (an allow-list), never user input.
        chosen = ", ".join(f'"{key}"' for key in keys)
        return connection.execute(f"SELECT report_id, {chosen} FROM report_values").df().set_index("report_id")
    cells = connection.execute(
        """SELECT c.report_id, c.key, c.value FROM cells c JOIN reports r USING (report_id)
           WHERE r.is_current AND list_contains(?, c.key)""",
        [keys],
    ).df()
    if not len(cells):
        return pd.DataFrame(columns=keys)
    return cells.pivot(index="report_id", columns="key", values="value")


def previous_reports(reports: pd.DataFrame) -> pd.DataFrame:
    """Pairs of a report and the same agency's report of the year before: ``report_id``,
    ``report_id_prev``, ``agency_id`` and ``year`` (only those: every column of a million
    reports copied into the pairs took 200 MiB)."""
    this = reports[["report_id", "agency_id", "year"]]
    before = this.assign(year=this["year"] + 1).rename(columns={"report_id": "report_id_prev"})
    return this.merge(before, on=["agency_id", "year"])[["report_id", "report_id_prev", "agency_id", "year"]]


def rows(frame: pd.DataFrame) -> Iterator[Any]:
    """A frame's rows as named tuples whose fields are the columns, typed loosely: a
    column's type is the warehouse's, not the stubs' union of every scalar."""
    return cast(Iterator[Any], frame.itertuples(index=False))


def number(value: Any) -> float | None:
    """A cell value as a float, None where it is missing."""
    return None if value is None or pd.isna(value) else float(value)
