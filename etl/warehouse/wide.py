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
import numpy as np
import pyarrow as pa

from etl.template import all_keys
from etl.warehouse.access import memory_limit
from etl.warehouse.schema import WarehouseError

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


#: Reports pivoted at a time: their cells, 4 million rows, take some 300 MiB on the way.
_SLICE = 20_000
#: DuckDB's memory while the table is written (below the 640 MB a build allows it): its
#: scans keep every block they read up to the limit, and with the slices pivoted in numpy
#: nothing here needs more.
WRITE_MEMORY = "400MB"
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
    whole = agencies is None or not same_layout
    with memory_limit(connection, WRITE_MEMORY):
        try:
            checks = _prepare(connection, agencies if not whole else None)
            wanted = _ids(connection, _WANTED_WHOLE if whole else _WANTED_MISSING)
            if whole:
                _write_rows(connection, wanted[:0], "CREATE OR REPLACE TABLE report_values AS", checks)
            # A slice of reports at a time: their cells, pivoted here, fit in little memory.
            for start in range(0, len(wanted), _SLICE):
                _write_rows(connection, wanted[start : start + _SLICE], "INSERT INTO report_values BY NAME", checks)
        finally:
            connection.execute("DROP TABLE IF EXISTS temp.report_values_checks")
    connection.execute("INSERT OR REPLACE INTO meta VALUES ('report_values', ?)", [fingerprint])
    return True


_WANTED_WHOLE = "SELECT report_id FROM reports WHERE is_current ORDER BY year, report_id"
# The reports to add are asked first: reading the table an INSERT writes is slow.
_WANTED_MISSING = "SELECT report_id FROM reports WHERE is_current AND report_id NOT IN (SELECT report_id FROM report_values)"


def _prepare(connection: duckdb.DuckDBPyConnection, agencies: Collection[int] | None) -> str:
    """Make room for the rows to write: for ``agencies`` (None: every one, the table
    built whole) delete the rows they replace. Returns the query of the written reports'
    checks, by report."""
    if agencies is None:
        # Each report's checks, gathered once: asked per slice, each slice scanned every
        # check of the warehouse (1.2 s a slice at a million reports).
        connection.execute(
            "CREATE OR REPLACE TEMP TABLE report_values_checks AS "
            f"{_checks_by_report('(SELECT report_id FROM reports WHERE is_current)')}"
        )
        return "SELECT * FROM report_values_checks WHERE report_id IN (SELECT report_id FROM report_values_wanted)"
    connection.execute(
        """DELETE FROM report_values
           WHERE report_id NOT IN (SELECT report_id FROM reports WHERE is_current) OR list_contains(?, agency_id)""",
        [sorted(agencies)],
    )
    return _checks_by_report("report_values_wanted")


def _ids(connection: duckdb.DuckDBPyConnection, sql: str) -> np.ndarray:
    """A query's report ids as one array (a million of them as Python tuples: 100 MiB)."""
    return np.asarray(connection.sql(sql).fetchnumpy()["report_id"], dtype=np.int32)


def _write_rows(connection: duckdb.DuckDBPyConnection, report_ids: np.ndarray, statement: str, checks: str) -> None:
    """Write these current reports' rows, in the order given, with ``statement`` (an
    INSERT, or a CREATE of the table, given no reports); ``checks`` is the query of their
    checks by report. Their cells are pivoted in numpy (DuckDB's
    PIVOT on 282 keys is an aggregate filtered by each key in turn, five seconds for
    50,000 reports, most of the time of building the table whole) and the rows put
    together here, in order: DuckDB sorting rows of three hundred columns ran out of
    memory under its limit."""
    wanted = pa.table(
        {"report_id": pa.array(report_ids, pa.int32()), "slot": pa.array(np.arange(len(report_ids), dtype=np.int32))}
    )
    connection.register("report_values_wanted", wanted)
    connection.register("report_values_keys", _KEY_SLOTS)
    try:
        cells = connection.sql(
            """SELECT w.slot AS row, k.slot AS col, c.value FROM cells c
               JOIN report_values_wanted w USING (report_id) JOIN report_values_keys k USING (key)"""
        ).to_arrow_table()
        pivoted = _pivot(report_ids, cells)
        del cells
        described = connection.sql(f"{_described(checks)} ORDER BY w.slot").to_arrow_table()
        if not described.column("report_id").equals(pivoted.column("report_id")):
            raise WarehouseError("report_values：报告的机关信息与其数字未能逐行对应，未写入")
        rows = pa.Table.from_arrays(
            described.columns + pivoted.columns[1:], names=described.column_names + pivoted.column_names[1:]
        )
        del described, pivoted
        connection.register("report_values_rows", rows)
        connection.execute(f"{statement} SELECT * FROM report_values_rows")
    finally:
        for name in ("report_values_wanted", "report_values_keys", "report_values_rows"):
            connection.unregister(name)


#: Each template key and its column among the pivoted values.
_KEYS = all_keys()
_KEY_SLOTS = pa.table({"key": pa.array(_KEYS), "slot": pa.array(range(len(_KEYS)), pa.int16())})


def _pivot(report_ids: np.ndarray, cells: pa.Table) -> pa.Table:
    """One row per report (in the order given) and one column per key from (row, col,
    value) triples; a key the report lacks, or holds as NULL, is NULL. Should a report
    hold a key twice, its first cell counts, as DuckDB's ``first`` took it."""
    shape = (len(report_ids), len(_KEYS))
    numbers = np.zeros(shape, dtype=np.float64, order="F")  # a column each, contiguous
    present = np.zeros(shape, dtype=np.bool_, order="F")
    rows = cells.column("row").to_numpy()[::-1]  # reversed: the first of equal places is written last
    cols = cells.column("col").to_numpy()[::-1]
    values = cells.column("value").combine_chunks()
    numbers[rows, cols] = values.fill_null(0.0).to_numpy()[::-1]
    present[rows, cols] = values.is_valid().to_numpy(zero_copy_only=False)[::-1]
    columns = {"report_id": pa.array(report_ids, pa.int32())}
    for slot, key in enumerate(_KEYS):
        columns[key] = pa.array(numbers[:, slot], pa.float64(), mask=~present[:, slot])
    return pa.table(columns)


#: DuckDB's memory while a writer works out the fingerprint: two scans that need next to
#: none, whose blocks DuckDB would otherwise keep (half a GiB at a million reports).
SCAN_MEMORY = "200MB"


def _described(checks: str) -> str:
    """What the table holds of the wanted reports (``report_values_wanted``) beside their
    keys: their agency's attributes, how their cells were read and their checks from
    ``checks`` (a query of ``_checks_by_report``'s columns)."""
    kept = ", ".join(f"r.{column}" for column in REPORT_COLUMNS)
    return f"""WITH h AS (SELECT report_id, histogram(read_as) AS {READ_AS_COLUMN} FROM cells
                     WHERE report_id IN (SELECT report_id FROM report_values_wanted) GROUP BY report_id),
               k AS ({checks})
               SELECT {kept}, h.{READ_AS_COLUMN}, {", ".join(f"k.{column}" for column in CHECK_COLUMNS)}
               FROM current_reports r JOIN report_values_wanted w USING (report_id)
               LEFT JOIN h USING (report_id) LEFT JOIN k USING (report_id)"""


def _checks_by_report(of: str) -> str:
    """The checks the table keeps (``CHECK_COLUMNS``), one row per report of ``of`` (a
    table or query of ``report_id``s). A semi join: asked as ``IN (…)``, an upload's few
    reports took as long as reading every check of the warehouse (a quarter of a second
    at 100,000 reports), where a join reads only the blocks that can hold them."""
    return f"""SELECT c.report_id,
                      list({{'rule': c.rule, 'subject': c.subject, 'expected': c.expected, 'actual': c.actual,
                            'cells': c.cells}} ORDER BY c.rule, c.subject)
                          FILTER (WHERE c.status = 'failed' AND c.severity = 'error') AS failed_checks,
                      histogram(c.rule || ':' || c.status) FILTER (WHERE starts_with(c.rule, 'cross_year'))
                          AS cross_year_tally,
                      list({{'rule': c.rule, 'subject': c.subject, 'compared_year': p.year, 'expected': c.expected,
                            'actual': c.actual, 'related_report_id': c.related_report_id}} ORDER BY c.rule, c.subject)
                          FILTER (WHERE starts_with(c.rule, 'cross_year') AND c.status = 'failed') AS cross_year_failed
               FROM checks c SEMI JOIN {of} w ON w.report_id = c.report_id
               LEFT JOIN reports p ON p.report_id = c.related_report_id
               WHERE {_checks_kept("c.")}
               GROUP BY c.report_id"""


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
