"""``report_values``: one row per current report, its agency's attributes and one column
per template key, materialised when a warehouse is published.

The dashboard's pages sum a few keys over many reports; from ``cells`` (two hundred rows
a report) that is a scan of millions of rows for every chart, from this table a scan of
a few columns. It is made again only when what it holds changed (its fingerprint is the
current reports and their agencies' attributes), and after an ingest only for the
agencies the ingest gave reports to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

import duckdb
import pandas as pd

from etl.template import all_keys
from etl.warehouse.access import memory_limit

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


#: Reports pivoted at a time.
_SLICE = 50_000
#: How many of the report's cells were read each way (number, blank, dash…), as a map.
READ_AS_COLUMN = "read_as_cells"
#: The report's checks that 数据质量 lists, kept with its row: scanning ``checks`` (fifty
#: rows a report) and joining it with the reports took that page over a second at a
#: million reports. Its own identities that failed (a list of rule, subject, expected,
#: actual, cells); its checks across years counted by rule and status (a map
#: ``rule:status`` → count); those that failed, each with the year compared with.
CHECK_COLUMNS = ("failed_checks", "cross_year_tally", "cross_year_failed")


def _checks_kept(of: str = "") -> str:
    """The checks those columns are made of (``of``: the table's alias and a dot): what
    the fingerprint must see change."""
    return f"({of}status = 'failed' OR starts_with({of}rule, 'cross_year'))"


def refresh_report_values(connection: duckdb.DuckDBPyConnection, agencies: Collection[int] | None = None) -> bool:
    """Bring ``report_values`` up to date if the current reports or their agencies
    changed; returns whether anything was done. With ``agencies`` (those whose reports or
    attributes changed) only their rows and the rows of reports no longer current are
    made again; a table built by another version of this code is built whole."""
    with memory_limit(connection, SCAN_MEMORY):  # only writers come here: the limit is the database's
        fingerprint = _fingerprint(connection)
    if _holds(connection, fingerprint):
        return False
    stored = connection.execute("SELECT value FROM meta WHERE key = 'report_values'").fetchall()
    same_layout = bool(stored) and str(stored[0][0]).startswith(f"{_layout()}:")
    if agencies is None or not same_layout:
        connection.execute(f"CREATE OR REPLACE TABLE report_values AS {_rows('FALSE')}")
        wanted = connection.execute("SELECT report_id FROM reports WHERE is_current ORDER BY year, report_id").fetchall()
    else:
        connection.execute(
            """DELETE FROM report_values
               WHERE report_id NOT IN (SELECT report_id FROM reports WHERE is_current) OR list_contains(?, agency_id)""",
            [sorted(agencies)],
        )
        # The reports to add are asked first: reading the table an INSERT writes is slow.
        wanted = connection.execute(
            "SELECT report_id FROM reports WHERE is_current AND report_id NOT IN (SELECT report_id FROM report_values)"
        ).fetchall()
    # A slice of reports at a time: pivoting a million reports' cells at once does not fit
    # the memory an ingest allows DuckDB.
    for start in range(0, len(wanted), _SLICE):
        chunk = pd.DataFrame({"report_id": [int(row[0]) for row in wanted[start : start + _SLICE]]})
        connection.register("report_values_wanted", chunk)
        try:
            connection.execute(
                f"""INSERT INTO report_values BY NAME
                    {_rows("r.report_id IN (SELECT report_id FROM report_values_wanted)")} ORDER BY r.year, r.report_id"""
            )
        finally:
            connection.unregister("report_values_wanted")
    connection.execute("INSERT OR REPLACE INTO meta VALUES ('report_values', ?)", [fingerprint])
    return True


#: DuckDB's memory while a writer works out the fingerprint: two scans that need next to
#: none, whose blocks DuckDB would otherwise keep (half a GiB at a million reports).
SCAN_MEMORY = "200MB"


def _rows(among: str) -> str:
    """The rows of current reports that meet ``among`` (a condition on ``r``)."""
    # Keys are the template's own (an allow-list), never user input; a key no report has
    # is a column of NULLs, so that every page can ask for any key.
    keys = ", ".join(f"'{key}'" for key in all_keys())
    kept = ", ".join(f"r.{column}" for column in REPORT_COLUMNS)
    chosen = f"SELECT r.report_id FROM current_reports r WHERE {among}"
    return f"""WITH chosen AS ({chosen}),
               v AS (PIVOT (SELECT report_id, key, value FROM cells WHERE report_id IN (SELECT report_id FROM chosen))
                     ON key IN ({keys}) USING first(value) GROUP BY report_id),
               h AS (SELECT report_id, histogram(read_as) AS {READ_AS_COLUMN} FROM cells
                     WHERE report_id IN (SELECT report_id FROM chosen) GROUP BY report_id),
               k AS (SELECT c.report_id,
                            list({{'rule': c.rule, 'subject': c.subject, 'expected': c.expected, 'actual': c.actual,
                                  'cells': c.cells}} ORDER BY c.rule, c.subject)
                                FILTER (WHERE c.status = 'failed' AND c.severity = 'error') AS failed_checks,
                            histogram(c.rule || ':' || c.status) FILTER (WHERE starts_with(c.rule, 'cross_year'))
                                AS cross_year_tally,
                            list({{'rule': c.rule, 'subject': c.subject, 'compared_year': p.year, 'expected': c.expected,
                                  'actual': c.actual, 'related_report_id': c.related_report_id}} ORDER BY c.rule, c.subject)
                                FILTER (WHERE starts_with(c.rule, 'cross_year') AND c.status = 'failed') AS cross_year_failed
                     FROM checks c LEFT JOIN reports p ON p.report_id = c.related_report_id
                     WHERE c.report_id IN (SELECT report_id FROM chosen) AND {_checks_kept("c.")}
                     GROUP BY c.report_id)
               SELECT {kept}, h.{READ_AS_COLUMN}, {", ".join(f"k.{column}" for column in CHECK_COLUMNS)},
                      v.* EXCLUDE (report_id)
               FROM current_reports r JOIN chosen USING (report_id) LEFT JOIN v USING (report_id)
               LEFT JOIN h USING (report_id) LEFT JOIN k USING (report_id)"""


def _layout() -> str:
    """The table's columns in one value: a table of other columns is built again whole."""
    return hashlib.sha256(repr((REPORT_COLUMNS, READ_AS_COLUMN, CHECK_COLUMNS, all_keys())).encode()).hexdigest()[:16]


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
    """What the table depends on, in one value: its columns, the current reports (their
    ids change when a report is replaced), every attribute of their agencies it keeps and
    the checks it keeps (those across years change when another year's report comes)."""
    attributes = ", ".join(REPORT_COLUMNS)
    ((count, digest),) = connection.execute(
        f"SELECT count(*), coalesce(sum(hash({attributes})), 0) FROM current_reports"
    ).fetchall()
    # A check's cells are hashed as one string (keys hold no separator): hashing the lists
    # themselves took most of a second at a million reports, and the fingerprint is asked
    # at every ingest and publish.
    ((checked, checks),) = connection.execute(
        f"""SELECT count(*), coalesce(sum(hash(report_id, rule, subject, status, severity, expected, actual,
                                               array_to_string(cells, chr(31)), related_report_id)), 0)
            FROM checks WHERE {_checks_kept()}"""
    ).fetchall()
    return f"{_layout()}:{count}:{digest}:{checked}:{checks}"
