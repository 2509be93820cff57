import itertools
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.agencies import all_agencies
from corpus.generate import FORMATS, GeneratedReport, generate, write
from corpus.render_print import CHROMIUM
from etl.equations import equations, holds
from etl.ingest import find_files, ingest
from etl.parse import parse_file
from etl.warehouse import connect_readonly
from tests.helpers import ROOT


def test_generation_is_deterministic_from_the_seed() -> None:
    first = [(r.spec.agency, r.spec.year, r.spec.cells) for r in itertools.islice(generate(5), 30)]
    again = [(r.spec.agency, r.spec.year, r.spec.cells) for r in itertools.islice(generate(5), 30)]
    other = [(r.spec.agency, r.spec.year, r.spec.cells) for r in itertools.islice(generate(6), 30)]
    assert first == again and first != other


def test_agencies_are_several_hundred_real_places_with_governments_and_departments() -> None:
    agencies = all_agencies()
    assert 300 <= len(agencies) <= 800
    names = {a.name for a in agencies}
    assert len(names) == len(agencies)
    assert {"湖南省人民政府", "株洲市审计局", "醴陵市公安局", "江苏省教育厅"} <= names
    assert {a.level for a in agencies} == {"省", "市", "县"}


def test_every_generated_report_satisfies_every_identity_unless_marked_broken() -> None:
    for report in itertools.islice(generate(3), 300):
        spec = report.spec
        failing = {
            eq.rule
            for eq in equations(
                spec.version,
                spec.with_org_subtotal,
                frozenset({"denied", "unable", "not_processed", "other"}) if spec.subtotals else frozenset(),
            )
            if holds(eq, spec.cells) is False
        }
        assert failing == set(spec.broken), (spec.agency, spec.year)


def test_carried_forward_becomes_next_years_carried_over_unless_restated() -> None:
    reports = list(itertools.islice(generate(2), 7 * 120))
    pairs = [
        (previous, current)
        for previous, current in itertools.pairwise(reports)
        if previous.spec.agency == current.spec.agency and current.spec.year == previous.spec.year + 1
    ]
    restated = [current for _, current in pairs if current.spec.cross_year]
    assert 0 < len(restated) < len(pairs) * 0.06
    for previous, current in pairs:
        before, now = previous.spec.cells["requests.carried_forward.total"], current.spec.cells["requests.carried_over.total"]
        if before is None or now is None:
            continue  # a file cut off before table 三 ends, or without it, does not state them
        same = before == now
        assert same != bool(current.spec.cross_year), (current.spec.agency, current.spec.year)


def test_a_few_years_are_missing_from_runs_but_never_the_first_or_last() -> None:
    reports = list(generate(2, agencies=all_agencies()[:120]))
    runs: dict[str, list[int]] = {}
    for report in reports:
        runs.setdefault(report.spec.agency, []).append(report.spec.year)
    gapped = [years for years in runs.values() if years != list(range(years[0], years[-1] + 1))]
    assert gapped and all(years[0] == 2019 and years[-1] == 2025 for years in runs.values())
    assert len(list(itertools.islice(generate(2, cross_year_faults=False), 7 * 3))) == 21


def test_years_and_template_versions() -> None:
    reports = list(itertools.islice(generate(4), 7 * 40))
    assert {r.spec.year for r in reports} == set(range(2019, 2026))
    assert all(r.spec.version == "2019" for r in reports if r.spec.year <= 2020)
    assert all(r.spec.version == "2021" for r in reports if r.spec.year >= 2023)
    big_city = [
        r.spec.cells["requests.new_received.total"] for r in reports if r.agency.kind == "政府" and r.agency.level == "省"
    ]
    departments = [
        r.spec.cells["requests.new_received.total"] for r in reports if r.agency.kind == "审计" and r.agency.level == "县"
    ]
    assert max(big_city) > 1000 and sorted(departments)[len(departments) // 2] < 10


@pytest.mark.parametrize("fmt", FORMATS)
def test_written_files_parse_to_their_truth(fmt: str, tmp_path: Path) -> None:
    for report in itertools.islice(generate(9, formats=(fmt,)), 6):
        path = write(report, tmp_path)
        assert path.with_suffix(".truth.json").exists()
        if "crawler" in report.defects:
            continue  # crawler text may leave table 二 ambiguous (reported, not silent)
        assert parse_file(path).values() == report.spec.cells


def test_generated_agencies_are_flagged_in_the_warehouse(tmp_path: Path) -> None:
    folder = tmp_path / "generated"
    agencies = all_agencies()[:3]
    for report in generate(1, agencies=agencies):
        write(report, folder)
    db = tmp_path / "demo.duckdb"
    summary = ingest(find_files([folder]), db, generated=True, workers=2)
    assert summary.counts == {"loaded": 21}
    connection = connect_readonly(db)
    try:
        assert connection.execute("SELECT count(*), bool_and(generated) FROM agencies").fetchall() == [(3, True)]
        assert connection.execute("SELECT count(DISTINCT year) FROM reports").fetchall() == [(7,)]
    finally:
        connection.close()


def test_the_accuracy_benchmark_prints_its_summary_line() -> None:
    result = subprocess.run(
        [sys.executable, "bench/accuracy.py", "--reports", "24", "--workers", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("accuracy: ") and last.endswith(" silent errors")
    assert "pdf" in result.stdout and "blank_zero" in result.stdout


def _producer(path: Path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        metadata = document.get_metadata_dict()
    finally:
        document.close()
    return str(metadata.get("Producer", "")) + str(metadata.get("Creator", ""))


def _by_family(family: str, count: int) -> list[GeneratedReport]:
    whole = (r for r in generate(11, formats=("pdf",)) if not r.defects & {"cut_requests", "cut_appeals", "no_active"})
    return list(itertools.islice((r for r in whole if r.family_name == family), count))


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("family", ["pdf-chromium", "pdf-chromium-narrow"])
def test_pages_printed_by_chromium_read_back_to_their_truth(family: str, tmp_path: Path) -> None:
    for report in _by_family(family, 2):
        path = write(report, tmp_path)
        assert "Chrom" in _producer(path)  # made by the browser
        assert parse_file(path).values() == report.spec.cells


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_word_files_exported_by_libreoffice_read_back_to_their_truth(tmp_path: Path) -> None:
    for report in _by_family("pdf-libreoffice", 3):
        path = write(report, tmp_path)
        assert "LibreOffice" in _producer(path)
        assert parse_file(path).values() == report.spec.cells


@pytest.mark.parametrize("defect", ["no_active", "cut_requests", "cut_appeals"])
@pytest.mark.parametrize("fmt", ["md", "pdf"])
def test_partial_files_read_back_with_their_missing_tables_null(defect: str, fmt: str, tmp_path: Path) -> None:
    report = next(r for r in generate(5, formats=(fmt,)) if defect in r.defects and r.family_name in ("md-ocr", "pdf-reportlab"))
    path = write(report, tmp_path)
    parsed = parse_file(path)
    assert {key: parsed.values().get(key) for key in report.spec.cells} == report.spec.cells
    assert any(value is None for value in report.spec.cells.values())
    rules = {issue.rule for issue in parsed.issues if issue.severity == "error"}
    assert rules & {"missing_table", "table_cut_off", "table_unreadable"}
