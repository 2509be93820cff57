"""The annual review (年报审查) on the real samples: each rule finds what it should and
nothing else, and the 问题清单 reaches its readers as JSON, Excel and Word."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from etl.audit import RULES, audit_findings
from etl.audit.reuse import repeated_share
from etl.audit.timeliness import Deadline, body_kind, deadline_for, load_deadlines
from etl.document import FlatText
from etl.ingest import ingest
from etl.narrative import area_sentence, read_parts
from etl.parse import parse_document
from etl.readers import read_document, read_source
from etl.recognise import find_tables
from etl.statements import find_statements
from etl.warehouse import building, connect_readonly, refresh_agencies, refresh_cross_year_checks, save_reports
from tests.helpers import PINGTAN, ROOT, SAMPLES, ZHUZHOU, sql

HUAIAN = SAMPLES / "huaian-gov-2024.pdf"


def findings(db: Path, rule: str | None = None) -> list[tuple[str, int, str, str, str | None, str]]:
    """(agency, year, rule, severity, table, message) of the stored findings."""
    rows = sql(
        db,
        """SELECT a.name, f.year, f.rule, f.severity, f.table_name, f.message
           FROM findings f JOIN agencies a USING (agency_id) WHERE ? IS NULL OR f.rule = ? ORDER BY ALL""",
        [rule, rule],
    )
    return [(str(r[0]), int(str(r[1])), str(r[2]), str(r[3]), r[4] if r[4] is None else str(r[4]), str(r[5])) for r in rows]


def huaian_with(replace: tuple[str, str] | None = None) -> object:
    """淮安's report as parsed, with one narrative figure changed where asked."""
    document = read_document(HUAIAN, read_source(HUAIAN))
    if replace is not None:
        old, new = replace
        changed = 0
        for row in document.rows:
            for index, cell in enumerate(row):
                if old in cell.text and changed == 0:
                    row[index] = cell._replace(text=cell.text.replace(old, new, 1))
                    changed += 1
        assert changed == 1
    return parse_document(document, "huaian-" + (replace[1] if replace else "original"))


def save(db: Path, *reports: object) -> None:
    from etl.audit import refresh_findings

    with building(db) as connection:
        save_reports(connection, list(reports))  # type: ignore[arg-type]
        refresh_agencies(connection)
        refresh_cross_year_checks(connection)
        refresh_findings(connection)


def test_huaians_text_figures_agree_with_its_tables(db_path: Path) -> None:
    document = read_document(HUAIAN, read_source(HUAIAN))
    flat = FlatText.of(document.rows)
    tables = find_tables(flat, "2021")
    stated = {s.value for s in find_statements(flat.text, [(t.start, t.end) for t in tables])}
    assert {3119, 3050, 34, 103, 351} <= stated
    save(db_path, huaian_with())
    assert findings(db_path, "text_disagrees") == []


def test_one_narrative_figure_changed_gives_exactly_one_text_finding(db_path: Path) -> None:
    save(db_path, huaian_with(("3119件", "3129件")))
    found = findings(db_path, "text_disagrees")
    assert len(found) == 1
    agency, year, _, severity, table, message = found[0]
    assert (agency, year, severity, table) == ("淮安市人民政府", 2024, "错误", "正文")
    assert "3129" in message and "3119" in message and "表三" in message
    quoted = sql(db_path, "SELECT evidence, numbers FROM findings WHERE rule = 'text_disagrees'")[0]
    assert "3129件" in str(quoted[0])
    assert list(quoted[1]) == [3129.0, 3119.0]  # type: ignore[call-overload]


def test_a_report_dated_after_its_deadline_is_late(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    text = ZHUZHOU.read_text("utf-8")
    assert "2020年1月14日" in text  # a department's report on 2019, due by 31 January 2020
    (folder / "on-time.txt").write_text(text, "utf-8")
    db = tmp_path / "on-time.duckdb"
    ingest([folder / "on-time.txt"], db)
    assert findings(db, "published_late") == []
    (folder / "late.txt").write_text(text.replace("2020年1月14日", "2020年3月5日"), "utf-8")
    late_db = tmp_path / "late.duckdb"
    ingest([folder / "late.txt"], late_db)
    ((agency, year, _, severity, _, message),) = findings(late_db, "published_late")
    assert (agency, year, severity) == ("株洲市审计局", 2019, "错误")
    assert "落款日期为 2020年03月05日" in message and "2020年01月31日" in message and "34 天" in message
    assert "第四十九条" in str(sql(late_db, "SELECT evidence FROM findings WHERE rule = 'published_late'")[0][0])


def test_the_pages_date_wins_over_the_signature(db_path: Path) -> None:
    ingest([PINGTAN], db_path)
    assert sql(db_path, "SELECT published, published_from FROM reports")[0][1] == "page"


def test_a_roster_body_without_a_report_is_missing(tmp_path: Path) -> None:
    roster = tmp_path / "agencies.csv"
    roster.write_text(
        "name,province,city,level,kind,is_government,reports_from,reports_to\n"
        "株洲市审计局,湖南省,株洲市,市,审计,false,2019,2019\n"
        "株洲市财政局,湖南省,株洲市,市,财政,false,2019,\n",
        "utf-8-sig",
    )
    db = tmp_path / "warehouse.duckdb"
    ingest([ZHUZHOU], db, agencies_csv=roster)
    missing = findings(db, "report_missing")
    assert missing == [
        ("株洲市财政局", 2019, "report_missing", "错误", None, "没有 2019 年度的政府信息公开工作年度报告（名单列明该机关应报）")
    ]
    assert sql(db, "SELECT report_id FROM findings WHERE rule = 'report_missing'") == [(None,)]


def test_a_roster_year_that_is_not_a_year_is_a_clear_error(tmp_path: Path) -> None:
    roster = tmp_path / "agencies.csv"
    roster.write_text("name,reports_from\n株洲市审计局,二〇一九\n", "utf-8")
    with pytest.raises(ValueError, match="第 2 行"):
        ingest([ZHUZHOU], tmp_path / "warehouse.duckdb", agencies_csv=roster)


def _copied_next_year(tmp_path: Path) -> Path:
    """A warehouse of 平潭's 2021 report and the same report again as 2022's, years changed."""
    folder = tmp_path / "reports"
    folder.mkdir()
    text = PINGTAN.read_text("utf-8")
    (folder / "2021.txt").write_text(text, "utf-8")
    (folder / "2022.txt").write_text(text.replace("2022", "2023").replace("2021", "2022"), "utf-8")
    db = tmp_path / "warehouse.duckdb"
    ingest([folder / "2021.txt", folder / "2022.txt"], db)
    return db


def test_last_years_report_with_the_year_changed_is_flagged_as_copied(tmp_path: Path) -> None:
    db = _copied_next_year(tmp_path)
    reused = findings(db, "text_reused")
    assert [(a, y, s) for a, y, _, s, _, _ in reused] == [("平潭综合实验区", 2022, "关注")]
    assert "正文 100% 与上年（2021 年度）报告相同" in reused[0][5]
    assert "一、总体情况 100%" in reused[0][5] and "五、存在的主要问题及改进情况 100%" in reused[0][5]
    assert [(a, y) for a, y, *_ in findings(db, "tables_identical")] == [("平潭综合实验区", 2022)]
    assert findings(db, "report_missing") == []
    from dashboard.queries import text_repeated  # the share per part, as 报告详情 shows it

    ids = dict(sql(db, "SELECT year, report_id FROM reports"))
    assert text_repeated(db, int(str(ids[2022]))) == [
        ("一、总体情况", 1.0),
        ("五、存在的主要问题及改进情况", 1.0),
        ("六、其他需要报告的事项", 1.0),
    ]
    assert text_repeated(db, int(str(ids[2021]))) == []


def test_identical_tables_are_found_alike_from_report_values_and_from_cells(tmp_path: Path) -> None:
    """The rule reads ``report_values`` (totals first, then every cell) where it is up to
    date, else ``cells``: both find the copied tables, and neither finds them once one
    part differs while every total still agrees."""
    from etl.audit.facts import current_reports, previous_reports
    from etl.audit.reuse import _SAME_IN_CELLS, MIN_NONZERO, _same_in_wide
    from etl.warehouse import building

    db = _copied_next_year(tmp_path)

    def found(connection: duckdb.DuckDBPyConnection) -> tuple[list[tuple[object, ...]], ...]:
        pairs = previous_reports(current_reports(connection))
        connection.register("audit_pairs", pairs[["agency_id", "year", "report_id", "report_id_prev"]].astype("int64"))
        try:
            return _same_in_wide(connection), connection.execute(_SAME_IN_CELLS, [MIN_NONZERO]).fetchall()
        finally:
            connection.unregister("audit_pairs")

    with building(db) as connection:
        wide, cells = found(connection)
        assert wide == cells and len(wide) == 1
        # One granted request moved from a person to a company: every total stays the same.
        latest = connection.execute("SELECT max(report_id) FROM reports").fetchone()
        assert latest is not None
        for key, change in (("requests.granted.natural_person", -1), ("requests.granted.commercial", 1)):
            connection.execute("UPDATE cells SET value = value + ? WHERE report_id = ? AND key = ?", [change, latest[0], key])
            connection.execute(f'UPDATE report_values SET "{key}" = "{key}" + ? WHERE report_id = ?', [change, latest[0]])
        assert found(connection) == ([], [])


def test_a_report_of_its_own_is_not_a_copy(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(PINGTAN.read_text("utf-8"), "utf-8")
    zhuzhou = ZHUZHOU.read_text("utf-8").replace("株洲市审计局", "平潭综合实验区").replace("2019", "2020")
    (folder / "b.txt").write_text(zhuzhou.replace("2020年1月14日", "2021年1月14日"), "utf-8")
    db = tmp_path / "warehouse.duckdb"
    ingest([folder / "a.txt", folder / "b.txt"], db)
    assert sql(db, "SELECT count(*) FROM reports") == [(2,)]
    assert findings(db, "text_reused") == [] and findings(db, "tables_identical") == []


def test_reuse_is_measured_without_the_figures() -> None:
    assert repeated_share("2020年共收到申请12件。", "2019年共收到申请3件。") == 1.0
    share = repeated_share("本年度政策解读形式还不够丰富。", "下一步将加强培训，提高答复质量。")
    assert share is not None and share < 0.2


def test_the_parts_are_found_in_run_together_crawler_text() -> None:
    document = read_document(PINGTAN, read_source(PINGTAN))
    flat = FlatText.of(document.rows)
    tables = find_tables(flat, "2021")
    parts = read_parts(flat.text, [(t.start, t.end) for t in tables])
    assert [p.number for p in parts] == [1, 2, 3, 4, 5, 6]
    five = next(p for p in parts if p.number == 5)
    assert five.text.startswith("（一）存在的主要问题") and "六、" not in five.text
    assert "信息处理费" in next(p for p in parts if p.number == 6).text
    assert "全区共收到70件申请" in (area_sentence(parts) or "")


def test_a_heading_broken_over_lines_and_the_signature_are_not_the_parts_text() -> None:
    text = (
        "标题\n一、总体\n情况\n本机关基本情况良好。\n二、主动公开政府信息情况\n（表）\n"
        "五、存在的主要问题及改进\n情况\n无\n六、其他需要报告的\n事项\n本年度未收取信息处理费。\n株洲市审计局\n2020年1月14日\n"
    )
    parts = {part.number: (part.heading, part.text) for part in read_parts(text, [])}
    assert parts[1] == ("一、总体情况", "本机关基本情况良好。")
    assert parts[5] == ("五、存在的主要问题及改进情况", "无")
    assert parts[6] == ("六、其他需要报告的事项", "本年度未收取信息处理费。")


def test_a_departments_report_speaks_for_itself_and_a_citys_for_its_area(db_path: Path) -> None:
    ingest([ZHUZHOU, HUAIAN], db_path)
    scopes = dict(sql(db_path, "SELECT agency_name, scope FROM reports"))
    assert scopes == {"株洲市审计局": "own", "淮安市人民政府": "area"}
    assert "全市共受理政府信息公开申请3119件" in str(
        sql(db_path, "SELECT scope_sentence FROM reports WHERE scope = 'area'")[0][0]
    )


def test_an_empty_part_five_and_a_silent_part_six(tmp_path: Path) -> None:
    text = PINGTAN.read_text("utf-8")
    start, end = text.index("五、存在的主要问题及改进情况"), text.index("六、其他需要报告的事项")
    changed = text[:start] + "五、存在的主要问题及改进情况无。" + text[end:].replace("无收取信息处理费情况", "无其他事项")
    report = tmp_path / "pingtan.txt"
    report.write_text(changed, "utf-8")
    db = tmp_path / "warehouse.duckdb"
    ingest([report], db)
    rules = {(rule, severity) for _, _, rule, severity, _, _ in findings(db)}
    assert ("part_five_empty", "错误") in rules and ("fee_not_stated", "提醒") in rules
    ingest([PINGTAN], tmp_path / "original.duckdb")
    original = {rule for _, _, rule, *_ in findings(tmp_path / "original.duckdb")}
    assert not original & {"part_five_empty", "fee_not_stated", "part_missing"}


def test_deadlines_are_data_and_a_provinces_own_wins() -> None:
    national = load_deadlines()
    assert deadline_for(national, "department", "湖南省").on(2019).isoformat() == "2020-01-31"  # type: ignore[union-attr]
    assert deadline_for(national, "government", "湖南省").on(2019).isoformat() == "2020-03-31"  # type: ignore[union-attr]
    earlier = [*national, Deadline("government", "湖南省", 2, 28, "错误", "省规定")]
    assert deadline_for(earlier, "government", "湖南省").on(2019).isoformat() == "2020-02-28"  # type: ignore[union-attr]
    assert deadline_for(earlier, "government", "江苏省").on(2019).isoformat() == "2020-03-31"  # type: ignore[union-attr]
    assert body_kind("县", True) == "government" and body_kind("县", False) == "department"
    assert body_kind("乡镇", True) == "township"


def test_an_old_template_after_2021_and_tables_that_do_not_add_up(warehouse: Path) -> None:
    connection = connect_readonly(warehouse)
    try:
        found = audit_findings(connection)
        stored = connection.execute("SELECT count(*) FROM findings").fetchall()[0][0]
    finally:
        connection.close()
    assert stored == len(found)
    broken = [f for f in found if f.rule == "table_sums"]
    for finding in broken:
        assert finding.table_name in ("表二", "表三", "表四") and finding.row_label and "「" in finding.message
        assert "_" not in finding.message  # the report's words, not our keys


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "etl", *args], capture_output=True, text=True, cwd=ROOT, check=False)


def test_the_audit_command_prints_json_and_writes_excel_and_word(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    save(db, huaian_with(("3119件", "3129件")))
    result = cli("audit", "--db", str(db), "--json", "--year", "2024")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert items and all(
        set(item) == {"agency", "agency_key", "year", "report_id", "rule", "severity", "table", "message", "cells", "evidence"}
        for item in items
    )
    text = next(item for item in items if item["rule"] == "text_disagrees")
    assert text["table"] == "正文" and text["severity"] == "错误" and text["cells"] == ["requests.new_received.total"]
    xlsx, docx = tmp_path / "问题清单.xlsx", tmp_path / "审查.docx"
    result = cli("audit", "--db", str(db), "--xlsx", str(xlsx), "--docx", str(docx), "--by-region")
    assert result.returncode == 0, result.stderr
    assert "应报" in result.stdout and "已写入" in result.stdout
    book = load_workbook(xlsx)
    sheet = book["问题清单"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref and sheet["A1"].value == "机关"
    assert sheet.max_row == len(json.loads(cli("audit", "--db", str(db), "--json").stdout)) + 1
    document = Document(io.BytesIO(docx.read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "淮安市人民政府" in headings and "江苏省淮安市" in headings
    assert any("3129" in cell.text for table in document.tables for row in table.rows for cell in row.cells)


def test_the_audit_command_on_a_missing_file_says_so(tmp_path: Path) -> None:
    result = cli("audit", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode != 0 and "none.duckdb" in result.stderr


def test_the_review_page_counts_and_lists_what_the_warehouse_holds(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from etl.audit.listing import Scope, coverage
    from tests.helpers import open_page

    connection = connect_readonly(warehouse)
    try:
        years = coverage(connection, Scope())
        stored = connection.execute("SELECT count(*) FROM findings WHERE year = 2021").fetchall()[0][0]
    finally:
        connection.close()
    expected = years[years["年度"] == 2021].iloc[0]
    app = open_page(warehouse, "review", monkeypatch, params={"review-year": "2021"})
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["应报"] == f"{expected['应报']:,}" and metrics["已报"] == f"{expected['已报']:,}"
    assert metrics["未报"] == f"{expected['未报']:,}" and metrics["问题"] == f"{stored:,}"
    texts = " ".join(str(frame.value.to_string()) for frame in app.dataframe)
    assert "None" not in texts and "nan" not in texts
    assert all(rule.title in " ".join(m.value for m in app.markdown) for rule in RULES)


def test_a_finding_links_to_its_report_at_its_cell() -> None:
    import pandas as pd

    from dashboard.review_tables import finding_links

    frame = pd.DataFrame(
        {
            "agency": ["株洲市审计局", "株洲市财政局"],
            "year": [2019, 2020],
            "report_id": [7, None],
            "cells": [["requests.granted.total"], []],
        }
    )
    links = finding_links(frame).tolist()
    assert links[0].startswith("/report?report=") and links[0].endswith("&cell=requests.granted.total")
    assert links[1] is None  # a missing report has nothing to open


def test_area_reports_stay_out_of_rankings_of_single_bodies_unless_asked(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers import open_page

    def ranked_names(app: object) -> set[str]:
        frames = [f.value for f in app.dataframe if "组内排名" in getattr(f.value, "columns", [])]  # type: ignore[attr-defined]
        assert len(frames) == 1
        data = frames[0].data if hasattr(frames[0], "data") else frames[0]
        return set(data["机关"])

    app = open_page(warehouse, "compare", monkeypatch)
    assert "淮安市人民政府" not in ranked_names(app) and "株洲市审计局" in ranked_names(app)
    app.toggle(key="rank-with-areas").set_value(True).run()
    assert "淮安市人民政府" in ranked_names(app)


def test_a_provinces_earlier_deadline_given_to_the_audit_makes_a_report_late(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    ingest([ZHUZHOU], db)  # a department's report signed 2020-01-14, by the statutory 01-31
    earlier = tmp_path / "deadlines.csv"
    earlier.write_text("body,province,month,day,severity,basis\ndepartment,湖南省,1,10,错误,湖南省的规定\n", "utf-8")
    assert cli("audit", "--db", str(db), "--json").stdout.count("published_late") == 0
    items = json.loads(cli("audit", "--db", str(db), "--json", "--deadlines", str(earlier)).stdout)
    late = [item for item in items if item["rule"] == "published_late"]
    assert len(late) == 1 and late[0]["evidence"] == "湖南省的规定" and "2020年01月10日" in late[0]["message"]
    assert findings(db, "published_late") == []  # the stored findings keep the statutory deadlines
    earlier.write_text("body,province,month,day,severity,basis\ndepartment,湖南省,2,30,错误,x\n", "utf-8")
    result = cli("audit", "--db", str(db), "--deadlines", str(earlier))
    assert result.returncode == 2 and "第 2 行" in result.stderr and "2月30日" in result.stderr


def test_an_area_report_is_compared_with_its_bodies_once_all_have_reported(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    city = SAMPLES / "city-2025.html"
    template = ZHUZHOU.read_text("utf-8").replace("2019", "2025").replace("2020年1月14日", "2026年1月14日")
    (folder / "a.txt").write_text(template.replace("株洲市审计局", "测试市审计局"), "utf-8")
    roster = tmp_path / "agencies.csv"
    bodies = "测试市,,,测试市,,市,政府,true,\n测试市审计局,,,测试市,,市,审计,false,测试市\n"
    roster.write_text("name,aliases,province,city,county,level,kind,is_government,parent\n" + bodies, "utf-8")
    db = tmp_path / "warehouse.duckdb"
    ingest([city, folder / "a.txt"], db, agencies_csv=roster)
    assert sql(db, "SELECT scope FROM reports WHERE agency_name = '测试市'") == [("area",)]
    differs = sql(db, "SELECT table_name, row_label, numbers FROM findings WHERE rule = 'aggregate_differs' ORDER BY ALL")
    assert ("表三", "一、本年新收政府信息公开申请数量", [14069.0, 0.0]) in [(r[0], r[1], list(r[2])) for r in differs]  # type: ignore[call-overload]
    # A second body with no report that year: no sum is compared.
    roster.write_text(roster.read_text("utf-8") + "测试市财政局,,,测试市,,市,财政,false,测试市\n", "utf-8")
    ingest([city], db, agencies_csv=roster)
    assert sql(db, "SELECT count(*) FROM findings WHERE rule = 'aggregate_differs'") == [(0,)]


def test_a_date_before_the_year_ends_is_not_a_publication_date(tmp_path: Path) -> None:
    report = tmp_path / "early.txt"
    report.write_text(ZHUZHOU.read_text("utf-8").replace("2020年1月14日", "2019年6月14日"), "utf-8")
    db = tmp_path / "warehouse.duckdb"
    ingest([report], db)
    ((*_, severity, _, message),) = findings(db, "published_unknown")
    assert severity == "提醒" and "在所报年度结束之前" in message


def test_a_reports_page_lists_what_the_review_found_in_it(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.helpers import open_page

    app = open_page(warehouse, "report", monkeypatch, params={"report": "淮安市人民政府 2024年"})
    assert "年报审查发现的问题" in [header.value for header in app.subheader]
    tables = [frame.value for frame in app.dataframe if "问题类型" in getattr(frame.value, "columns", [])]
    assert len(tables) == 1 and "发布日期不明" in set(tables[0]["问题类型"])


def test_a_report_loaded_before_its_text_was_kept_is_read_again_when_loaded_again(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    ingest([PINGTAN], db)
    with duckdb.connect(str(db)) as connection:  # as a warehouse upgraded from schema 4 holds it
        connection.execute("UPDATE reports SET scope = NULL, scope_sentence = NULL")
        connection.execute("DELETE FROM report_parts")
    again = ingest([PINGTAN], db)
    assert [outcome.status for outcome in again.outcomes] == ["replaced"]
    assert sql(db, "SELECT count(*) FROM report_parts JOIN reports USING (report_id) WHERE is_current") == [(6,)]
    assert [outcome.status for outcome in ingest([PINGTAN], db).outcomes] == ["unchanged"]  # and then never again


def test_late_undated_and_early_dated_reports_each_get_their_finding() -> None:
    """Picked out on the columns: undated (whatever the body), dated before its year ended
    or after its deadline (counted in whole days, whatever the hour), nothing on time or
    where no deadline applies to the body."""
    import pandas as pd

    from etl.audit.timeliness import Deadline, late_findings

    deadlines = [
        Deadline("government", None, 1, 31, "错误", "条例第四十九条"),
        Deadline("government", "福建省", 3, 31, "提醒", "省里的期限"),
    ]
    published = ["2025-01-31 23:00", None, "2024-12-30", "2025-02-03 15:30", "2025-02-03", None, "2025-03-02"]
    reports = pd.DataFrame(
        {
            "report_id": range(1, 8),
            "agency_id": range(11, 18),
            "year": [2024] * 7,
            "published": pd.to_datetime(published, format="ISO8601"),
            "published_from": ["page", "page", "signature", "signature", "page", "page", "page"],
            "level": ["县"] * 7,
            "is_government": [True, True, True, True, False, False, True],
            "province": ["湖南省"] * 6 + ["福建省"],
        }
    )
    found = {(f.report_id, f.rule, f.severity, tuple(f.numbers)): f.message for f in late_findings(reports, deadlines)}
    assert sorted(found) == [
        (2, "published_unknown", "提醒", ()),
        (3, "published_unknown", "提醒", ()),
        (4, "published_late", "错误", (3,)),
        (6, "published_unknown", "提醒", ()),  # undated: said whether or not a deadline applies
    ]
    assert "落款日期为 2025年02月03日，晚于 2025年01月31日 的期限 3 天" in found[(4, "published_late", "错误", (3,))]
    assert "在所报年度结束之前" in found[(3, "published_unknown", "提醒", ())]


@pytest.mark.parametrize("at_once", [1, 4, 7])
def test_texts_asked_a_few_bodies_at_a_time_give_the_findings_of_one_question(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch, at_once: int
) -> None:
    from etl.audit import facts, reuse

    connection = connect_readonly(warehouse)
    try:
        reports = facts.current_reports(connection)
        whole = reuse.reuse_findings(connection, reports, True)
        monkeypatch.setattr(reuse, "_TEXTS_SORTED_AT_ONCE", at_once)
        assert reuse.reuse_findings(connection, reports, True) == whole
    finally:
        connection.close()
    assert sum(finding.rule == "text_reused" for finding in whole) >= 3


def _peers_across_years() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bodies of two peer groups over four years, each group and year with one body far
    below the rest; in 2022 every body of one group sits far below its other years, so
    that groups of several years taken together would find other outliers."""
    reports, figures = [], []
    for year in (2021, 2022, 2023, 2024):
        for province in ("湖南省", "福建省"):
            for body in range(8):
                report_id = len(reports) + 1
                granted = 80 - body
                if body == 3:
                    granted = 5  # the year's outlier in its group
                if year == 2022 and province == "湖南省":
                    granted //= 4
                agency_id = body + (100 if province == "福建省" else 0)
                reports.append((report_id, agency_id, year, None, province, "县", "公安"))
                figures.append((report_id, granted, 0, 100, 1 if body == 5 else 0, 40, 0))
    frame = pd.DataFrame(reports, columns=["report_id", "agency_id", "year", "scope", "province", "level", "kind"])
    keys = ["requests.granted.total", "requests.partially_granted.total", "requests.total_processed.total"]
    keys += ["appeals.review.corrected", "appeals.review.total", "appeals.review.pending"]
    wide = pd.DataFrame(figures, columns=["report_id", *keys]).set_index("report_id").astype("float64")
    # Listed in no order of year: the findings still come year by year, each year as listed.
    return frame.sample(frac=1, random_state=7).reset_index(drop=True), wide


@pytest.mark.parametrize("at_once", [1, 20, 40, 10**9])
def test_peers_ranked_several_years_at_a_time_give_the_findings_of_ranking_each_year_alone(
    monkeypatch: pytest.MonkeyPatch, at_once: int
) -> None:
    from etl.audit import unusual

    reports, wide = _peers_across_years()
    monkeypatch.setattr(unusual, "RANKED_AT_ONCE", 1)  # each year alone: no run holds two
    alone = unusual.peer_findings(reports, wide)
    monkeypatch.setattr(unusual, "RANKED_AT_ONCE", at_once)
    assert unusual.peer_findings(reports, wide) == alone
    assert unusual.peer_findings(reports, wide, [2022, 2024]) == [f for f in alone if f.year in (2022, 2024)]
    # In each group and year, one body far below its peers' 公开率 and one corrected where
    # none of them was: not 2022's whole group of 湖南省, which only other years' bodies would find low.
    expected = {(year, 3, "requests.granted.total") for year in (2021, 2022, 2023, 2024)}
    expected |= {(year, 5, "appeals.review.corrected") for year in (2021, 2022, 2023, 2024)}
    assert {(f.year, f.agency_id % 100, f.cells[0]) for f in alone} == expected
    assert len(alone) == 16
    for rate in ("requests.granted.total", "appeals.review.corrected"):
        years = [f.year for f in alone if f.cells[0] == rate]
        assert years == sorted(years)
    # Runs of whole years (16 reports each), in order, as many as fit together.
    assert unusual._year_runs(reports["year"], 64) == [[2021, 2022, 2023, 2024]]
    assert unusual._year_runs(reports["year"], 40) == [[2021, 2022], [2023, 2024]]
    assert unusual._year_runs(reports["year"], 20) == [[2021], [2022], [2023], [2024]]
    assert unusual._year_runs(reports["year"], 1) == [[2021], [2022], [2023], [2024]]


@pytest.mark.parametrize("at_once", [1, 5, 20])
def test_every_body_judged_a_run_of_bodies_at_a_time_gives_the_findings_of_judging_all_at_once(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch, at_once: int
) -> None:
    from etl.audit import facts, run

    connection = connect_readonly(warehouse)
    try:
        whole = audit_findings(connection)
        monkeypatch.setattr(run, "JUDGED_AT_ONCE", at_once)
        runs = facts.runs_of_bodies(connection, at_once)
        assert audit_findings(connection) == whole
        counts = dict(connection.execute("SELECT agency_id, count(*) FROM current_reports GROUP BY ALL").fetchall())
    finally:
        connection.close()
    # Runs of whole bodies, in order, each body in one run; a run outgrows its size only by its last body.
    bodies = sorted(counts)
    assert len(runs) > 1 and runs[0][0] == bodies[0] and runs[-1][1] == bodies[-1]
    assert all(last < first for (_, last), (first, _) in zip(runs, runs[1:], strict=False))
    for first, last in runs:
        inside = [counts[body] for body in bodies if first <= body <= last]
        assert sum(inside[:-1]) < at_once or len(inside) == 1
    assert {f.rule for f in whole} >= {"text_reused", "published_late", "report_missing"}


def test_one_years_reporting_status_asked_in_one_question_is_the_years_share_of_every_years(warehouse: Path) -> None:
    from etl.audit.facts import Bodies
    from etl.audit.listing import reporting_status

    # A province's own deadlines, one on a day not every year has (29 February: none then).
    deadlines = [
        *load_deadlines(),
        Deadline("department", "湖南省", 2, 29, "错误", "湖南省的规定"),
        Deadline("government", "福建省", 1, 20, "提醒", "福建省的规定"),
    ]
    choices = [
        Bodies(),
        Bodies(provinces=("湖南省",)),
        Bodies(levels=("市",), kinds=("审计", "财政")),
        Bodies(names=("株洲市审计局", "淮安市人民政府")),
        Bodies(with_generated=False),
    ]
    connection = connect_readonly(warehouse)
    try:
        every = reporting_status(connection, deadlines)
        seen = every["on_time"].value_counts(dropna=False)
        assert seen.get(True, 0) and seen.get(False, 0) and every["on_time"].isna().any() and not every["reported"].all()
        assert every["deadline"].astype(str).str.endswith("-02-29").any()  # a leap year's deadline is a day
        for bodies in choices:
            all_years = reporting_status(connection, deadlines, bodies=bodies)
            for year in sorted(set(all_years["year"])):
                one = reporting_status(connection, deadlines, year=year, bodies=bodies)
                share = all_years[all_years["year"] == year].sort_values("agency_id").reset_index(drop=True)
                assert len(one), (bodies, year)
                pd.testing.assert_frame_equal(one, share[one.columns], check_like=False)
    finally:
        connection.close()


def test_the_findings_of_some_bodies_asked_of_the_warehouse_are_those_of_every_body_filtered(warehouse: Path) -> None:
    from etl.audit.facts import Bodies
    from etl.audit.listing import Scope
    from etl.audit.listing import findings as listed

    connection = connect_readonly(warehouse)
    try:
        every = listed(connection, Scope())
        assert every["province"].nunique() > 1 and every["generated"].nunique() == 2
        for bodies, keep in [
            (Bodies(provinces=("湖南省",)), every["province"] == "湖南省"),
            (Bodies(levels=("市",), kinds=("审计", "财政")), (every["level"] == "市") & every["kind"].isin(["审计", "财政"])),
            (Bodies(names=("淮安市人民政府",)), every["agency"] == "淮安市人民政府"),
            (Bodies(with_generated=False), ~every["generated"]),
        ]:
            expected, found = every[keep], listed(connection, Scope(), bodies=bodies)
            assert len(expected), bodies
            # In the same order, but for findings of one body, year and severity, which may come either way.
            order = ["agency", "year", "severity", "rule", "message", "report_id"]
            pd.testing.assert_frame_equal(
                found.sort_values(order).reset_index(drop=True), expected.sort_values(order).reset_index(drop=True)
            )
            assert found[["agency", "year"]].equals(expected[["agency", "year"]].reset_index(drop=True))
    finally:
        connection.close()
