"""What a parse worker spends on one report, in instructions: a figure that does not move.

    python bench/instructions.py [--files 40] [--mix txt,html,docx,pdf] [--against PATH]

Wall-clock rates on a shared two-core machine move by a fifth between runs of the same
code, which hides a change worth 5 %. Instructions executed do not: valgrind's callgrind
counts them. For each format, the first ``--files`` reports of ``bench/ingest.py``'s
default corpus go through what a worker does with a file (read, hash, read the document,
parse it, its rows made into Arrow batches) in a process of their own, and the same
process with no report beyond the first (which loads what parsing loads lazily) is
subtracted: what is left, over the reports, is each one's cost in steady state.

``--against PATH`` counts another checkout of the project the same way (a ``git worktree``
of the commit before a change, say) and prints both. Two counts of the same code differ by
up to 1 % (where the system puts memory changes a few paths through the allocator, and
the order files are met fills caches differently), so a change smaller than 2 % is not
told apart here either. Callgrind runs some fifty times
slower than the code; the formats run side by side, one a core. Needs valgrind
(``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "out" / "ingest-3-10000"
_COLLECTED = re.compile(r"Collected : (\d+)")


def _worker(root: Path, fmt: str, count: int) -> None:
    """In the counted process: the first file once (to load what parsing loads lazily),
    then the first ``count`` files as a parse worker takes them, eight at a time."""
    sys.path.insert(0, str(root))
    from etl.ingest import _parse_many, find_files

    files = find_files([CORPUS / fmt])[: max(count, 1)]
    _parse_many(files[:1])
    for start in range(0, count, 8):
        _parse_many(files[start : min(start + 8, count)])


def _instructions(root: Path, fmt: str, count: int) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__]
    command += ["--worker", str(root), fmt, str(count)]
    # A fixed hash seed: sets and dicts of strings iterate in an order that changes the count by 1–2 %.
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=environment)
    found = _COLLECTED.search(done.stderr)
    if done.returncode or not found:
        raise SystemExit(f"counting {fmt} in {root} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_report(root: Path, fmt: str, count: int) -> float:
    """Millions of instructions a report of ``fmt`` costs a worker of the checkout at ``root``."""
    return (_instructions(root, fmt, count) - _instructions(root, fmt, 0)) / count / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--mix", default="txt,html,docx,pdf")
    parser.add_argument("--against", type=Path, help="another checkout of the project, counted the same way")
    parser.add_argument("--worker", nargs=3, metavar=("ROOT", "FORMAT", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(Path(args.worker[0]), args.worker[1], int(args.worker[2]))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    formats = args.mix.split(",")
    missing = [fmt for fmt in formats if not (CORPUS / fmt).is_dir()]
    if missing:
        raise SystemExit(f"no corpus for {', '.join(missing)} in {CORPUS}: run bench/ingest.py once first")
    roots = [ROOT, *([args.against.resolve()] if args.against else [])]
    jobs = [(root, fmt) for fmt in formats for root in roots]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        counted = dict(zip(jobs, pool.map(lambda job: per_report(job[0], job[1], args.files), jobs), strict=True))
    header = f"{'format':<8}{'M instr/report':>16}" + (f"{'against':>12}{'change':>9}" if args.against else "")
    print(header)
    for fmt in formats:
        line = f"{fmt:<8}{counted[(ROOT, fmt)]:>16.1f}"
        if args.against:
            before = counted[(roots[1], fmt)]
            line += f"{before:>12.1f}{(counted[(ROOT, fmt)] / before - 1) * 100:>+8.1f}%"
        print(line)


if __name__ == "__main__":
    main()
