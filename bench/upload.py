"""How long an upload takes: a report or two into a large warehouse, as 导入报告 ingests them.

    python bench/upload.py [--reports 100000] [--rounds 5]

An office keeps one warehouse of its area's reports and adds a corrected report, or the
one that came late, through the dashboard: the wait is that one file's ingest, and all
of it but the parsing is what every ingest does whatever its size (copy the warehouse,
save, the checks across years and the annual review for the agencies touched, publish).

The warehouse is bench/out/large-N.duckdb (built by bench/dashboard.py when missing), with
the office's agencies.csv (``data/agencies.csv``) applied once. Each round copies it and
uploads, as the dashboard does (in one long-lived process, one file at a time, parsed in
that process, the agencies.csv applied again), the real samples: 平潭 2021, then
株洲市审计局 2019 and its corrected version (which replaces it). The first upload of the
run also loads what parsing loads once (its patterns) and is printed apart. The last line is
``upload: X s a report into N reports (median of M uploads; first of the run Y s)``.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import large_warehouse  # noqa: E402
from etl.ingest import ingest  # noqa: E402

SAMPLES = ROOT / "data" / "samples"
AGENCIES = ROOT / "data" / "agencies.csv"
UPLOADS = (
    SAMPLES / "pingtan-2021.txt",
    SAMPLES / "zhuzhou-audit-2019.txt",
    ROOT / "tests" / "fixtures" / "zhuzhou-corrected.txt",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    source = large_warehouse(args.reports)
    first: float | None = None
    timings: dict[str, list[float]] = {path.name: [] for path in UPLOADS}
    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "out") as work:
        # The dashboard applies the office's agencies.csv at every upload: applied once here
        # first (it joins agencies of the generated warehouse, and all is judged again), as
        # the office's own warehouse has it.
        kept, db = Path(work) / "kept.duckdb", Path(work) / "upload.duckdb"
        shutil.copyfile(source, kept)
        ingest([], kept, agencies_csv=AGENCIES)
        for _ in range(args.rounds):
            shutil.copyfile(kept, db)
            for path in UPLOADS:
                started = time.perf_counter()
                summary = ingest([path], db, workers=1, agencies_csv=AGENCIES)
                seconds = time.perf_counter() - started
                if summary.failures:
                    raise SystemExit(f"{path.name}：{summary.failures[0].reason}")
                if first is None:
                    first = seconds
                else:
                    timings[path.name].append(seconds)
    print(f"{'upload':<28}{'median s':>10}{'slowest s':>11}")
    for name, seconds in timings.items():
        print(f"{name:<28}{statistics.median(seconds):>10.2f}{max(seconds):>11.2f}")
    every = [seconds for values in timings.values() for seconds in values]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak of the uploading process: {peak} MiB")
    print(
        f"upload: {statistics.median(every):.2f} s a report into {args.reports} reports "
        f"(median of {len(every)} uploads; first of the run {first:.2f} s)"
    )


if __name__ == "__main__":
    main()
