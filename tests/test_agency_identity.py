"""One agency across years and spellings in the warehouse; reports that name no agency."""

import subprocess
import sys
from pathlib import Path

import pytest

from etl.ingest import ingest
from etl.warehouse import SCHEMA_VERSION, connect_readonly
from tests.helpers import ROOT, ZHUZHOU

ZHUZHOU_TEXT = ZHUZHOU.read_text("utf-8")


def retitled(folder: Path, name: str, year: int, file_name: str | None = None) -> Path:
    """The 株洲 sample under another agency name and year."""
    text = ZHUZHOU_TEXT.replace("株洲市审计局", name).replace("2019年度", f"{year}年度")
    path = folder / (file_name or f"{name or 'report'}-{year}.txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def rows(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with connect_readonly(db) as connection:
        return connection.execute(sql, params or []).fetchall()


def test_spellings_across_years_are_one_agency_shown_under_its_latest_name(db_path: Path, tmp_path: Path) -> None:
    ingest([ZHUZHOU, retitled(tmp_path, "湖南省株洲市审计局", 2020), retitled(tmp_path, "株洲市审计局 ", 2021)], db_path)
    assert rows(db_path, "SELECT count(*) FROM agencies") == [(1,)]
    assert rows(db_path, "SELECT a.name, count(*) FROM reports JOIN agencies a USING (agency_id) GROUP BY 1") == [
        ("株洲市审计局", 3)
    ]
    assert rows(db_path, "SELECT name FROM agency_names ORDER BY name") == [("株洲市审计局",), ("湖南省株洲市审计局",)]
    assert rows(db_path, "SELECT year, agency_name FROM reports ORDER BY year")[1] == (2020, "湖南省株洲市审计局")


def test_an_alias_in_agencies_csv_joins_agencies_loaded_apart(db_path: Path, tmp_path: Path) -> None:
    old = retitled(tmp_path, "株洲审计局", 2019)
    ingest([ZHUZHOU, old, retitled(tmp_path, "株洲审计局", 2020)], db_path)
    assert rows(db_path, "SELECT count(*) FROM agencies") == [(2,)]
    csv_path = tmp_path / "agencies.csv"
    csv_path.write_text(
        "name,aliases,province,city,level,kind,parent\n株洲市审计局,株洲审计局,湖南省,株洲市,市,审计,株洲市人民政府\n", "utf-8"
    )
    ingest([], db_path, agencies_csv=csv_path)
    assert rows(db_path, "SELECT name, overridden, parent FROM agencies") == [("株洲市审计局", True, "株洲市人民政府")]
    current = rows(db_path, "SELECT year, source_path FROM reports WHERE is_current ORDER BY year")
    assert [year for year, _ in current] == [2019, 2020]
    assert current[0][1] == str(old)  # loaded last for 2019, so it is the current one
    superseded = rows(db_path, "SELECT source_path, superseded_by IS NOT NULL FROM reports WHERE NOT is_current")
    assert superseded == [(str(ZHUZHOU), True)]
    assert rows(db_path, "SELECT count(*) FROM cells c JOIN reports r USING (report_id) WHERE NOT r.is_current") == [(0,)]

    from dashboard.queries import Filters, agency_directory

    (listed,) = agency_directory(db_path, Filters()).itertuples(index=False)
    assert (listed.agency, listed.aliases, listed.reports, listed.parent) == ("株洲市审计局", "株洲审计局", 2, "株洲市人民政府")
    assert (listed.first_year, listed.last_year, listed.missing_years) == (2019, 2020, None)


def test_an_alias_known_before_loading_files_them_under_the_named_agency(db_path: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "agencies.csv"
    csv_path.write_text("name,aliases\n平潭综合实验区,平潭县人民政府\n", "utf-8")
    ingest([retitled(tmp_path, "平潭县人民政府", 2020)], db_path, agencies_csv=csv_path)
    assert rows(db_path, "SELECT name, county FROM agencies") == [("平潭综合实验区", "平潭县")]


def test_the_agency_name_falls_back_to_the_folder_and_the_year_to_the_file_name(db_path: Path, tmp_path: Path) -> None:
    path = retitled(tmp_path, "", 2019, file_name="株洲市审计局/2019.txt")
    ingest([path], db_path)
    assert rows(db_path, "SELECT a.name, r.agency_from FROM reports r JOIN agencies a USING (agency_id)") == [
        ("株洲市审计局", "folder")
    ]
    messages = [m for (m,) in rows(db_path, "SELECT message FROM issues WHERE severity = 'warning'")]
    assert any("机关名称取自文件夹名" in m for m in messages)


def test_a_report_naming_no_agency_is_kept_for_the_user_to_name(db_path: Path, tmp_path: Path) -> None:
    nameless = retitled(tmp_path, "", 2019, file_name="downloads/2019-0001.txt")
    summary = ingest([ZHUZHOU, nameless], db_path)
    assert summary.counts["loaded"] == 2
    ((report_id, name, needs_name),) = rows(
        db_path, "SELECT r.report_id, a.name, a.needs_name FROM reports r JOIN agencies a USING (agency_id) WHERE a.needs_name"
    )
    assert name.startswith("待命名：2019-0001") and needs_name
    result = subprocess.run(
        [sys.executable, "-m", "etl", "name", "--db", str(db_path), str(report_id), "湖南省株洲市审计局"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert rows(db_path, "SELECT count(*) FROM agencies") == [(1,)]  # the placeholder is gone
    current = rows(db_path, "SELECT report_id, agency_from FROM reports WHERE is_current")
    assert current == [(report_id, "user")]  # same agency and year: the named report replaces the older one


def test_naming_a_report_that_does_not_exist_is_one_clear_sentence(db_path: Path) -> None:
    ingest([ZHUZHOU], db_path)
    result = subprocess.run(
        [sys.executable, "-m", "etl", "name", "--db", str(db_path), "999", "株洲市审计局"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2 and result.stderr.strip() == "没有编号为 999 的报告"


def test_a_schema_1_warehouse_is_upgraded_in_place_keeping_every_number(v1_warehouse: Path, tmp_path: Path) -> None:
    cells_before = rows(v1_warehouse, "SELECT count(*), sum(value) FROM cells")
    assert rows(v1_warehouse, "SELECT count(*) FROM agencies") == [(2,)]
    result = subprocess.run(
        [sys.executable, "-m", "etl", "upgrade", "--db", str(v1_warehouse)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert rows(v1_warehouse, "SELECT value FROM meta WHERE key = 'schema_version'") == [(SCHEMA_VERSION,)]
    assert rows(v1_warehouse, "SELECT count(*), sum(value) FROM cells") == cells_before
    assert rows(v1_warehouse, "SELECT name, agency_key, province FROM agencies") == [
        ("湖南省株洲市审计局", "430200:审计局", "湖南省")
    ]
    assert rows(v1_warehouse, "SELECT count(*) FROM reports WHERE is_current") == [(2,)]
    assert rows(v1_warehouse, "SELECT count(*) FROM checks WHERE rule = 'cross_year_carried_over'") != [(0,)]
    assert rows(v1_warehouse, "SELECT count(page), count(box) FROM cells") == [(0, 0)]  # schema 3: text sources have no pages
    # Schema 5: the annual review judges the old reports' tables and dates, not their text (not kept then).
    assert rows(v1_warehouse, "SELECT count(*) FROM report_parts") == [(0,)]
    judged = {str(rule) for (rule,) in rows(v1_warehouse, "SELECT DISTINCT rule FROM findings")}
    assert not judged & {"part_missing", "part_five_empty", "fee_not_stated", "text_reused"}
    # Schema 9: a cell's key no longer has its three parts kept beside it; the upgraded
    # file's cells have a new file's columns, in the same order.
    ingest([], tmp_path / "fresh.duckdb")
    described = "SELECT column_name, column_type FROM (DESCRIBE cells)"
    assert rows(v1_warehouse, described) == rows(tmp_path / "fresh.duckdb", described)
    assert not {"table_key", "row_key", "column_key"} & {str(name) for name, _ in rows(v1_warehouse, described)}


def test_the_dashboard_asks_for_an_upgrade_instead_of_failing(v1_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.helpers import open_page

    app = open_page(v1_warehouse, "overview", monkeypatch)
    assert not app.exception
    assert any("python -m etl upgrade" in warning.value for warning in app.warning)


def test_an_agencies_csv_row_changes_only_what_it_fills_in(db_path: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "agencies.csv"
    csv_path.write_text("name,province,city,county,level,kind,parent\n株洲市审计局,,,,,,株洲市人民政府\n", "utf-8")
    ingest([ZHUZHOU], db_path, agencies_csv=csv_path)
    assert rows(db_path, "SELECT province, city, level, kind, is_government, parent, uncertain FROM agencies") == [
        ("湖南省", "株洲市", "市", "审计", False, "株洲市人民政府", False)
    ]


def test_a_nameless_report_is_named_through_the_downloaded_agencies_csv(db_path: Path, tmp_path: Path) -> None:
    from etl.agencies_csv import overrides_csv
    from etl.warehouse import agency_table, connect_readonly

    ingest([ZHUZHOU, retitled(tmp_path, "", 2020, file_name="downloads/2020-0001.txt")], db_path)
    with connect_readonly(db_path) as connection:
        table = agency_table(connection)
    to_fix = tmp_path / "to-fix.csv"
    to_fix.write_bytes(overrides_csv(table[table["needs_name"]].to_dict("records")))
    text = to_fix.read_text("utf-8-sig")
    assert "\n,待命名：2020-0001" in text and "请在 name 列填写机关名称" in text
    to_fix.write_text(text.replace("\n,待命名：", "\n株洲市审计局,待命名："), "utf-8-sig")
    ingest([], db_path, agencies_csv=to_fix)
    assert rows(db_path, "SELECT count(*), bool_or(needs_name) FROM agencies") == [(1, False)]
    assert rows(db_path, "SELECT year, agency_from FROM reports ORDER BY year") == [(2019, "title"), (2020, "user")]
