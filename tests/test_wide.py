"""``report_values`` holds, for every current report, each template key's value as ``cells``
holds it: NULL where the key is missing or not reported, 0 where the report says zero.
DuckDB's own PIVOT of ``cells`` is the oracle for the pivot made in numpy."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb

from etl.template import all_keys
from etl.warehouse import building
from etl.warehouse.wide import refresh_report_values

_ORACLE = """PIVOT (SELECT report_id, key, value FROM cells WHERE report_id IN (SELECT report_id FROM current_reports))
             ON key IN ({keys}) USING first(value) GROUP BY report_id"""


def _same(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    return left == right


def test_report_values_hold_each_keys_cell_as_a_pivot_of_cells_gives(warehouse: Path, tmp_path: Path) -> None:
    db = tmp_path / "wide.duckdb"
    shutil.copyfile(warehouse, db)
    keys = all_keys()
    with building(db) as connection:
        # A report whose cells hold every case: a NULL value, a zero, a key left out.
        ((report_id,),) = connection.execute("SELECT min(report_id) FROM current_reports").fetchall()
        held_keys = connection.execute(
            "SELECT key FROM cells WHERE report_id = ? AND value > 0 ORDER BY key LIMIT 3", [report_id]
        ).fetchall()
        first, second, third = (key for (key,) in held_keys)
        connection.execute("UPDATE cells SET value = NULL WHERE report_id = ? AND key = ?", [report_id, first])
        connection.execute("UPDATE cells SET value = 0 WHERE report_id = ? AND key = ?", [report_id, second])
        connection.execute("DELETE FROM cells WHERE report_id = ? AND key = ?", [report_id, third])
        connection.execute("DELETE FROM meta WHERE key = 'report_values'")  # built whole
        refresh_report_values(connection)
    connection = duckdb.connect(str(db), read_only=True)
    try:
        columns = ", ".join(f'"{key}"' for key in keys)
        expected = connection.execute(
            f"SELECT report_id, {columns} FROM ({_ORACLE.format(keys=', '.join(repr(k) for k in keys))}) ORDER BY report_id"
        ).fetchall()
        stored = connection.execute(f"SELECT report_id, {columns} FROM report_values ORDER BY report_id").fetchall()
        order = connection.execute("SELECT year, report_id FROM report_values").fetchall()
        held = connection.execute(
            f'SELECT "{first}", "{second}", "{third}" FROM report_values WHERE report_id = ?', [report_id]
        ).fetchone()
        reports = connection.execute("SELECT count(*) FROM current_reports").fetchone()
    finally:
        connection.close()
    assert reports is not None and len(stored) == reports[0] > 10
    assert [row[0] for row in stored] == [row[0] for row in expected]
    wrong = [
        (row[0], keys[i], got, want)
        for row, want_row in zip(stored, expected, strict=True)
        for i, (got, want) in enumerate(zip(row[1:], want_row[1:], strict=True))
        if not _same(got, want)
    ]
    assert wrong == []
    assert held is not None and held[0] is None and held[1] == 0 and held[2] is None
    assert sum(value is not None for row in stored for value in row[1:]) > 100 * len(stored)
    assert order == sorted(order)  # kept by year, so that a year's pages read few blocks
