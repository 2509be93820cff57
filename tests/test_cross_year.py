"""Checks across an agency's years, stored as warnings in the warehouse."""

import shutil
from pathlib import Path

import pytest

from corpus.agencies import all_agencies
from corpus.generate import GeneratedReport, generate, write
from etl.cross_year_rules import MISSING_YEAR_RULE
from etl.ingest import find_files, ingest
from etl.warehouse import connect_readonly

AGENCY = next(a for a in all_agencies() if a.name == "湖南省人民政府")


@pytest.fixture(scope="module")
def run_with_faults(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seven years of one agency: 2022 restates 上年结转, 2023 misstates 规章 现行有效件数,
    2024 is missing. Each change keeps the report's own identities true."""
    folder = tmp_path_factory.mktemp("run")
    reports: dict[int, GeneratedReport] = {r.spec.year: r for r in generate(5, agencies=[AGENCY], cross_year_faults=False)}
    assert reports[2022].spec.version == reports[2023].spec.version == "2021"
    cells = reports[2022].spec.cells
    for column in ("natural_person", "total"):
        cells[f"requests.carried_over.{column}"] = int(cells[f"requests.carried_over.{column}"]) + 1
        cells[f"requests.new_received.{column}"] = int(cells[f"requests.new_received.{column}"]) - 1
    reports[2023].spec.cells["active.regulations.in_force"] = int(reports[2023].spec.cells["active.regulations.in_force"]) + 3
    for year, report in reports.items():
        report.spec.broken = []
        report.defects = frozenset()
        if year != 2024:
            write(report, folder)
    db = folder / "w.duckdb"
    summary = ingest(find_files([folder]), db)
    assert summary.counts["loaded"] == 6
    return db


def _checks(db: Path, rule: str) -> list[tuple[object, ...]]:
    with connect_readonly(db) as connection:
        return connection.execute(
            """SELECT r.year, c.subject, c.status, c.severity, c.expected, c.actual, p.year
               FROM checks c JOIN reports r USING (report_id) LEFT JOIN reports p ON p.report_id = c.related_report_id
               WHERE c.rule = ? ORDER BY r.year, c.subject""",
            [rule],
        ).fetchall()


def test_carried_over_is_checked_per_column_against_last_years_carried_forward(run_with_faults: Path) -> None:
    checks = _checks(run_with_faults, "cross_year_carried_over")
    failed = [(year, subject, severity, prev) for year, subject, status, severity, _, _, prev in checks if status == "failed"]
    assert failed == [(2022, "上年结转｜总计", "warning", 2021), (2022, "上年结转｜自然人", "warning", 2021)]
    assert {year for year, *_ in checks} == {2020, 2021, 2022, 2023}  # no pair across the missing 2024
    for year, subject, status, _, expected, actual, _ in checks:
        if status == "failed":
            assert actual == expected + 1, (year, subject)


def test_in_force_follows_made_and_repealed_in_the_2021_template(run_with_faults: Path) -> None:
    checks = _checks(run_with_faults, "cross_year_in_force")
    failed = [(year, subject, expected, actual) for year, subject, status, _, expected, actual, _ in checks if status == "failed"]
    assert [(year, subject) for year, subject, *_ in failed] == [(2023, "规章｜现行有效件数")]
    assert failed[0][3] == failed[0][2] + 3
    assert {year for year, *_ in checks} <= {2022, 2023}  # both years must use the 2021 template


def test_a_missing_year_is_a_warning_on_the_report_after_the_gap(run_with_faults: Path) -> None:
    assert _checks(run_with_faults, "cross_year_missing_year") == [(2025, "2024年", "failed", "warning", None, None, 2023)]


def test_cross_year_warnings_are_not_counted_as_the_reports_own_errors(run_with_faults: Path) -> None:
    with connect_readonly(run_with_faults) as connection:
        own = connection.execute("SELECT count(*) FROM checks WHERE status = 'failed' AND severity = 'error'").fetchall()
    assert own == [(0,)]


def test_filling_the_gap_redoes_the_checks(run_with_faults: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(run_with_faults.read_bytes())
    report = next(r for r in generate(5, agencies=[AGENCY], cross_year_faults=False) if r.spec.year == 2024)
    report.defects = frozenset()
    ingest([write(report, tmp_path / "late")], db)
    assert _checks(db, "cross_year_missing_year") == []
    years = {year for year, *_ in _checks(db, "cross_year_carried_over")}
    assert years == {2020, 2021, 2022, 2023, 2024, 2025}


def test_the_quality_page_asks_report_values_for_what_checks_hold(run_with_faults: Path, tmp_path: Path) -> None:
    """数据质量 reads each report's failed checks from its row of ``report_values``: the
    same as asking ``checks``; and a changed check makes that table out of date (its
    fingerprint sees the checks it keeps), so it is made again rather than read stale."""
    import shutil

    from dashboard.queries import Filters, cross_year_counts, cross_year_warnings
    from etl.warehouse import building
    from etl.warehouse.wide import report_values_fresh

    everything = Filters(include_generated=True)
    warnings = cross_year_warnings(run_with_faults, everything)
    failed = [c for c in _checks(run_with_faults, "cross_year_carried_over") if c[2] == "failed"]
    failed += [c for c in _checks(run_with_faults, "cross_year_in_force") if c[2] == "failed"]
    failed += [c for c in _checks(run_with_faults, "cross_year_missing_year") if c[2] == "failed"]
    assert sorted((int(y), str(s)) for y, s in zip(warnings["year"], warnings["subject"], strict=True)) == sorted(
        (int(str(c[0])), str(c[1])) for c in failed
    )
    counts = cross_year_counts(run_with_faults, everything).set_index("rule")
    for status in ("passed", "failed", "not_assessable"):
        stored = {rule: len([c for c in _checks(run_with_faults, rule) if c[2] == status]) for rule in counts.index}
        assert counts[status].to_dict() == stored, status
    with connect_readonly(run_with_faults) as connection:
        failing = dict(
            connection.execute(
                """SELECT rule, count(DISTINCT report_id) FROM checks
                   WHERE status = 'failed' AND starts_with(rule, 'cross_year') GROUP BY rule"""
            ).fetchall()
        )
    assert counts["reports"].to_dict() == {rule: failing.get(rule, 0) for rule in counts.index}
    assert counts.loc["cross_year_carried_over", "failed"] >= 1

    copy = tmp_path / "w.duckdb"
    shutil.copy(run_with_faults, copy)
    with building(copy) as connection:
        assert report_values_fresh(connection)
        connection.execute("UPDATE checks SET status = 'passed' WHERE status = 'failed' AND starts_with(rule, 'cross_year')")
        assert not report_values_fresh(connection)
    assert cross_year_warnings(copy, everything).empty  # made again when the copy was published


def test_an_agencys_rows_made_again_alone_keep_the_checks_a_whole_build_gives(run_with_faults: Path, tmp_path: Path) -> None:
    """After an ingest only the agencies it touched have their rows of ``report_values``
    made again: their checks are asked for those reports alone, and must come out as
    building the whole table gives them."""
    import shutil

    from etl.warehouse import building
    from etl.warehouse.wide import _layout, refresh_report_values

    table = "SELECT * FROM report_values ORDER BY report_id"
    alone, whole = tmp_path / "alone.duckdb", tmp_path / "whole.duckdb"
    for copy in (alone, whole):
        shutil.copy(run_with_faults, copy)
    with building(whole) as connection:
        connection.execute("DELETE FROM meta WHERE key = 'report_values'")
        assert refresh_report_values(connection)
    with building(alone) as connection:
        ((agency,),) = connection.execute(
            "SELECT DISTINCT agency_id FROM checks JOIN reports USING (report_id) WHERE rule = 'cross_year_carried_over' AND status = 'failed'"
        ).fetchall()
        connection.execute("DELETE FROM report_values WHERE agency_id = ?", [agency])
        connection.execute("INSERT OR REPLACE INTO meta VALUES ('report_values', ?)", [f"{_layout()}:stale"])
        assert refresh_report_values(connection, {agency})
    with connect_readonly(alone) as connection:
        made = connection.execute(table).fetchall()
        failed = connection.execute(
            "SELECT count(*) FROM report_values WHERE agency_id = ? AND len(cross_year_failed) > 0", [agency]
        ).fetchall()
    with connect_readonly(whole) as connection:
        assert made == connection.execute(table).fetchall()
    assert failed[0][0] >= 2  # 2022 and 2023 each fail a check across years


_ACROSS_YEARS = """SELECT report_id, rule, subject, status, severity, expected, actual, cells, related_report_id FROM checks
                   WHERE related_report_id IS NOT NULL ORDER BY ALL"""


@pytest.mark.parametrize("at_once", [1, 6, 30])
def test_every_agency_checked_a_run_of_agencies_at_a_time_gives_the_checks_of_one_run(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at_once: int
) -> None:
    from etl.warehouse import building, cross_year, refresh_cross_year_checks
    from etl.warehouse.agencies import agency_runs

    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse, db)
    with building(db) as connection:
        monkeypatch.setattr(cross_year, "CHECKED_AT_ONCE", 10**9)
        refresh_cross_year_checks(connection)
        whole = connection.execute(_ACROSS_YEARS).fetchall()
        monkeypatch.setattr(cross_year, "CHECKED_AT_ONCE", at_once)
        runs = agency_runs(connection, at_once)
        refresh_cross_year_checks(connection)
        assert connection.execute(_ACROSS_YEARS).fetchall() == whole
    assert len(runs) > 1 and len(whole) > 100
    assert MISSING_YEAR_RULE in {row[1] for row in whole} and any(row[3] == "failed" for row in whole)
