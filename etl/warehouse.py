"""The DuckDB warehouse: the one module that knows the SQL schema and how files are written.

DuckDB locks the whole file, so an ingest never writes the live file: it copies it to a
building file beside it, writes there, and publishes it with an atomic rename. Readers
holding the old file keep a consistent view; new readers see the new one. A lock file
keeps two ingests from building at once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl import PARSER_VERSION
from etl.agencies import AgencyInfo, infer
from etl.report import ParsedReport

SCHEMA_VERSION = "1"

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS report_ids START 1;
CREATE SEQUENCE IF NOT EXISTS agency_ids START 1;
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS agencies (
    agency_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL UNIQUE,
    generated BOOLEAN NOT NULL DEFAULT FALSE,
    province VARCHAR,
    city VARCHAR,
    county VARCHAR,
    level VARCHAR,
    kind VARCHAR,
    is_government BOOLEAN NOT NULL DEFAULT FALSE,
    uncertain BOOLEAN NOT NULL DEFAULT TRUE,
    overridden BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE IF NOT EXISTS reports (
    report_id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    template VARCHAR NOT NULL,
    published DATE,
    source_path VARCHAR NOT NULL,
    source_format VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    parser_version VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    is_current BOOLEAN NOT NULL,
    superseded_at TIMESTAMP,
    superseded_by INTEGER,
    error_count INTEGER NOT NULL,
    warning_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cells (
    report_id INTEGER NOT NULL,
    key VARCHAR NOT NULL,
    table_key VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    column_key VARCHAR NOT NULL,
    value DOUBLE,
    raw VARCHAR,
    read_as VARCHAR NOT NULL,
    location VARCHAR,
    note VARCHAR
);
CREATE TABLE IF NOT EXISTS checks (
    report_id INTEGER NOT NULL,
    rule VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    expected DOUBLE,
    actual DOUBLE,
    cells VARCHAR[]
);
CREATE TABLE IF NOT EXISTS issues (
    report_id INTEGER NOT NULL,
    severity VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    cells VARCHAR[],
    location VARCHAR
);
CREATE TABLE IF NOT EXISTS ingest_log (
    run_started TIMESTAMP NOT NULL,
    file VARCHAR NOT NULL,
    sha256 VARCHAR,
    status VARCHAR NOT NULL,
    stage VARCHAR,
    reason VARCHAR,
    seconds DOUBLE,
    report_id INTEGER,
    logged_at TIMESTAMP NOT NULL
);
"""


class WarehouseError(Exception):
    """The warehouse file cannot be opened or written."""


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    """A short-lived read-only connection for readers (the dashboard, exports)."""
    if not path.exists():
        raise WarehouseError(f"{path}：数据库文件不存在，请先导入报告")
    return duckdb.connect(str(path), read_only=True)


@contextmanager
def building(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Write to a copy of the warehouse and publish it atomically when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        work = path.with_name(f".{path.name}.building-{os.getpid()}")
        if work.exists():
            work.unlink()
        if path.exists():
            shutil.copyfile(path, work)
        connection = duckdb.connect(str(work))
        try:
            connection.execute(SCHEMA)
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
            yield connection
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('published_at', ?)", [datetime.now().isoformat()])
            connection.execute("CHECKPOINT")
            connection.close()
            os.replace(work, path)
        except BaseException:
            connection.close()
            work.unlink(missing_ok=True)
            Path(str(work) + ".wal").unlink(missing_ok=True)
            raise


def current_reports_for_shas(connection: duckdb.DuckDBPyConnection, digests: list[str]) -> dict[str, int]:
    """The current report already loaded from each of these file contents, in one query."""
    rows = connection.execute(
        "SELECT sha256, report_id FROM reports WHERE is_current AND list_contains(?, sha256)", [digests]
    ).fetchall()
    return {str(sha): int(report_id) for sha, report_id in rows}


def save_reports(
    connection: duckdb.DuckDBPyConnection, reports: list[ParsedReport], generated: bool = False
) -> list[tuple[int, str]]:
    """Insert parsed reports in one transaction, in bulk.

    A changed file for the same agency and year replaces the old numbers; the old
    report's record stays, marked as superseded by the new one.
    """
    if not reports:
        return []
    connection.execute("BEGIN TRANSACTION")
    try:
        agencies = dict(connection.execute("SELECT name, agency_id FROM agencies").fetchall())
        current = {
            (a, y): r
            for r, a, y in connection.execute("SELECT report_id, agency_id, year FROM reports WHERE is_current").fetchall()
        }
        ids = [int(row[0]) for row in connection.execute("SELECT nextval('report_ids') FROM range(?)", [len(reports)]).fetchall()]
        now = datetime.now()
        outcomes, superseded = [], []
        for report, report_id in zip(reports, ids, strict=True):
            assert report.agency is not None and report.year is not None
            if report.agency not in agencies:
                agencies[report.agency] = _new_agency(connection, report.agency, generated)
            slot = (agencies[report.agency], report.year)
            if slot in current:
                superseded.append((current[slot], report_id))
            outcomes.append((report_id, "replaced" if slot in current else "loaded"))
            current[slot] = report_id
        for old_id, new_id in superseded:
            connection.execute(
                "UPDATE reports SET is_current = FALSE, superseded_at = ?, superseded_by = ? WHERE report_id = ?",
                [now, new_id, old_id],
            )
        if superseded:
            old = [old_id for old_id, _ in superseded]
            for table in ("cells", "checks", "issues"):
                connection.execute(f"DELETE FROM {table} WHERE list_contains(?, report_id)", [old])
        _insert(connection, reports, ids, [agencies[r.agency] for r in reports], now)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return outcomes


def _new_agency(connection: duckdb.DuckDBPyConnection, name: str, generated: bool) -> int:
    new_id = int(connection.execute("SELECT nextval('agency_ids')").fetchall()[0][0])
    info = infer(name)
    connection.execute(
        "INSERT INTO agencies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)",
        [
            new_id,
            name,
            generated,
            info.province,
            info.city,
            info.county,
            info.level,
            info.kind,
            info.is_government,
            info.uncertain,
        ],
    )
    return new_id


def apply_agency_overrides(connection: duckdb.DuckDBPyConnection, overrides: dict[str, AgencyInfo]) -> int:
    """The user's agencies.csv wins over inference; returns how many agencies it touched."""
    if not overrides:
        return 0
    frame = pd.DataFrame(
        [(name, i.province, i.city, i.county, i.level, i.kind, i.is_government) for name, i in overrides.items()],
        columns=["name", "province", "city", "county", "level", "kind", "is_government"],
    )
    connection.register("overrides", frame)
    try:
        touched = connection.execute(
            """UPDATE agencies SET province = o.province, city = o.city, county = o.county, level = o.level, kind = o.kind,
                   is_government = o.is_government, uncertain = FALSE, overridden = TRUE
               FROM overrides o WHERE agencies.name = o.name"""
        ).fetchall()
    finally:
        connection.unregister("overrides")
    return int(touched[0][0]) if touched else 0


def agency_table(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return connection.execute(
        "SELECT name, province, city, county, level, kind, is_government, uncertain, overridden, generated FROM agencies ORDER BY name"
    ).df()


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
            )
        )
        cell_rows += [
            (report_id, c.key, *c.key.split(".", 2), c.value, c.raw, c.read_as, c.location, c.note) for c in report.cells.values()
        ]
        check_rows += [
            (report_id, c.rule, c.subject, c.status, c.severity, c.expected, c.actual, list(c.cells)) for c in report.checks
        ]
        issue_rows += [(report_id, i.severity, i.rule, i.message, list(i.cells), i.location) for i in report.issues]
    frames = {
        "reports": pd.DataFrame(report_rows, columns=_REPORT_COLUMNS).astype(
            {"superseded_at": "datetime64[us]", "superseded_by": "Int64"}
        ),
        "cells": pd.DataFrame(cell_rows, columns=_CELL_COLUMNS).astype({"value": "float64"}),
        "checks": pd.DataFrame(check_rows, columns=_CHECK_COLUMNS).astype({"expected": "float64", "actual": "float64"}),
        "issues": pd.DataFrame(issue_rows, columns=_ISSUE_COLUMNS),
    }
    for table, frame in frames.items():
        if len(frame):
            connection.register("incoming", frame)
            connection.execute(f"INSERT INTO {table} SELECT * FROM incoming")
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
]
_CELL_COLUMNS = ["report_id", "key", "table_key", "row_key", "column_key", "value", "raw", "read_as", "location", "note"]
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
    connection.execute("INSERT INTO ingest_log SELECT * FROM incoming")
    connection.unregister("incoming")


WIDE_META_COLUMNS = {
    "report_id": "报告编号",
    "agency": "机关",
    "year": "年度",
    "template": "模板版本",
    "published": "发布日期",
    "source_path": "来源文件",
}


def wide_cells(connection: duckdb.DuckDBPyConnection, keys: tuple[str, ...]) -> pd.DataFrame:
    """Current reports, one row each, one column per key in the given order (NULL = not reported)."""
    reports = connection.execute(
        """SELECT r.report_id, a.name AS agency, r.year, r.template, r.published, r.source_path
           FROM reports r JOIN agencies a USING (agency_id)
           WHERE r.is_current ORDER BY a.name, r.year"""
    ).df()
    cells = connection.execute(
        "SELECT c.report_id, c.key, c.value FROM cells c JOIN reports r USING (report_id) WHERE r.is_current"
    ).df()
    wide = cells.pivot(index="report_id", columns="key", values="value") if len(cells) else pd.DataFrame()
    wide = wide.reindex(columns=list(keys))
    return reports.merge(wide, left_on="report_id", right_index=True, how="left")
