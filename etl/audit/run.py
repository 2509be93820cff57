"""The audit stage: every rule over the warehouse, its findings stored in ``findings``.

Findings depend on other reports (last year's, the roster, the peers), so they are
recomputed for the whole warehouse after every change, as the checks across years are.
"""

from __future__ import annotations

from dataclasses import fields

import duckdb
import pandas as pd

from etl.audit import content, facts, reuse, sums, timeliness, unusual
from etl.audit.aggregates import aggregate_findings
from etl.audit.finding import SEVERITIES, Finding
from etl.audit.rules import RULES


def audit_findings(connection: duckdb.DuckDBPyConnection, deadlines: list[timeliness.Deadline] | None = None) -> list[Finding]:
    reports = facts.current_reports(connection)
    agencies = facts.agencies(connection)
    chosen = deadlines if deadlines is not None else timeliness.load_deadlines()
    found = [
        *timeliness.late_findings(reports, chosen),
        *timeliness.missing_findings(agencies, reports),
        *content.template_findings(reports),
        *content.incomplete_findings(connection, reports),
        *sums.sums_findings(connection, reports),
        *sums.text_findings(connection, reports),
        *content.parts_findings(connection, reports),
        *reuse.reuse_findings(connection, reports),
        *unusual.unusual_findings(connection, reports),
        *aggregate_findings(connection, reports, agencies),
    ]
    order = {rule.code: index for index, rule in enumerate(RULES)}
    found.sort(key=lambda f: (f.agency_id, f.year, SEVERITIES.index(f.severity), order[f.rule]))
    return found


def refresh_findings(connection: duckdb.DuckDBPyConnection) -> int:
    """Audit the warehouse again and store what was found; returns how many findings."""
    found = audit_findings(connection)
    connection.execute("DELETE FROM findings")
    if found:
        names = [f.name for f in fields(Finding)]
        frame = pd.DataFrame([[getattr(item, name) for name in names] for item in found], columns=names)
        frame = frame.astype({"report_id": "Int64"})
        connection.register("incoming_findings", frame)
        try:
            connection.execute("INSERT INTO findings BY NAME SELECT * FROM incoming_findings")
        finally:
            connection.unregister("incoming_findings")
    return len(found)
