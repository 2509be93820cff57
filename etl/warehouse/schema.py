"""The warehouse's schema, and how a file of an older one is upgraded.

How a file is built and published is ``publish``'s, how readers open it ``access``'s; a
file of an older schema is upgraded by ``prepare`` in the building copy, so a failed
upgrade leaves the old file as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

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
CREATE TABLE IF NOT EXISTS agency_names (name VARCHAR PRIMARY KEY, agency_id INTEGER NOT NULL);
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

_AGENCY_IDENTITY = """
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS agency_key VARCHAR;
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS division_code VARCHAR;
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS parent VARCHAR;
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS needs_name BOOLEAN DEFAULT FALSE;
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS note VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS agency_name VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS agency_from VARCHAR;
ALTER TABLE checks ADD COLUMN IF NOT EXISTS related_report_id INTEGER;
"""


_ANNUAL_REVIEW = """
ALTER TABLE reports ADD COLUMN IF NOT EXISTS published_from VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS scope VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS scope_sentence VARCHAR;
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS reports_from INTEGER;
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS reports_to INTEGER;
CREATE TABLE IF NOT EXISTS report_parts (
    report_id INTEGER NOT NULL,
    part INTEGER NOT NULL,
    heading VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    location VARCHAR
);
CREATE TABLE IF NOT EXISTS findings (
    agency_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    report_id INTEGER,
    rule VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    table_name VARCHAR,
    row_label VARCHAR,
    column_label VARCHAR,
    message VARCHAR NOT NULL,
    cells VARCHAR[],
    numbers DOUBLE[],
    evidence VARCHAR,
    location VARCHAR
);
CREATE OR REPLACE VIEW current_reports AS
    SELECT * FROM reports JOIN agencies USING (agency_id) WHERE reports.is_current;
"""


def _rekey_agencies(connection: duckdb.DuckDBPyConnection) -> None:
    """Schema 1 knew agencies by their printed name: give each its identity across spellings."""
    from etl.warehouse.agencies import refresh_agencies, rekey_agencies
    from etl.warehouse.cross_year import refresh_cross_year_checks

    connection.execute("UPDATE reports SET agency_name = a.name FROM agencies a WHERE reports.agency_id = a.agency_id")
    connection.execute("INSERT OR IGNORE INTO agency_names SELECT name, agency_id FROM agencies")
    rekey_agencies(connection)
    refresh_agencies(connection)
    refresh_cross_year_checks(connection)


def _audit(connection: duckdb.DuckDBPyConnection) -> None:
    """Reports loaded before schema 5 have no text kept: the rules on tables and dates
    apply to them at once, the rules on text once they are loaded again."""
    from etl.audit import refresh_findings

    refresh_findings(connection)


@dataclass(frozen=True)
class Upgrade:
    """One step from the schema before it: columns added (last, so that upgraded and new
    files have the same column order) or dropped, then what an older file's rows need."""

    version: str
    why: str
    sql: str
    migrate_rows: Callable[[duckdb.DuckDBPyConnection], None] | None = None


UPGRADES = (
    Upgrade(
        "2",
        "one identity per agency across spellings; where a report's agency name came from; "
        "which other report a cross-year check compares with",
        _AGENCY_IDENTITY,
        _rekey_agencies,
    ),
    Upgrade(
        "3",
        "where each cell stands on its page (PDF, scans), to show it marked on the page image",
        "ALTER TABLE cells ADD COLUMN IF NOT EXISTS page INTEGER; ALTER TABLE cells ADD COLUMN IF NOT EXISTS box DOUBLE[];",
    ),
    Upgrade(
        "4",
        "the current reports with their agencies, as one view the dashboard asks",
        """CREATE OR REPLACE VIEW current_reports AS
           SELECT * FROM reports JOIN agencies USING (agency_id) WHERE reports.is_current;""",
    ),
    Upgrade(
        "5",
        "the annual review: each report's parts as text, when its date was published and by "
        "what, whether it speaks for the body or its area, the roster years, the findings",
        _ANNUAL_REVIEW,
        _audit,
    ),
    Upgrade(
        "6",
        "report_values: one row per current report and one column per key, which the dashboard "
        "asks instead of cells (built when the upgraded copy is published)",
        "SELECT 1",
    ),
    Upgrade(
        "7",
        "report_values counts each report's cells by how they were read, for 数据质量 "
        "(built again, whole, when the upgraded copy is published)",
        "SELECT 1",
    ),
    Upgrade(
        "8",
        "report_values keeps each report's failed identities and its checks across years, for 数据质量 "
        "(built again, whole, when the upgraded copy is published)",
        "SELECT 1",
    ),
    Upgrade(
        "9",
        "cells no longer keep their key's three parts (table, row, column) beside the key that "
        "spells them: a quarter of what saving a report's cells cost",
        """ALTER TABLE cells DROP COLUMN IF EXISTS table_key;
           ALTER TABLE cells DROP COLUMN IF EXISTS row_key;
           ALTER TABLE cells DROP COLUMN IF EXISTS column_key;""",
    ),
)
SCHEMA_VERSION = UPGRADES[-1].version


class WarehouseError(Exception):
    """The warehouse file cannot be opened or written."""


def schema_version(connection: duckdb.DuckDBPyConnection) -> str | None:
    """The schema a file was written with; None for a file that is not a warehouse."""
    try:
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    except duckdb.CatalogException:
        return None
    return str(row[0][0]) if row else None


def prepare(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the tables, or bring an older file up to this schema."""
    was = schema_version(connection)
    connection.execute(SCHEMA)
    for step in UPGRADES:
        connection.execute(step.sql)
        if was is not None and int(was) < int(step.version) and step.migrate_rows is not None:
            step.migrate_rows(connection)
    connection.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
