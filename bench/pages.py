"""How long each dashboard page takes to open in a real browser on a large warehouse: the
queries (bench/dashboard.py) are one part; the page's own work on their answers, the
widgets and the tables sent to the browser are the rest, and at a million reports they
were most of it.

    python bench/pages.py [--reports 100000] [--rounds 2] [--width 1440]

The warehouse is bench/out/large-N.duckdb (built by bench/dashboard.py when missing). The
real dashboard is started on it and each page opened in Debian's chromium: the first
visit after the server starts (nothing cached) and then again (answers cached), timed
until the page has drawn everything and the app stopped running. A fresh tab loads
Streamlit's front end and plotly each time (about two seconds on any warehouse); what a
user clicking through the menu feels is the third column: one tab, each page reached by
its link in the sidebar, answers cached. The fourth is the same after a publish (the
file's time changed, then ``--settle`` seconds for the server to ask again what had been
asked: ``bench/runs.py`` says how long that takes). The last line is
``pages: slowest NAME X s first, NAME Y s again, NAME Z s clicked, NAME W s published (N reports)``.
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

from dashboard.pages import PAGES  # noqa: E402
from dashboard.server import serving  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
#: The page is done when none of these is on it: Streamlit's running sign, a placeholder still waiting.
BUSY = '[data-testid="stStatusWidget"], [data-testid="stSkeleton"]'
#: How long a page may take before the run gives up on it (seconds).
PATIENCE = 600


def opened(browser: object, url: str, width: int) -> float:
    """Seconds from asking for ``url`` to the page standing still (infinite past ``PATIENCE``)."""
    from playwright.sync_api import TimeoutError as PageTimeout

    page = browser.new_page(viewport={"width": width, "height": 1000})  # type: ignore[attr-defined]
    try:
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=PATIENCE * 1000)
        settled(page)
        return time.perf_counter() - started - 0.4
    except PageTimeout:
        return float("inf")
    finally:
        page.close()


def settled(page: object) -> None:
    """Wait until the app has stopped running (Streamlit's own state on the app's root; its
    running sign shows only after a while) and no placeholder is waiting. It may run twice."""
    for _ in range(2):  # the app may start again once its widgets have their values
        page.wait_for_timeout(200)  # type: ignore[attr-defined]
        page.wait_for_function(  # type: ignore[attr-defined]
            f"""() => document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === 'notRunning'
                && !document.querySelector('{BUSY}')""",
            timeout=PATIENCE * 1000,
        )


def clicked_through(browser: object, url: str, width: int) -> dict[str, float]:
    """Seconds from clicking each page's menu link, in one tab, to the page standing still."""
    from playwright.sync_api import TimeoutError as PageTimeout

    page = browser.new_page(viewport={"width": width, "height": 1000})  # type: ignore[attr-defined]
    took: dict[str, float] = {}
    try:
        page.goto(url)
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=PATIENCE * 1000)
        settled(page)
        for spec in (*PAGES[1:], PAGES[0]):
            link = page.locator(f'[data-testid="stSidebarNav"] a[href="{url}/{spec.url_path}"]')
            started = time.perf_counter()
            link.click()
            try:
                page.wait_for_function(
                    "t => document.querySelector('[data-testid=\"stMain\"] h1')?.textContent.startsWith(t)",
                    arg=spec.title,
                    timeout=PATIENCE * 1000,
                )
                settled(page)
                took[spec.title] = time.perf_counter() - started - 0.4
            except PageTimeout:
                took[spec.title] = float("inf")
    finally:
        page.close()
    return took


def large_warehouse(reports: int) -> Path:
    """bench/out/large-N.duckdb, built by bench/dashboard.py when missing."""
    db = ROOT / "bench" / "out" / f"large-{reports}.duckdb"
    if not db.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "dashboard.py"), "--reports", str(reports), "--rounds", "1"], check=True
        )
    return db


def publish_again(db: Path) -> None:
    """A new version of ``db`` as an ingest publishes one: its time changed, its content not."""
    status = db.stat()
    os.utime(db, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))


def padded(title: str, width: int) -> str:
    """``title`` padded to ``width`` columns, a Chinese character taking two."""
    return title + " " * max(0, width - sum(2 if ord(c) > 0x2E80 else 1 for c in title))


def median(times: dict[str, list[float]]) -> dict[str, float]:
    return {title: sorted(values)[len(values) // 2] for title, values in times.items()}


def seconds(value: float) -> str:
    return f"> {PATIENCE}" if value == float("inf") else f"{value:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2, help="visits after the first, the median kept")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--settle", type=float, default=20, help="seconds waited after the publish")
    args = parser.parse_args()
    db = large_warehouse(args.reports)
    from playwright.sync_api import sync_playwright

    first: dict[str, float] = {}
    again: dict[str, list[float]] = {}
    clicked: dict[str, list[float]] = {}
    with serving(db, timeout=PATIENCE) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            for page in PAGES:
                first[page.title] = opened(browser, f"{url}/{page.url_path}", args.width)
            for _ in range(args.rounds):
                for page in PAGES:
                    again.setdefault(page.title, []).append(opened(browser, f"{url}/{page.url_path}", args.width))
            for _ in range(args.rounds):
                for title, took in clicked_through(browser, url, args.width).items():
                    clicked.setdefault(title, []).append(took)
            publish_again(db)
            time.sleep(args.settle)
            published = clicked_through(browser, url, args.width)
        finally:
            browser.close()
    print(f"{padded('page', 16)}{'first s':>9}{'again s':>9}{'clicked s':>11}{'published s':>13}")
    median_again, median_clicked = median(again), median(clicked)
    for title, took in first.items():
        print(
            f"{padded(title, 16)}{seconds(took):>9}{seconds(median_again[title]):>9}"
            f"{seconds(median_clicked[title]):>11}{seconds(published[title]):>13}"
        )
    cold, warm, click, late = (
        max(times, key=lambda title: times[title]) for times in (first, median_again, median_clicked, published)
    )
    print(
        f"pages: slowest {cold} {seconds(first[cold])} s first, {warm} {seconds(median_again[warm])} s again, "
        f"{click} {seconds(median_clicked[click])} s clicked, {late} {seconds(published[late])} s published"
        f" ({args.reports} reports)"
    )


if __name__ == "__main__":
    main()
