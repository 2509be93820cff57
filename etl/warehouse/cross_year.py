"""Checks across an agency's years, recorded in ``checks`` as warnings.

They depend on two reports of one agency, so they are recomputed after every change
instead of being parsed with one report: for the agencies an ingest gave reports, or
for the whole warehouse after a merge of agencies or a report named by the user. A failed one is a warning, not an error: agencies do restate
last year's numbers, and either year may be the one that is wrong.
"""

from __future__ import annotations

from collections.abc import Collection

import duckdb
import pandas as pd

from etl.cross_year_rules import MISSING_YEAR_RULE, cross_year_rules
from etl.warehouse.access import memory_limit
from etl.warehouse.agencies import agency_runs


def refresh_cross_year_checks(connection: duckdb.DuckDBPyConnection, agencies: Collection[int] | None = None) -> None:
    """The checks across years again, for these agencies (None: every agency)."""
    rules = pd.DataFrame(
        [(r.rule, r.subject, r.this_year, r.last_year, r.plus, r.minus, r.version) for r in cross_year_rules()],
        columns=["rule", "subject", "this_key", "last_key", "plus_key", "minus_key", "version"],
    ).astype(object)
    names = sorted({r.rule for r in cross_year_rules()} | {MISSING_YEAR_RULE})
    chosen = sorted(agencies) if agencies is not None else []
    runs: list[tuple[str, list[object]]]
    if agencies is None:
        connection.execute("DELETE FROM checks WHERE list_contains(?, rule)", [names])
        # A run of agencies at a time: a million reports' pairs at once took 40 s and needed
        # 700 MB of DuckDB's (runs of 100,000 reports still ran out of memory within 400 MB);
        # in runs of 25,000, 14 s, within CHECK_MEMORY.
        runs = [("agency_id BETWEEN ? AND ?", list(run)) for run in agency_runs(connection, CHECKED_AT_ONCE)]
    elif chosen:
        connection.execute(
            """DELETE FROM checks WHERE list_contains(?, rule)
               AND report_id IN (SELECT report_id FROM reports WHERE list_contains(?, agency_id))""",
            [names, chosen],
        )
        runs = [("list_contains(?, agency_id)", [chosen])]
    else:
        return
    connection.register("cross_year_rules", rules)
    try:
        with memory_limit(connection, CHECK_MEMORY):
            for among, params in runs:
                connection.execute(_PAIR_CHECKS.format(among=among), params)
                connection.execute(_MISSING_YEARS.format(among=among), [MISSING_YEAR_RULE, *params])
    finally:
        connection.unregister("cross_year_rules")


#: Current reports whose checks across years are made at a time when every agency's are.
CHECKED_AT_ONCE = 25_000
#: The most memory DuckDB takes while it makes them: it keeps every block a scan read up to
#: its limit (at the ingest's 640 MB, a million reports' checks took the ingest past 1 GiB).
CHECK_MEMORY = "300MB"


_PAIR_CHECKS = """
INSERT INTO checks BY NAME
WITH cur AS (SELECT report_id, agency_id, year, template FROM reports WHERE is_current AND {among}),
pairs AS (
    SELECT c.report_id, p.report_id AS prev_id, c.template, p.template AS prev_template
    FROM cur c JOIN cur p ON p.agency_id = c.agency_id AND p.year = c.year - 1),
wanted AS (SELECT DISTINCT this_key AS key FROM cross_year_rules UNION SELECT last_key FROM cross_year_rules
           UNION SELECT plus_key FROM cross_year_rules WHERE plus_key IS NOT NULL
           UNION SELECT minus_key FROM cross_year_rules WHERE minus_key IS NOT NULL),
v AS (SELECT report_id, key, value FROM cells WHERE key IN (SELECT key FROM wanted)
      AND report_id IN (SELECT report_id FROM pairs UNION SELECT prev_id FROM pairs)),
joined AS (
    SELECT p.report_id, p.prev_id, u.rule, u.subject, u.this_key, u.plus_key, u.minus_key,
           this.value AS this_value, last.value AS last_value, plus.value AS plus_value, minus.value AS minus_value
    FROM pairs p JOIN cross_year_rules u ON u.version IS NULL OR (p.template = u.version AND p.prev_template = u.version)
    LEFT JOIN v this ON this.report_id = p.report_id AND this.key = u.this_key
    LEFT JOIN v last ON last.report_id = p.prev_id AND last.key = u.last_key
    LEFT JOIN v plus ON plus.report_id = p.report_id AND plus.key = u.plus_key
    LEFT JOIN v minus ON minus.report_id = p.report_id AND minus.key = u.minus_key
    WHERE this.value IS NOT NULL OR last.value IS NOT NULL)
SELECT report_id, rule, subject,
       CASE WHEN this_value IS NULL OR expected IS NULL THEN 'not_assessable'
            WHEN this_value = expected THEN 'passed' ELSE 'failed' END AS status,
       'warning' AS severity, expected, this_value AS actual,
       list_filter([this_key, plus_key, minus_key], lambda k: k IS NOT NULL) AS cells,
       prev_id AS related_report_id
FROM (SELECT *, last_value + CASE WHEN plus_key IS NULL THEN 0 ELSE plus_value - minus_value END AS expected FROM joined)
"""

_MISSING_YEARS = """
INSERT INTO checks BY NAME
SELECT report_id, ?::VARCHAR AS rule,
       CASE WHEN year - prev_year = 2 THEN (year - 1)::VARCHAR || '年'
            ELSE (prev_year + 1)::VARCHAR || '—' || (year - 1)::VARCHAR || '年' END AS subject,
       'failed' AS status, 'warning' AS severity, NULL::DOUBLE AS expected, NULL::DOUBLE AS actual,
       []::VARCHAR[] AS cells, prev_id AS related_report_id
FROM (SELECT report_id, year, lag(year) OVER w AS prev_year, lag(report_id) OVER w AS prev_id
      FROM reports WHERE is_current AND {among} WINDOW w AS (PARTITION BY agency_id ORDER BY year))
WHERE year - prev_year > 1
"""
