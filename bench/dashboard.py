"""How fast each dashboard page's questions are answered on a large warehouse.

    python bench/dashboard.py [--reports 100000] [--rounds 5]

The warehouse (bench/out/large-N.duckdb) is built once from generated reports' truth,
straight into the warehouse (rendering and parsing are measured by bench/accuracy.py).
Each page's queries run under a few filter settings; the table gives the median and
95th percentile per page, and the last line is
``dashboard: p95 X ms (slowest page NAME)``.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.agencies import Agency, all_agencies  # noqa: E402
from corpus.generate import generate  # noqa: E402
from corpus.narrative import narrative  # noqa: E402
from dashboard import queries  # noqa: E402
from dashboard.queries import Filters  # noqa: E402
from etl.audit import refresh_findings  # noqa: E402
from etl.checks import check_identities  # noqa: E402
from etl.equations import equations  # noqa: E402
from etl.indicators import DISCLOSURE  # noqa: E402
from etl.narrative import Part  # noqa: E402
from etl.report import CellRecord, ParsedReport  # noqa: E402
from etl.warehouse import building, needs_upgrade, refresh_cross_year_checks, save_reports  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
PAGES: dict[str, list[tuple[str, tuple[object, ...]]]] = {
    "总览": [("overview", ())],
    "依申请公开": [
        ("sums_by_year", (("requests.new_received.total", "requests.carried_over.total"),)),
        ("by_agency", (("requests.new_received.total",),)),
    ],
    "办理结果": [
        (
            "sums_by_year",
            (
                (
                    "requests.granted.total",
                    "requests.partially_granted.total",
                    "requests.denied_state_secret.total",
                    "requests.unable_not_held.total",
                    "requests.total_processed.total",
                ),
            ),
        )
    ],
    "主动公开与执法": [
        ("sums_by_year", (("active.licensing.decisions", "active.penalty.decisions", "active.coercion.decisions"),)),
        ("by_agency", (("active.penalty.decisions",),)),
    ],
    "政府集中采购": [
        ("sums_by_year", (("active.procurement.projects", "active.procurement.amount_wan"),)),
        ("by_agency", (("active.procurement.projects", "active.procurement.amount_wan"),)),
    ],
    "复议诉讼": [
        (
            "sums_by_year",
            (
                tuple(
                    f"appeals.{g}.{o}"
                    for g in ("review", "suit_direct", "suit_after_review")
                    for o in ("upheld", "corrected", "other", "pending", "total")
                ),
            ),
        )
    ],
    "地区分布": [("by_agency", (DISCLOSURE.keys,))],
    "机关对比": [
        ("area_agencies", ()),
        ("latest_years", ()),
        (
            "by_agency",
            (
                (
                    "requests.new_received.total",
                    "requests.granted.total",
                    "requests.total_processed.total",
                    "appeals.review.total",
                ),
            ),
        ),
    ],
    "年报审查": [("review_status", (2024,)), ("review_findings", (2024,))],
    "数据查询与下载": [
        ("agency_year_rows", ()),
        ("agency_year", (("requests.new_received.total", "requests.granted.total", "active.penalty.decisions"), 50_000)),
    ],
    "数据质量": [
        ("failed_checks", ()),
        ("read_as_counts", ()),
        ("cross_year_warnings", ()),
        ("cross_year_counts", ()),
        ("agencies_to_check", ()),
        ("incomplete_reports", ()),
        ("unusual_cells", ()),
        ("ingest_failures", ()),
    ],
    "机关名录": [("agency_directory", ()), ("agency_counts", ())],
    "报告详情": [("one_report", ())],
}
#: Questions that do not take the sidebar's filters, or that ask of one report, as the
#: pages ask them.
ASKED_WITHOUT_FILTERS = {"ingest_failures"}


def one_report(db: Path, filters: Filters) -> None:
    """报告详情: the picker's thousand reports and how many there are, then the first of
    them in full (its cells, checks, issues, findings, reused text and its neighbours)."""
    listed = queries.reports_list(db, filters, "", 1000)
    queries.reports_counted(db, filters)
    if listed.empty:
        return
    report_id = int(listed["report_id"].iloc[0])
    for name in ("report", "report_cells", "report_checks", "report_issues", "report_findings", "text_repeated"):
        getattr(queries, name)(db, report_id)
    for step in (-1, 1):
        queries.neighbour_report(db, report_id, step)


def ask(db: Path, filters: Filters, name: str, extra: tuple[object, ...]) -> None:
    if name == "one_report":
        one_report(db, filters)
    elif name in ASKED_WITHOUT_FILTERS:
        getattr(queries, name)(db, *extra)
    else:
        getattr(queries, name)(db, filters, *extra)


#: What every page asks besides its own questions (whether to say that generated data is shown).
EVERY_PAGE: list[tuple[str, tuple[object, ...]]] = [("shows_generated", ())]


def agencies_for(count: int) -> list[Agency]:
    """Enough agencies for the asked number of reports (7 years each), names made unique."""
    base = all_agencies()
    needed = -(-count // 7)
    return [
        Agency(
            f"{a.name}{'' if i < len(base) else f'（第{i // len(base) + 1}组）'}",
            a.province,
            a.city,
            a.county,
            a.level,
            a.kind,
            a.size,
        )
        for i, a in zip(range(needed), itertools.cycle(base), strict=False)
    ]


def build(path: Path, count: int) -> None:
    started = time.perf_counter()
    with building(path) as connection:
        batch: list[ParsedReport] = []
        for number, generated in enumerate(itertools.islice(generate(11, agencies=agencies_for(count)), count)):
            spec = generated.spec
            cells = {k: CellRecord(k, v, str(v), "number", "第1行") for k, v in spec.cells.items()}
            report = ParsedReport(
                f"generated/{number}.txt", f"{number:064x}", "txt", spec.agency, spec.year, spec.version, spec.published, cells
            )
            report.checks = check_identities(equations(spec.version, spec.with_org_subtotal, frozenset()), cells)
            words = narrative(spec)  # the text a rendered report would have, for the annual review
            report.parts = [
                Part(1, "一、总体情况", "\n".join(words.overview), 0),
                Part(5, "五、存在的主要问题及改进情况", words.problems, 0),
                Part(6, "六、其他需要报告的事项", words.other, 0),
            ]
            batch.append(report)
            if len(batch) == 2000:
                save_reports(connection, batch, generated=True)
                batch = []
        save_reports(connection, batch, generated=True)
        checked = time.perf_counter()
        refresh_cross_year_checks(connection)
        print(f"checks across years for {count} reports: {time.perf_counter() - checked:.1f} s")
        audited = time.perf_counter()
        found = refresh_findings(connection)
        print(f"annual review of {count} reports: {found} findings in {time.perf_counter() - audited:.1f} s")
    size = path.stat().st_size / 2**30
    print(f"built {path.name}: {count} reports in {time.perf_counter() - started:.0f} s, {size:.2f} GiB on disk")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    db = OUT / f"large-{args.reports}.duckdb"
    if db.exists() and needs_upgrade(db):
        db.unlink()  # built by an older schema: build again
    if not db.exists():
        build(db, args.reports)
    settings = [
        Filters(),
        Filters(years=(2021, 2025)),
        Filters(levels=("县",), kinds=("公安",)),
        Filters(provinces=("湖南省",), include_generated=True),
    ]
    results: dict[str, list[float]] = {}
    for page, asks in PAGES.items():
        timings = []
        for _, filters in itertools.product(range(args.rounds), settings):
            started = time.perf_counter()
            for name, extra in [*EVERY_PAGE, *asks]:
                ask(db, filters, name, extra)
            timings.append((time.perf_counter() - started) * 1000)
        results[page] = timings
    print(f"{'page':<12}{'median ms':>12}{'p95 ms':>10}")
    for page, timings in results.items():
        print(f"{page:<12}{statistics.median(timings):>12.0f}{_p95(timings):>10.0f}")
    slowest = max(results, key=lambda page: _p95(results[page]))
    print(f"dashboard: p95 {_p95(results[slowest]):.0f} ms (slowest page {slowest})")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
