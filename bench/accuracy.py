"""Parse accuracy on a generated corpus with known answers, by format and by defect.

    python bench/accuracy.py [--reports 3000] [--formats txt,html,docx,pdf,md] [--seed 7]
    python bench/accuracy.py --reports 30 --formats scan     # damaged scans, read by OCR

A cell is right when the parsed value equals the truth (NULL where the truth has none). A
silent error is a wrong cell that no error issue names: an error elsewhere in the same
report does not excuse it. The last line is
``accuracy: X% cells right, S silent errors``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.generate import FORMATS, GeneratedReport, generate, prerender, render  # noqa: E402
from etl.document import ReadError  # noqa: E402
from etl.parse import parse_document  # noqa: E402
from etl.readers import read_document  # noqa: E402


def check_with_issues(report: GeneratedReport) -> tuple[str, str, list[str], int, int, int, float, list[str]]:
    started = time.perf_counter()
    data, suffix = render(report)
    with tempfile.NamedTemporaryFile(suffix=f".{suffix}") as handle:
        handle.write(data)
        handle.flush()
        try:
            parsed = parse_document(read_document(Path(handle.name), data), "bench")
            values = parsed.values()
            named = {key for issue in parsed.issues if issue.severity == "error" for key in issue.cells}
        except ReadError:
            values, named = {}, set(report.spec.cells)  # the whole file refused, with its reason
    truth = report.spec.cells
    wrong = [key for key, value in truth.items() if not _same(values.get(key), value)]
    # Strictly: a wrong cell is silent unless an error names that very cell.
    silent = sum(key not in named for key in wrong)
    elapsed = time.perf_counter() - started
    shown = [f"{key}: truth {truth[key]}, read {values.get(key)}{'' if key in named else ' SILENT'}" for key in wrong]
    return report.fmt, report.family_name, sorted(report.defects), len(truth), len(truth) - len(wrong), silent, elapsed, shown


def _same(read: float | None, truth: float | None) -> bool:
    if read is None or truth is None:
        return read is None and truth is None
    return abs(float(read) - truth) <= 1e-6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=3000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show-wrong", action="store_true", help="list every wrong cell, report by report")
    args = parser.parse_args()
    formats = tuple(args.formats.split(","))
    reports = list(itertools.islice(generate(args.seed, formats=formats), args.reports))
    # Files made by chromium and LibreOffice are kept by content, so a second run renders none again.
    os.environ.setdefault("CORPUS_RENDER_CACHE", str(Path(__file__).resolve().parent / "out" / "render-cache"))
    started = time.perf_counter()
    exported = prerender(reports)
    if exported:
        print(f"{exported} Word files exported to PDF by LibreOffice in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    os.environ.setdefault("GOV_REPORTS_OCR_THREADS", str(max(1, (os.cpu_count() or 1) // args.workers)))  # as ingest does
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(check_with_issues, reports, chunksize=4))
    elapsed = time.perf_counter() - started
    by_format: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    by_defect: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for index, (fmt, family, defects, cells, right, silent, _, shown) in enumerate(results):
        if args.show_wrong and shown:
            print(f"report {index} ({fmt}, {family}, {','.join(defects)}):", *shown, sep="\n  ")
        for bucket in [by_format[fmt], by_family[family], *(by_defect[d] for d in defects or ["(none)"])]:
            bucket[0] += 1
            bucket[1] += cells
            bucket[2] += right
            bucket[3] += silent
            bucket[4] += right == cells
    print(
        f"{len(results)} reports parsed in {elapsed:.0f} s ({elapsed / max(len(results), 1) * 1000:.0f} ms each with rendering, {args.workers} workers)\n"
    )
    for title, table in (("format", by_format), ("family", by_family), ("defect", by_defect)):
        print(f"{title:<22}{'reports':>8}{'cells':>10}{'right %':>10}{'exact %':>9}{'silent':>8}")
        for name, (count, cells, right, silent, exact) in sorted(table.items()):
            print(f"{name:<22}{count:>8}{cells:>10}{100 * right / cells:>10.3f}{100 * exact / count:>9.1f}{silent:>8}")
        print()
    cells = sum(r[3] for r in results)
    right = sum(r[4] for r in results)
    silent = sum(r[5] for r in results)
    exact = sum(r[3] == r[4] for r in results)
    print(f"report-level exact match: {100 * exact / len(results):.1f}%")
    print(f"peak memory of a worker: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB")
    print(f"accuracy: {100 * right / cells:.3f}% cells right, {silent} silent errors")


if __name__ == "__main__":
    main()
