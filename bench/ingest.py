"""Ingest speed: reports per second by format, with one parse worker and with all, the
re-ingest of the unchanged corpus, and the peak memory of the whole process tree.

    python bench/ingest.py [--reports 10000] [--mix txt,html,docx,pdf] [--workers N] [--seed 3] [--repeat 1]

The corpus (a quarter of ``--reports`` in each format of ``--mix`` by default) is rendered
once into ``bench/out/ingest-SEED-N/`` and kept, so a second run only ingests. PDFs are the
ones the corpus draws with reportlab (a text layer, as most agencies' PDFs have);
``--all-pdf-families`` adds those printed by chromium and exported by LibreOffice, which
take minutes to render the first time. Each format is ingested into a fresh warehouse with
one worker and with ``--workers``; then the whole mix into one warehouse, and again
unchanged. A shared machine's speed moves by a fifth from one minute to the next:
``--repeat N`` ingests the whole mix N times, each into a fresh warehouse, and reports the
median (and each run). The writing process's CPU a report over the whole mix is printed
too: the parse workers run beside it on the same cores, so each millisecond of it is one
they lose, and it moves less with the machine's speed than the rates do; so is what it
wrote to disk a report (on Linux), which moves with what is saved, not with the machine.
The last line is ``ingest: X reports/s (N workers, MIX), re-ingest Y s, peak Z MiB``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.generate import GeneratedReport, generate, write  # noqa: E402
from etl.ingest import find_files, ingest  # noqa: E402

#: How often (seconds) the process tree's memory is sampled.
SAMPLE_EVERY = 0.2
_SLOW_FAMILIES = {"pdf-chromium", "pdf-chromium-narrow", "pdf-libreoffice"}


class TreeMemory:
    """The peak resident memory of this process and all its descendants, sampled from /proc."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY):
            self.peak = max(self.peak, _tree_rss(os.getpid()))


def _tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and every process below it."""
    parents: dict[int, int] = {}
    resident: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            resident[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, frontier = resident.get(root, 0), [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        total += sum(resident.get(pid, 0) for pid in children)
        frontier = children
    return total


def corpus(folder: Path, fmt: str, count: int, seed: int, all_families: bool) -> list[Path]:
    """``count`` reports in one format, rendered once and kept. One seed's corpus has some
    3,500 reports, fewer in the PDF families drawn quickly: the rest come from the seeds
    after it (each in a folder of its own: the same agencies and years, drawn again), so that
    the mix asked is the mix measured."""
    target = folder / fmt
    if target.exists() and len(find_files([target])) >= count:
        return find_files([target])[:count]
    shutil.rmtree(target, ignore_errors=True)
    for place, report in itertools.islice(_drawn(target, fmt, seed, all_families), count):
        write(report, place)
    return find_files([target])[:count]


def _drawn(target: Path, fmt: str, seed: int, all_families: bool) -> Iterator[tuple[Path, GeneratedReport]]:
    """Reports in ``fmt`` from ``seed`` on, each with the folder it is written to."""
    for round_seed in itertools.count(seed):
        place = target if round_seed == seed else target / f"seed-{round_seed}"
        for report in generate(round_seed, formats=(fmt,)):
            if all_families or report.family_name not in _SLOW_FAMILIES:
                yield place, report


def timed_ingest(files: list[Path], db: Path, workers: int) -> float:
    started = time.perf_counter()
    ingest(files, db, generated=True, workers=workers)
    return time.perf_counter() - started


def written_bytes() -> int | None:
    """What this process has written to disk so far (Linux's ``/proc/self/io``), None
    where it is not told: the writer's disk writes move with what it saves, not with the
    machine's speed, and on a slow disk they are what an ingest waits for."""
    try:
        with open("/proc/self/io", encoding="ascii") as io:
            return next(int(line.split()[1]) for line in io if line.startswith("write_bytes:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--mix", default="txt,html,docx,pdf")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--all-pdf-families", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="ingest the whole mix this many times; the median is reported")
    args = parser.parse_args()
    formats = args.mix.split(",")
    folder = ROOT / "bench" / "out" / f"ingest-{args.seed}-{args.reports}"
    files = {fmt: corpus(folder, fmt, args.reports // len(formats), args.seed, args.all_pdf_families) for fmt in formats}
    print(f"{'format':<8}{'reports':>9}{'1 worker /s':>14}{f'{args.workers} workers /s':>16}")
    with tempfile.TemporaryDirectory() as scratch:
        for fmt, paths in files.items():
            one = timed_ingest(paths, Path(scratch) / f"{fmt}-1.duckdb", 1)
            many = timed_ingest(paths, Path(scratch) / f"{fmt}-n.duckdb", args.workers)
            print(f"{fmt:<8}{len(paths):>9}{len(paths) / one:>14.1f}{len(paths) / many:>16.1f}")
        everything = [path for paths in files.values() for path in paths]
        rates, writer, written = [], [], []
        with TreeMemory() as memory:
            for run in range(args.repeat):
                db = Path(scratch) / f"all-{run}.duckdb"
                cpu, wrote = time.process_time(), written_bytes()  # this process is the writer: the parse workers are others
                rates.append(len(everything) / timed_ingest(everything, db, args.workers))
                writer.append((time.process_time() - cpu) / len(everything))
                after = written_bytes()
                if wrote is not None and after is not None:
                    written.append((after - wrote) / len(everything))
            again = timed_ingest(everything, db, args.workers)
    rate = statistics.median(rates)
    print(f"all     {len(everything):>9}{'':>14}{rate:>16.1f}")
    if len(rates) > 1:
        print(f"all, each run: {', '.join(f'{each:.1f}' for each in rates)} (the median above)")
    disk = f" and {statistics.median(written) / 1024:.1f} KiB written to disk" if written else ""
    print(
        f"writer: {statistics.median(writer) * 1000:.2f} ms of CPU{disk} a report, whole mix (receiving, saving, "
        "the checks across years, the annual review, publishing; the parse workers' CPU is their own)"
    )
    print(
        f"ingest: {rate:.0f} reports/s ({args.workers} workers, {args.mix}), re-ingest {again:.1f} s, peak {memory.peak / 2**20:.0f} MiB"
    )


if __name__ == "__main__":
    main()
