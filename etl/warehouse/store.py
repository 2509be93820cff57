"""Reports in the warehouse: saving parsed reports in bulk, logging ingests, wide tables."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl import PARSER_VERSION
from etl.document import Box
from etl.report import ParsedReport
from etl.warehouse.agencies import agency_ids, placeholder_agency, supersede


def current_reports_for_shas(connection: duckdb.DuckDBPyConnection, digests: list[str]) -> dict[str, int]:
    """The current report already loaded from each of these file contents, in one query."""
    rows = connection.execute(
        "SELECT sha256, report_id FROM reports WHERE is_current AND list_contains(?, sha256)", [digests]
    ).fetchall()
    return {str(sha): int(report_id) for sha, report_id in rows}


def save_reports(
    connection: duckdb.DuckDBPyConnection,
    reports: list[ParsedReport],
    generated: bool = False,
    canonical: dict[str, str] | None = None,
) -> list[tuple[int, str]]:
    """Insert parsed reports in one transaction, in bulk.

    A changed file for the same agency and year replaces the old numbers; the old
    report's record stays, marked as superseded by the new one. A report that names no
    agency is kept under a placeholder agency for the user to name.
    """
    if not reports:
        return []
    connection.execute("BEGIN TRANSACTION")
    try:
        named = agency_ids(connection, [r.agency for r in reports if r.agency], generated, canonical or {})
        owners = [
            named[r.agency] if r.agency else placeholder_agency(connection, Path(r.source).stem, r.sha256, generated)
            for r in reports
        ]
        current = {
            (a, y): r
            for r, a, y in connection.execute("SELECT report_id, agency_id, year FROM reports WHERE is_current").fetchall()
        }
        ids = [int(row[0]) for row in connection.execute("SELECT nextval('report_ids') FROM range(?)", [len(reports)]).fetchall()]
        outcomes, superseded = [], []
        for report, report_id, owner in zip(reports, ids, owners, strict=True):
            assert report.year is not None
            slot = (owner, report.year)
            if slot in current:
                superseded.append((current[slot], report_id))
            outcomes.append((report_id, "replaced" if slot in current else "loaded"))
            current[slot] = report_id
        _insert(connection, reports, ids, owners, datetime.now())
        supersede(connection, superseded)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return outcomes


def _insert(
    connection: duckdb.DuckDBPyConnection, reports: list[ParsedReport], ids: list[int], agency_ids: list[int], now: datetime
) -> None:
    report_rows, cell_rows, check_rows, issue_rows = [], [], [], []
    for report, report_id, agency_id in zip(reports, ids, agency_ids, strict=True):
        errors = sum(issue.severity == "error" for issue in report.issues)
        report_rows.append(
            (
                report_id,
                agency_id,
                report.year,
                report.template,
                report.published,
                report.source,
                report.format,
                report.sha256,
                PARSER_VERSION,
                now,
                True,
                None,
                None,
                errors,
                len(report.issues) - errors,
                report.agency,
                report.agency_from or None,
            )
        )
        cell_rows += [
            (report_id, c.key, *c.key.split(".", 2), c.value, c.raw, c.read_as, c.location, c.note, *_page_and_box(c.box))
            for c in report.cells.values()
        ]
        check_rows += [
            (report_id, c.rule, c.subject, c.status, c.severity, c.expected, c.actual, list(c.cells)) for c in report.checks
        ]
        issue_rows += [(report_id, i.severity, i.rule, i.message, list(i.cells), i.location) for i in report.issues]
    frames = {
        "reports": pd.DataFrame(report_rows, columns=_REPORT_COLUMNS).astype(
            {"superseded_at": "datetime64[us]", "superseded_by": "Int64"}
        ),
        "cells": pd.DataFrame(cell_rows, columns=_CELL_COLUMNS).astype({"value": "float64", "page": "Int64"}),
        "checks": pd.DataFrame(check_rows, columns=_CHECK_COLUMNS).astype({"expected": "float64", "actual": "float64"}),
        "issues": pd.DataFrame(issue_rows, columns=_ISSUE_COLUMNS),
    }
    for table, frame in frames.items():
        if len(frame):
            connection.register("incoming", frame)
            connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
            connection.unregister("incoming")


_REPORT_COLUMNS = [
    "report_id",
    "agency_id",
    "year",
    "template",
    "published",
    "source_path",
    "source_format",
    "sha256",
    "parser_version",
    "loaded_at",
    "is_current",
    "superseded_at",
    "superseded_by",
    "error_count",
    "warning_count",
    "agency_name",
    "agency_from",
]
_CELL_COLUMNS = [
    "report_id",
    "key",
    "table_key",
    "row_key",
    "column_key",
    "value",
    "raw",
    "read_as",
    "location",
    "note",
    "page",
    "box",
]


def _page_and_box(box: Box | None) -> tuple[int | None, list[float] | None]:
    return (None, None) if box is None else (box.page, [round(v, 1) for v in (box.x0, box.top, box.x1, box.bottom)])


_CHECK_COLUMNS = ["report_id", "rule", "subject", "status", "severity", "expected", "actual", "cells"]
_ISSUE_COLUMNS = ["report_id", "severity", "rule", "message", "cells", "location"]


def log_ingest(
    connection: duckdb.DuckDBPyConnection,
    run_started: datetime,
    entries: list[tuple[str, str | None, str, str | None, str | None, float, int | None]],
) -> None:
    """Record each file's outcome: (file, sha256, status, stage, reason, seconds, report_id)."""
    if not entries:
        return
    frame = pd.DataFrame(entries, columns=["file", "sha256", "status", "stage", "reason", "seconds", "report_id"])
    frame.insert(0, "run_started", run_started)
    frame["logged_at"] = datetime.now()
    frame = frame.astype({"report_id": "Int64", "seconds": "float64"})
    connection.register("incoming", frame)
    connection.execute("INSERT INTO ingest_log BY NAME SELECT * FROM incoming")
    connection.unregister("incoming")


WIDE_META_COLUMNS = {
    "report_id": "报告编号",
    "agency": "机关",
    "agency_key": "机关标识",
    "province": "省份",
    "city": "城市",
    "county": "区县",
    "level": "层级",
    "kind": "类别",
    "year": "年度",
    "template": "模板版本",
    "published": "发布日期",
    "source_path": "来源文件",
}


def wide_cells(connection: duckdb.DuckDBPyConnection, keys: tuple[str, ...]) -> pd.DataFrame:
    """Current reports, one row each, one column per key in the given order (NULL = not reported)."""
    reports = connection.execute(
        """SELECT r.report_id, a.name AS agency, a.agency_key, a.province, a.city, a.county, a.level, a.kind,
                  r.year, r.template, r.published, r.source_path
           FROM reports r JOIN agencies a USING (agency_id)
           WHERE r.is_current ORDER BY a.name, r.year"""
    ).df()
    cells = connection.execute(
        "SELECT c.report_id, c.key, c.value FROM cells c JOIN reports r USING (report_id) WHERE r.is_current"
    ).df()
    wide = cells.pivot(index="report_id", columns="key", values="value") if len(cells) else pd.DataFrame()
    wide = wide.reindex(columns=list(keys))
    return reports.merge(wide, left_on="report_id", right_index=True, how="left")
