"""How long each dashboard page's script runs on the server: the first run on a warehouse
(nothing kept), again (answers, tables and charts kept), as a click on any widget reruns
it, and the first run after a publish, once the watcher has asked again what the pages
asked before it (``dashboard/warming.py``; charts are made anew, as new figures would
make them). The browser's share (bench/pages.py) is left out, so these are what the
app's own code costs.

    python bench/runs.py [--reports 100000] [--rounds 3]

The warehouse is bench/out/large-N.duckdb (built by bench/dashboard.py when missing); each
page runs in Streamlit's AppTest, the real app with its real caches. The last line is
``runs: slowest NAME X s first, NAME Y s again, NAME Z s after a publish (N reports)``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # AppTest's notes about running bare

from bench.pages import large_warehouse, padded, publish_again  # noqa: E402
from dashboard.pages import PAGES  # noqa: E402


def _opened(page: str) -> object:
    """The app as a new visitor opens it, switched to ``page`` (not yet run)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    app.run()  # the first page (总览), as the app opens
    app.switch_page(f"views/{page}.py")
    return app


def _timed(app: object, page: str) -> float:
    started = time.perf_counter()
    app.run()  # type: ignore[attr-defined]
    seconds = time.perf_counter() - started
    if app.exception:  # type: ignore[attr-defined]
        raise SystemExit(f"{page}: {[e.value for e in app.exception]}")  # type: ignore[attr-defined]
    return seconds


def timed_runs(page: str, rounds: int) -> tuple[float, float]:
    """Seconds of the page's first run after every kept answer is dropped, and the best of
    ``rounds`` runs after it."""
    from dashboard import answers

    app = _opened(page)
    answers.forget()
    first = _timed(app, page)
    again = [_timed(app, page) for _ in range(rounds)]
    return first, min(again)


def published(db: Path) -> float:
    """A new version of ``db`` as an ingest publishes it (its time changed, its content
    not), the kept charts dropped as new figures would, and the seconds the watcher took
    to ask again what had been asked."""
    from dashboard import answers

    asked = answers.WARMER.asked_again
    publish_again(db)
    started = time.perf_counter()
    while answers.WARMER.asked_again == asked and time.perf_counter() - started < 60:
        time.sleep(0.05)
    if not answers.WARMER.settle(900):
        raise SystemExit("the watcher did not finish asking again")
    answers.KEPT.drop(lambda key: isinstance(key, tuple) and key[0] == "chart")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="runs after the first, the fastest kept")
    args = parser.parse_args()
    db = large_warehouse(args.reports)
    os.environ["GOV_REPORTS_DB"] = str(db)
    times = {spec.title: timed_runs(spec.name, args.rounds) for spec in PAGES}
    warming = published(db)
    after = {spec.title: _timed(_opened(spec.name), spec.name) for spec in PAGES}
    print(f"{padded('page', 16)}{'first s':>9}{'again s':>9}{'published s':>13}")
    for title, (first, again) in times.items():
        print(f"{padded(title, 16)}{first:>9.2f}{again:>9.2f}{after[title]:>13.2f}")
    print(f"after the publish, the watcher asked again for {warming:.1f} s")
    cold = max(times, key=lambda title: times[title][0])
    warm = max(times, key=lambda title: times[title][1])
    late = max(after, key=lambda title: after[title])
    print(
        f"runs: slowest {cold} {times[cold][0]:.2f} s first, {warm} {times[warm][1]:.2f} s again,"
        f" {late} {after[late]:.2f} s after a publish ({args.reports} reports)"
    )


if __name__ == "__main__":
    main()
