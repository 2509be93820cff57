"""Reports in the warehouse: saving parsed reports in bulk, logging ingests, wide tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl import PARSER_VERSION
from etl.digests import Digests
from etl.report import ParsedReport
from etl.warehouse.agencies import agency_ids, placeholder_agency, supersede
from etl.warehouse.rows import TABLES, ReportRows, report_batch, rows_of, table_batch

#: A current report loaded before schema 5 kept no text (its parts, its scope): loaded
#: again, it is read again, so that the annual review's rules on text apply to it.
_READ_IN_FULL = "NOT (is_current AND scope IS NULL)"


def loaded_digests(connection: duckdb.DuckDBPyConnection) -> Digests:
    """The file contents already loaded in full, which an ingest does not parse again
    (their 32 bytes straight into one array: a million as Python strings took 150 MiB)."""
    table = connection.sql(
        f"""SELECT unhex(sha256) AS digest FROM reports WHERE sha256 IS NOT NULL
            GROUP BY sha256 HAVING bool_and({_READ_IN_FULL})"""
    ).to_arrow_table()
    return Digests.of_arrow(table.column("digest"))


class LoadedContents:
    """Whether a file's content was loaded in full, as ``loaded_digests`` tells it, asked
    of the warehouse one content at a time: for an ingest of a few files (an upload),
    reading every report's digest first took 0.15 s at 100,000 reports, and grows with
    the warehouse."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection

    def __contains__(self, hex_digest: object) -> bool:
        if not isinstance(hex_digest, str):
            return False
        rows = self._connection.execute(
            f"SELECT 1 FROM reports WHERE sha256 = ? GROUP BY sha256 HAVING bool_and({_READ_IN_FULL})", [hex_digest]
        ).fetchall()
        return bool(rows)


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
    reports: Sequence[ParsedReport | ReportRows],
    generated: bool = False,
    canonical: dict[str, str] | None = None,
) -> list[tuple[int, str]]:
    """Insert parsed reports (or their rows, built by a parse worker) in one transaction, in bulk.

    A changed file for the same agency and year replaces the old numbers; the old
    report's record stays, marked as superseded by the new one. A report that names no
    agency is kept under a placeholder agency for the user to name.
    """
    if not reports:
        return []
    rows = [report if isinstance(report, ReportRows) else rows_of(report, PARSER_VERSION) for report in reports]
    connection.execute("BEGIN TRANSACTION")
    try:
        named = agency_ids(connection, [r.agency for r in rows if r.agency], generated, canonical or {})
        owners = [
            named[r.agency] if r.agency else placeholder_agency(connection, Path(r.source).stem, r.sha256, generated)
            for r in rows
        ]
        current = {
            (a, y): r
            for r, a, y in connection.execute(
                "SELECT report_id, agency_id, year FROM reports WHERE is_current AND list_contains(?, agency_id)",
                [sorted(set(owners))],
            ).fetchall()
        }
        ids = [int(row[0]) for row in connection.execute("SELECT nextval('report_ids') FROM range(?)", [len(rows)]).fetchall()]
        outcomes, superseded = [], []
        for report, report_id, owner in zip(rows, ids, owners, strict=True):
            assert report.year is not None
            slot = (owner, report.year)
            if slot in current:
                superseded.append((current[slot], report_id))
            outcomes.append((report_id, "replaced" if slot in current else "loaded"))
            current[slot] = report_id
        _insert(connection, rows, ids, owners, datetime.now())
        supersede(connection, superseded)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return outcomes


def _insert(
    connection: duckdb.DuckDBPyConnection, reports: list[ReportRows], ids: list[int], agency_ids: list[int], now: datetime
) -> None:
    batches = {"reports": report_batch(reports, [(i, a, now, True, None, None) for i, a in zip(ids, agency_ids, strict=True)])}
    batches.update({table: table_batch(table, reports, ids) for table in TABLES})
    for table, batch in batches.items():
        if batch.num_rows:
            connection.register("incoming", batch)
            connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
            connection.unregister("incoming")


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
