"""How long each dashboard page's script runs on the server: the first run on a warehouse
(nothing kept) and again (answers, tables and charts kept), as a click on any widget
reruns it. The browser's share (bench/pages.py) is left out, so these are what the app's
own code costs.

    python bench/runs.py [--reports 100000] [--rounds 3]

The warehouse is bench/out/large-N.duckdb (built by bench/dashboard.py when missing); each
page runs in Streamlit's AppTest, the real app with its real caches. The last line is
``runs: slowest NAME X s first, NAME Y s again (N reports)``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # AppTest's notes about running bare

from bench.pages import padded  # noqa: E402
from dashboard.pages import PAGES  # noqa: E402


def timed_runs(page: str, rounds: int) -> tuple[float, float]:
    """Seconds of the page's first run after every kept answer is dropped, and the best of
    ``rounds`` runs after it."""
    from streamlit.testing.v1 import AppTest

    from dashboard import answers

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    app.run()  # the first page (总览), as the app opens
    app.switch_page(f"views/{page}.py")
    answers.forget()
    started = time.perf_counter()
    app.run()
    first = time.perf_counter() - started
    if app.exception:
        raise SystemExit(f"{page}: {[e.value for e in app.exception]}")
    again = []
    for _ in range(rounds):
        started = time.perf_counter()
        app.run()
        again.append(time.perf_counter() - started)
    return first, min(again)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="runs after the first, the fastest kept")
    args = parser.parse_args()
    db = ROOT / "bench" / "out" / f"large-{args.reports}.duckdb"
    if not db.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "dashboard.py"), "--reports", str(args.reports), "--rounds", "1"], check=True
        )
    os.environ["GOV_REPORTS_DB"] = str(db)
    times = {spec.title: timed_runs(spec.name, args.rounds) for spec in PAGES}
    print(f"{padded('page', 16)}{'first s':>9}{'again s':>9}")
    for title, (first, again) in times.items():
        print(f"{padded(title, 16)}{first:>9.2f}{again:>9.2f}")
    cold = max(times, key=lambda title: times[title][0])
    warm = max(times, key=lambda title: times[title][1])
    print(f"runs: slowest {cold} {times[cold][0]:.2f} s first, {warm} {times[warm][1]:.2f} s again ({args.reports} reports)")


if __name__ == "__main__":
    main()
