"""``report_values``: one row per current report, its agency's attributes and one column
per template key, materialised when a warehouse is published.

The dashboard's pages sum a few keys over many reports; from ``cells`` (two hundred rows
a report) that is a scan of millions of rows for every chart, from this table a scan of
a few columns. It is rebuilt only when what it holds changed: its fingerprint is the
current reports and their agencies' attributes.
"""

from __future__ import annotations

import duckdb

from etl.template import all_keys

#: The columns of ``current_reports`` the table keeps beside the keys.
REPORT_COLUMNS = (
    "report_id",
    "agency_id",
    "name",
    "agency_key",
    "province",
    "city",
    "county",
    "level",
    "kind",
    "is_government",
    "generated",
    "year",
    "template",
    "published",
    "scope",
)


def refresh_report_values(connection: duckdb.DuckDBPyConnection) -> bool:
    """Build ``report_values`` again if the current reports or their agencies changed;
    returns whether it was built."""
    fingerprint = _fingerprint(connection)
    if _holds(connection, fingerprint):
        return False
    # Keys are the template's own (an allow-list), never user input; a key no report has
    # is a column of NULLs, so that every page can ask for any key.
    keys = ", ".join(f"'{key}'" for key in all_keys())
    kept = ", ".join(f"r.{column}" for column in REPORT_COLUMNS)
    connection.execute(
        f"""CREATE OR REPLACE TABLE report_values AS
            WITH v AS (PIVOT (SELECT report_id, key, value FROM cells
                              WHERE report_id IN (SELECT report_id FROM reports WHERE is_current))
                       ON key IN ({keys}) USING first(value) GROUP BY report_id)
            SELECT {kept}, v.* EXCLUDE (report_id)
            FROM current_reports r LEFT JOIN v USING (report_id)
            ORDER BY r.year, r.report_id"""
    )
    connection.execute("INSERT OR REPLACE INTO meta VALUES ('report_values', ?)", [fingerprint])
    return True


def report_values_fresh(connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``report_values`` holds what the warehouse holds now: readers that may run
    before a publish (the audit) read it then, and ``cells`` otherwise."""
    return _holds(connection, _fingerprint(connection))


def _holds(connection: duckdb.DuckDBPyConnection, fingerprint: str) -> bool:
    stored = connection.execute("SELECT value FROM meta WHERE key = 'report_values'").fetchall()
    exists = connection.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'report_values' AND database_name = current_database()"
    ).fetchall()[0][0]
    return bool(exists) and stored == [(fingerprint,)]


def _fingerprint(connection: duckdb.DuckDBPyConnection) -> str:
    """What the table depends on, in one value: the current reports (their ids change when
    a report is replaced) and every attribute of their agencies it keeps."""
    attributes = ", ".join(REPORT_COLUMNS)
    ((count, digest),) = connection.execute(
        f"SELECT count(*), coalesce(sum(hash({attributes})), 0) FROM current_reports"
    ).fetchall()
    return f"{count}:{digest}"
