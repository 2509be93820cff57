"""The audit stage: every rule over the warehouse, its findings stored in ``findings``.

Most rules judge a body by its own reports (this year's, last year's): after an ingest
they are run again only for the bodies it gave reports to. A few compare a body with
others: its peers, year by year, are compared again for the years the ingest saved
reports of (and every year of the bodies whose attributes changed); the warehouse's
latest year and an area's bodies over the whole warehouse every time (they are the cheap
ones). Everything is found again when the rules themselves or the deadlines changed
(their fingerprint is kept in ``meta``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator
from dataclasses import fields
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from etl.audit import content, facts, reuse, sums, timeliness, unusual
from etl.audit.aggregates import aggregate_findings
from etl.audit.finding import SEVERITIES, Finding
from etl.audit.rules import RULES
from etl.warehouse.access import memory_limit
from etl.warehouse.wide import refresh_report_values, report_values_fresh

#: The findings of rules that compare a body with others, found again over the whole warehouse.
ACROSS_BODIES = ("report_missing", "aggregate_differs")
#: Peers are compared year by year: found again for the years an ingest changed (``refresh_findings``).
BY_YEAR = "peer_outlier"


def audit_findings(
    connection: duckdb.DuckDBPyConnection,
    deadlines: list[timeliness.Deadline] | None = None,
    bodies: Collection[int] | None = None,
    wide: bool | None = None,
) -> list[Finding]:
    """The findings of every rule; with ``bodies``, those of the rules on a body's own
    reports only for these bodies, of the peer rule only for the years they have reports
    of, and of the other rules across bodies for all. ``wide``: whether ``report_values``
    is known to hold the warehouse as it is (asked when not given)."""
    years = None if bodies is None else facts.years_of(connection, bodies)
    found = [finding for batch in _rule_batches(connection, deadlines, bodies, years, wide) for finding in batch]
    order = {rule.code: index for index, rule in enumerate(RULES)}
    found.sort(key=lambda f: (f.agency_id, f.year, SEVERITIES.index(f.severity), order[f.rule]))
    return found


def _rule_batches(
    connection: duckdb.DuckDBPyConnection,
    deadlines: list[timeliness.Deadline] | None,
    bodies: Collection[int] | None,
    years: Collection[int] | None,
    wide: bool | None,
) -> Iterator[list[Finding]]:
    """Each rule's findings in turn (see ``audit_findings``): a store can put each batch
    away before the next rule runs, rather than hold every finding (440,000 at a million
    reports, a quarter of a GiB as objects)."""
    # The rules on a body's own reports read every column, of the bodies judged, a run of
    # bodies at a time; those that compare bodies read a few columns, of every report.
    agencies = facts.agencies(connection)
    chosen = deadlines if deadlines is not None else timeliness.load_deadlines()
    # Whether report_values holds the warehouse as it is (``wide``, when the caller has just
    # made it so), asked once: the question reads every current report and their checks
    # (over a second at a million reports).
    wide = report_values_fresh(connection) if wide is None else wide
    figures = unusual.unusual_values(connection, wide)
    for judged in _judged_runs(connection, bodies):
        with facts.judging(connection, judged):
            yield timeliness.late_findings(judged, chosen)
            yield content.template_findings(judged)
            yield content.incomplete_findings(connection, judged)
            yield sums.sums_findings(connection, judged)
            yield sums.text_findings(connection, judged)
            yield content.parts_findings(connection, judged)
            yield reuse.reuse_findings(connection, judged, wide)
            yield unusual.jump_findings(judged, figures)
        del judged
    reports = facts.current_reports(connection, columns=facts.ACROSS_COLUMNS)
    yield timeliness.missing_findings(agencies, reports)
    yield unusual.peer_findings(reports, figures, years)
    yield aggregate_findings(connection, reports, agencies, wide)


#: Current reports judged at a time by the rules on a body's own reports when every body
#: is judged: a million reports' every column and what those rules make of them took
#: 400 MiB at once. A body's findings depend on its own reports only, so runs of whole
#: bodies find what judging all at once finds.
JUDGED_AT_ONCE = 100_000


def _judged_runs(connection: duckdb.DuckDBPyConnection, bodies: Collection[int] | None) -> Iterator[pd.DataFrame]:
    """The reports to judge (every column): of ``bodies``, or of every body a run at a time."""
    if bodies is not None:
        yield facts.current_reports(connection, bodies)
        return
    for run in facts.runs_of_bodies(connection, JUDGED_AT_ONCE):
        yield facts.current_reports(connection, within=run)


def refresh_findings(
    connection: duckdb.DuckDBPyConnection, bodies: Collection[int] | None = None, years: Collection[int] | None = None
) -> int:
    """Audit the warehouse again (for ``bodies`` only where a rule allows it, see the
    module's note) and store what was found; returns how many findings were stored.
    ``years``: those whose peer groups can have changed (the years of the reports saved,
    and every year of the bodies whose attributes changed); without it, every year of
    ``bodies``."""
    refresh_report_values(connection, bodies)  # the rules read it (then a no-op at publish)
    stamp = rules_fingerprint()
    stored = connection.execute("SELECT value FROM meta WHERE key = 'audited_with'").fetchall()
    if stored != [(stamp,)]:
        bodies = None
    elif bodies is not None and not bodies:
        return 0  # no body's reports or attributes changed: neither did any finding
    if bodies is None:
        years = None
    elif years is None:
        years = facts.years_of(connection, bodies)
    connection.execute(f"CREATE OR REPLACE TEMP TABLE {_STAGED} AS SELECT *, 0::BIGINT AS seq FROM findings LIMIT 0")
    try:
        staged = connection.sql(f"SELECT * FROM {_STAGED}").to_arrow_table().schema
        with memory_limit(connection, AUDIT_MEMORY):
            count = 0
            for batch in _rule_batches(connection, None, bodies, years, True):
                _stage(connection, batch, count, staged)
                count += len(batch)
        if bodies is None:
            connection.execute("DELETE FROM findings")
        else:
            connection.execute(
                """DELETE FROM findings WHERE list_contains(?, rule)
                   OR (rule <> ? AND list_contains(?, agency_id)) OR (rule = ? AND list_contains(?, year))""",
                [list(ACROSS_BODIES), BY_YEAR, sorted(bodies), BY_YEAR, sorted(years or [])],
            )
        # In the order the review lists them (body, year, severity, rule; then as found).
        connection.execute(
            f"""INSERT INTO findings SELECT * EXCLUDE (seq) FROM {_STAGED}
                ORDER BY agency_id, year, list_position(?, severity), list_position(?, rule), seq""",
            [list(SEVERITIES), [rule.code for rule in RULES]],
        )
    finally:
        connection.execute(f"DROP TABLE IF EXISTS {_STAGED}")
    connection.execute("INSERT OR REPLACE INTO meta VALUES ('audited_with', ?)", [stamp])
    return count


#: The most memory DuckDB takes while the rules run: they hold their frames beside it (a
#: million reports' in a few hundred MiB), and DuckDB keeps every block a scan read up to
#: its limit. Its questions here spill past it (the texts are sorted a run of bodies at a
#: time, see ``reuse``); a million reports' review peaks at 950 MiB with it.
AUDIT_MEMORY = "150MB"


#: Where an audit's findings wait, rule by rule, until they replace the stored ones.
_STAGED = "staged_findings"
_FIELDS = tuple(field.name for field in fields(Finding))


def _stage(connection: duckdb.DuckDBPyConnection, batch: list[Finding], first: int, staged: pa.Schema) -> None:
    """One rule's findings into the staging table (whose columns are ``staged``),
    numbered from ``first`` in the order found. As Arrow columns of the table's own types:
    a frame of them, its lists as Python objects, took three times as long."""
    if not batch:
        return
    columns = {name: pa.array([getattr(item, name) for item in batch], staged.field(name).type) for name in _FIELDS}
    columns["seq"] = pa.array(range(first, first + len(batch)), staged.field("seq").type)
    connection.register("incoming_findings", pa.table(columns))
    try:
        connection.execute(f"INSERT INTO {_STAGED} BY NAME SELECT * FROM incoming_findings")
    finally:
        connection.unregister("incoming_findings")


def rules_fingerprint() -> str:
    """The rules' code and the statutory deadlines, in one value: findings stored under
    another one were found by other rules, and are all found again."""
    digest = hashlib.sha256(repr(timeliness.load_deadlines()).encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]
