"""A report missing a table, or cut off inside one, loads with the tables it has."""

from __future__ import annotations

from pathlib import Path

from etl.ingest import ingest
from etl.parse import parse_file
from etl.report import ParsedReport
from etl.warehouse import connect_readonly
from tests.helpers import FIXTURES, ZHUZHOU


def _errors(report: ParsedReport) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for issue in report.issues:
        if issue.severity == "error":
            found.setdefault(issue.rule, []).append(issue.message)
    return found


def _table(report: ParsedReport, table: str) -> dict[str, int | float | None]:
    return {key: value for key, value in report.values().items() if key.startswith(f"{table}.")}


def _without_lines(tmp_path: Path, first: str, last: str) -> Path:
    """The real sample with the lines from ``first`` up to (not including) ``last`` removed."""
    lines = ZHUZHOU.read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    stop = next(i for i, line in enumerate(lines) if line.startswith(last))
    path = tmp_path / "株洲市审计局2019年政府信息公开工作年度报告.txt"
    path.write_text("\n".join(lines[:start] + lines[stop:]), "utf-8")
    return path


def test_a_report_cut_off_inside_table_three_keeps_table_two_and_says_where_it_ends() -> None:
    whole = parse_file(ZHUZHOU)
    cut = parse_file(FIXTURES / "zhuzhou-truncated.txt")
    assert _table(cut, "active") == _table(whole, "active")
    assert cut.values()["requests.new_received.total"] == whole.values()["requests.new_received.total"]
    assert (
        cut.values()["requests.unable_not_held.total"] is None
        and cut.cells["requests.unable_not_held.total"].read_as == "missing"
    )
    assert all(value is None for value in _table(cut, "appeals").values())
    errors = _errors(cut)
    assert len(errors["table_cut_off"]) == 1 and "表三" in errors["table_cut_off"][0] and "截断" in errors["table_cut_off"][0]
    assert len(errors["missing_table"]) == 1 and "表四" in errors["missing_table"][0] and "截断" in errors["missing_table"][0]
    assert "missing_row" not in errors  # one error per table, not one per row


def test_a_report_without_table_two_loads_tables_three_and_four(tmp_path: Path) -> None:
    whole = parse_file(ZHUZHOU)
    path = _without_lines(tmp_path, "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况")
    report = parse_file(path)
    assert report.template == "2019"  # told from table 三's rows when table 二's headers are gone
    assert all(value is None for value in _table(report, "active").values())
    assert _table(report, "requests") == _table(whole, "requests")
    assert _table(report, "appeals") == _table(whole, "appeals")
    assert list(_errors(report)) == ["missing_table"]
    assert "表二" in _errors(report)["missing_table"][0]


def test_a_table_found_by_its_header_when_its_heading_is_lost(tmp_path: Path) -> None:
    whole = parse_file(ZHUZHOU)
    text = (
        ZHUZHOU.read_text("utf-8")
        .replace("三、收到和处理政府信息公开申请情况", "")
        .replace("四、政府信息公开行政复议、行政诉讼情况", "")
    )
    path = tmp_path / "株洲市审计局2019年政府信息公开工作年度报告.txt"
    path.write_text(text, "utf-8")
    report = parse_file(path)
    assert report.values() == whole.values()
    assert not _errors(report)


def test_a_partial_report_is_loaded_with_its_missing_cells_null(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    summary = ingest([FIXTURES / "zhuzhou-truncated.txt"], db)
    assert summary.counts == {"loaded": 1}
    with connect_readonly(db) as con:
        rows = con.execute("SELECT count(*) FILTER (value IS NULL), count(*) FILTER (value IS NOT NULL) FROM cells").fetchall()
        rules = {rule for (rule,) in con.execute("SELECT rule FROM issues WHERE severity = 'error'").fetchall()}
    assert rows[0][0] > 0 and rows[0][1] > 0
    assert {"table_cut_off", "missing_table"} <= rules
