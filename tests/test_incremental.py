"""An ingest makes again only what depends on the agencies it gave reports to (checks
across years, findings, the dashboard's wide table): what it stores is what making
everything again would store, and an unchanged folder changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.agencies import all_agencies
from corpus.generate import generate, write
from etl.audit import refresh_findings
from etl.ingest import find_files, ingest
from etl.warehouse import building, refresh_cross_year_checks
from etl.warehouse.wide import refresh_report_values
from tests.helpers import sql

_FINDINGS = """SELECT agency_id, year, report_id, rule, severity, table_name, row_label, column_label, message,
                      cells, numbers, evidence, location FROM findings ORDER BY ALL"""
_CROSS_YEAR = """SELECT report_id, rule, subject, status, expected, actual, related_report_id FROM checks
                 WHERE related_report_id IS NOT NULL OR rule = 'missing_year' ORDER BY ALL"""
_VALUES = "SELECT * FROM report_values ORDER BY report_id"


def _stored(db: Path) -> tuple[list[tuple[object, ...]], ...]:
    return sql(db, _FINDINGS), sql(db, _CROSS_YEAR), sql(db, _VALUES)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Path]]:
    """Two batches of one city's bodies: the first has every body's early years, the
    second the later years and everything of four more bodies. One body has no 2022
    report; another none for 2020 and none after 2022, so that the second batch gives it
    no report but makes its later years missing (findings on a body it did not touch)."""
    folder = tmp_path_factory.mktemp("incremental")
    bodies = [a for a in all_agencies() if a.city == "株洲市"][:14]
    first, second = [], []
    for report in generate(11, agencies=bodies):
        body, year = bodies.index(report.agency), report.spec.year
        if (body, year) in ((0, 2022), (1, 2020)) or (body == 1 and year > 2022):
            continue
        path = write(report, folder)
        (second if body >= 10 or year >= 2023 else first).append(path)
    return first, second


def _judged_again(db: Path) -> tuple[list[tuple[object, ...]], ...]:
    """What the warehouse holds with every agency's checks, findings and values made again."""
    with building(db) as connection:
        refresh_cross_year_checks(connection)
        connection.execute("DELETE FROM meta WHERE key = 'audited_with' OR key = 'report_values'")
        refresh_report_values(connection)
        refresh_findings(connection)
    return _stored(db)


def test_a_second_ingest_stores_what_judging_everything_again_would(
    corpus: tuple[list[Path], list[Path]], tmp_path: Path
) -> None:
    first, second = corpus
    db = tmp_path / "w.duckdb"
    ingest(first, db, generated=True)
    summary = ingest(second, db, generated=True)
    assert summary.counts["loaded"] == len(second)
    stored = _stored(db)
    assert stored[0] and stored[1] and len(stored[2]) == len(first) + len(second)
    assert {row[3] for row in stored[0]} >= {"report_missing", "published_late"}
    assert _judged_again(db) == stored


def test_a_replaced_report_is_judged_again(corpus: tuple[list[Path], list[Path]], tmp_path: Path) -> None:
    first, _ = corpus
    db = tmp_path / "w.duckdb"
    ingest(first, db, generated=True)
    target = next(path for path in first if path.suffix == ".txt")
    changed = tmp_path / target.name
    text = target.read_text(encoding="utf-8")
    assert "五、存在的主要问题及改进情况" in text
    head, tail = text.split("五、存在的主要问题及改进情况", 1)
    changed.write_text(head + "五、存在的主要问题及改进情况\n无。\n六、" + tail.split("六、", 1)[1], encoding="utf-8")
    summary = ingest([changed], db, generated=True)
    assert summary.counts["replaced"] == 1
    stored = _stored(db)
    assert any(row[3] == "part_five_empty" for row in stored[0])
    assert _judged_again(db) == stored


def test_an_unchanged_folder_changes_no_finding(corpus: tuple[list[Path], list[Path]], tmp_path: Path) -> None:
    first, second = corpus
    db = tmp_path / "w.duckdb"
    ingest(first + second, db, generated=True)
    before = _stored(db)
    summary = ingest(find_files([first[0].parent.parent]), db, generated=True)
    assert set(summary.counts) == {"unchanged"}
    assert _stored(db) == before


def test_an_agencies_csv_given_again_judges_only_what_it_changed(
    corpus: tuple[list[Path], list[Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same agencies.csv on every ingest changes no agency, so nothing is judged
    again for it; a row that changes one agency has that agency judged again, and the
    warehouse holds what judging everything again would."""
    import etl.ingest

    first, second = corpus
    bodies = [a for a in all_agencies() if a.city == "株洲市"][:14]
    csv = tmp_path / "agencies.csv"
    rows = [f"{bodies[2].name},,,,,,,2019,", f"{bodies[3].name},,,,,,,,"]
    csv.write_text("name,province,city,county,level,kind,is_government,reports_from,reports_to\n" + "\n".join(rows), "utf-8")
    db = tmp_path / "w.duckdb"
    ingest(first + second, db, generated=True, agencies_csv=csv)
    judged: list[set[int] | None] = []
    real = etl.ingest.refresh_findings

    def spy(connection: object, bodies: set[int] | None = None, years: set[int] | None = None) -> int:
        judged.append(None if bodies is None else set(bodies))
        return real(connection, bodies, years)  # type: ignore[arg-type]

    monkeypatch.setattr(etl.ingest, "refresh_findings", spy)
    before = _stored(db)
    ingest(first + second, db, generated=True, agencies_csv=csv)
    assert judged == [set()] and _stored(db) == before

    (agency,) = sql(db, "SELECT agency_id FROM agencies WHERE name = ?", [bodies[3].name])[0]
    csv.write_text(csv.read_text("utf-8").replace(f"{bodies[3].name},,,,,", f"{bodies[3].name},,,,,司法"), "utf-8")
    ingest(first + second, db, generated=True, agencies_csv=csv)
    assert judged[-1] == {agency}
    assert sql(db, "SELECT kind FROM agencies WHERE agency_id = ?", [agency]) == [("司法",)]
    assert _judged_again(db) == _stored(db)


def _parsed(generated: object, number: int, granted_share: float | None = None) -> object:
    """A generated report as the parser would give it (cells from its truth); with
    ``granted_share``, its 予以公开 set to that share of the requests handled and 部分公开 to 0."""
    from etl.checks import check_identities
    from etl.equations import equations
    from etl.report import CellRecord, ParsedReport

    spec = generated.spec  # type: ignore[attr-defined]
    values = dict(spec.cells)
    if granted_share is not None:
        values["requests.granted.total"] = round(granted_share * values["requests.total_processed.total"])
        values["requests.partially_granted.total"] = 0
    cells = {key: CellRecord(key, value, str(value), "number", "第1行") for key, value in values.items()}
    report = ParsedReport(
        f"generated/{number}.txt", f"{number:064x}", "txt", spec.agency, spec.year, spec.version, spec.published, cells
    )
    report.checks = check_identities(equations(spec.version, spec.with_org_subtotal, frozenset()), cells)
    return report


def _years_of_body(db: Path, body: int) -> list[int]:
    from etl.audit.facts import years_of
    from etl.warehouse import connect_readonly

    connection = connect_readonly(db)
    try:
        return years_of(connection, [body])
    finally:
        connection.close()


@pytest.mark.parametrize("only_new_year", [False, True])
def test_peer_outliers_are_found_again_for_the_years_a_new_report_touches(tmp_path: Path, only_new_year: bool) -> None:
    """Peers are compared year by year, so an ingest finds them again only for the years
    it saved reports of (``only_new_year``, as an ingest says: the body's own 2022 outlier
    is kept though the body was touched), else for every year of the bodies touched: what
    it stores is what judging everything again stores, other years' outliers as they were."""
    from etl.warehouse import save_reports

    bodies = [a for a in all_agencies() if a.province == "湖南省" and a.level == "县" and a.kind == "公安"][:12]
    assert len(bodies) == 12
    reports = [r for r in generate(11, agencies=bodies) if r.spec.year in (2022, 2025)]

    def handled(report: object) -> int:
        return int(report.spec.cells["requests.total_processed.total"] or 0)  # type: ignore[attr-defined]

    # The busiest bodies of each year: enough requests to be ranked among their peers.
    last = max((r for r in reports if r.spec.year == 2025), key=handled)
    if only_new_year:  # the body's own 2022 report is the outlier to keep
        kept = next(r for r in reports if r.spec.year == 2022 and r.agency == last.agency)
        earlier = [r for r in reports if r is not last]
    else:  # the body has no 2022 report: every year of it is 2025 alone
        kept = max((r for r in reports if r.spec.year == 2022 and r.agency != last.agency), key=handled)
        earlier = [r for r in reports if r.agency != last.agency]
    db = tmp_path / "peers.duckdb"
    with building(db) as connection:  # the busiest body of 2022 far below its peers: an outlier to keep
        save_reports(
            connection,
            [_parsed(r, n, 0.01 if r is kept else None) for n, r in enumerate(earlier)],  # type: ignore[misc]
            generated=True,
        )
        refresh_cross_year_checks(connection)
        refresh_findings(connection)
    with building(db) as connection:  # the busiest body's 2025 report, as far below
        save_reports(connection, [_parsed(last, len(earlier), 0.01)], generated=True)  # type: ignore[list-item]
        (touched,) = connection.execute("SELECT agency_id FROM reports WHERE sha256 = ?", [f"{len(earlier):064x}"]).fetchone()
        refresh_cross_year_checks(connection, {touched})
        refresh_findings(connection, {touched}, [2025] if only_new_year else None)
    stored = _stored(db)
    outliers = {(row[0], row[1]) for row in stored[0] if row[3] == "peer_outlier"}
    assert (touched, 2025) in outliers and any(year == 2022 for _, year in outliers)
    assert _years_of_body(db, touched) == ([2022, 2025] if only_new_year else [2025])
    assert ((touched, 2022) in outliers) == only_new_year
    assert _judged_again(db) == stored
