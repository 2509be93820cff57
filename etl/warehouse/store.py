"""Reports in the warehouse: saving parsed reports in bulk, logging ingests, wide tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import cache
from operator import attrgetter
from pathlib import Path

import duckdb
import pandas as pd

from etl import PARSER_VERSION
from etl.report import CellRecord, ParsedReport
from etl.warehouse.agencies import agency_ids, placeholder_agency, supersede

#: A current report loaded before schema 5 kept no text (its parts, its scope): loaded
#: again, it is read again, so that the annual review's rules on text apply to it.
_READ_IN_FULL = "NOT (is_current AND scope IS NULL)"


def loaded_digests(connection: duckdb.DuckDBPyConnection) -> set[str]:
    """The file contents already loaded in full, which an ingest does not parse again."""
    rows = connection.execute(f"SELECT sha256 FROM reports GROUP BY sha256 HAVING bool_and({_READ_IN_FULL})").fetchall()
    return {str(row[0]) for row in rows}


def loaded_reports_for_shas(connection: duckdb.DuckDBPyConnection, digests: list[str]) -> dict[str, int]:
    """The report already loaded from each of these file contents (the current one where
    it is still current), in one query. A content loaded before is never loaded again, even
    where another file for the same agency and year has replaced it since: two copies of one
    report in a folder (its web page and its PDF) would otherwise replace each other on
    every re-ingest."""
    rows = connection.execute(
        f"""SELECT sha256, arg_max(report_id, (is_current, report_id)) FROM reports
            WHERE list_contains(?, sha256) GROUP BY sha256 HAVING bool_and({_READ_IN_FULL})""",
        [digests],
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


@dataclass(frozen=True)
class ReportRow:
    """A row of ``reports``: the fields are the columns, written here once."""

    report_id: int
    agency_id: int
    year: int | None
    template: str
    published: date | None
    source_path: str
    source_format: str
    sha256: str
    parser_version: str
    loaded_at: datetime
    is_current: bool
    superseded_at: datetime | None
    superseded_by: int | None
    error_count: int
    warning_count: int
    agency_name: str | None
    agency_from: str | None
    published_from: str | None
    scope: str
    scope_sentence: str | None


@dataclass(frozen=True)
class PartRow:
    """A part of the report's text (一 … 六), for the annual review."""

    report_id: int
    part: int
    heading: str
    text: str
    location: str


@dataclass(frozen=True)
class CellRow:
    report_id: int
    key: str
    table_key: str
    row_key: str
    column_key: str
    value: float | None
    raw: str
    read_as: str
    location: str
    note: str
    page: int | None
    box: list[float] | None  # x0, top, x1, bottom in points on the page


@dataclass(frozen=True)
class CheckRow:
    report_id: int
    rule: str
    subject: str
    status: str
    severity: str
    expected: float | None
    actual: float | None
    cells: list[str]


@dataclass(frozen=True)
class IssueRow:
    report_id: int
    severity: str
    rule: str
    message: str
    cells: list[str]
    location: str


def _insert(
    connection: duckdb.DuckDBPyConnection, reports: list[ParsedReport], ids: list[int], agency_ids: list[int], now: datetime
) -> None:
    report_rows: list[ReportRow] = []
    cell_rows: list[tuple[object, ...]] = []
    check_rows: list[CheckRow] = []
    issue_rows: list[IssueRow] = []
    part_rows: list[PartRow] = []
    for report, report_id, agency_id in zip(reports, ids, agency_ids, strict=True):
        errors = sum(issue.severity == "error" for issue in report.issues)
        report_rows.append(
            ReportRow(
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
                report.published_from or None,
                report.scope,
                report.scope_sentence or None,
            )
        )
        part_rows += [PartRow(report_id, p.number, p.heading, p.text, p.location) for p in report.parts]
        cell_rows += [_cell_values(report_id, cell) for cell in report.cells.values()]
        check_rows += [
            CheckRow(report_id, c.rule, c.subject, c.status, c.severity, c.expected, c.actual, list(c.cells))
            for c in report.checks
        ]
        issue_rows += [IssueRow(report_id, i.severity, i.rule, i.message, list(i.cells), i.location) for i in report.issues]
    frames = {
        "reports": _frame(report_rows, ReportRow).astype({"superseded_at": "datetime64[us]", "superseded_by": "Int64"}),
        "cells": pd.DataFrame(cell_rows, columns=[f.name for f in fields(CellRow)]).astype({"value": "float64", "page": "Int64"}),
        "checks": _frame(check_rows, CheckRow).astype({"expected": "float64", "actual": "float64"}),
        "issues": _frame(issue_rows, IssueRow),
        "report_parts": _frame(part_rows, PartRow),
    }
    for table, frame in frames.items():
        if len(frame):
            connection.register("incoming", frame)
            connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
            connection.unregister("incoming")


@cache
def _key_parts(key: str) -> tuple[str, str, str]:
    table_key, row_key, column_key = key.split(".", 2)
    return table_key, row_key, column_key


def _cell_values(report_id: int, cell: CellRecord) -> tuple[object, ...]:
    """A cell's row, its values in ``CellRow``'s field order: a plain tuple, since a frozen
    record a cell (two hundred a report) costs the writer more than the insert."""
    table_key, row_key, column_key = _key_parts(cell.key)
    box = cell.box
    return (
        report_id,
        cell.key,
        table_key,
        row_key,
        column_key,
        cell.value,
        cell.raw,
        cell.read_as,
        cell.location,
        cell.note,
        None if box is None else box.page,
        None if box is None else [round(v, 1) for v in (box.x0, box.top, box.x1, box.bottom)],
    )


def _frame(rows: Sequence[object], record: type) -> pd.DataFrame:
    """Rows of one record type as a frame whose columns are the record's fields (read with
    one ``attrgetter`` call a row: ``dataclasses.astuple`` would copy every list, and
    ``fields()`` a row costs more than the row)."""
    names = [f.name for f in fields(record)]
    values = attrgetter(*names)
    return pd.DataFrame([values(row) for row in rows], columns=names)


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
