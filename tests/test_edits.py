"""Changes a user makes, the same from the command line and the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.edits import rename_report_agency, upgrade
from etl.ingest import ingest
from etl.warehouse import connect_readonly
from tests.helpers import ZHUZHOU


def test_a_report_is_put_under_another_agency_and_an_unknown_one_is_said(db_path: Path, tmp_path: Path) -> None:
    nameless = tmp_path / "downloads" / "2019-0001.txt"
    nameless.parent.mkdir()
    nameless.write_text(ZHUZHOU.read_text("utf-8").replace("株洲市审计局", "").replace("2019年度", "2022年度"), "utf-8")
    ingest([ZHUZHOU, nameless], db_path)
    connection = connect_readonly(db_path)
    try:
        ((report_id,),) = connection.execute("SELECT report_id FROM current_reports WHERE needs_name").fetchall()
    finally:
        connection.close()
    rename_report_agency(db_path, report_id, "株洲市审计局")
    connection = connect_readonly(db_path)
    try:
        names = connection.execute("SELECT DISTINCT name FROM current_reports ORDER BY 1").fetchall()
        reports = connection.execute(
            "SELECT count(*) FROM reports JOIN agencies USING (agency_id) WHERE name = '株洲市审计局'"
        ).fetchall()
    finally:
        connection.close()
    assert names == [("株洲市审计局",)] and reports == [(2,)]
    with pytest.raises(LookupError, match="没有编号为 999 的报告"):
        rename_report_agency(db_path, 999, "株洲市审计局")


def test_upgrading_a_current_warehouse_changes_nothing(db_path: Path) -> None:
    ingest([ZHUZHOU], db_path)
    before = db_path.stat().st_mtime_ns
    assert upgrade(db_path) is False and db_path.stat().st_mtime_ns == before
