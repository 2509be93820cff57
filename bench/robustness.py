"""Robustness: hostile files, killed ingests and a dashboard under load while it publishes.

    python bench/robustness.py [--cycles 20] [--reports 120] [--sessions 8] [--seconds 60]

1. Every file of ``corpus.hostile`` is parsed alone (``etl parse --json``, its time and
   peak memory measured), then ingested mixed with good reports: "handled" is a clear
   reason, under 30 s and 2 GiB, and the good files of the same batch loaded.
2. ``--cycles`` times an ingest is killed with SIGKILL at a random moment, then run again
   to the end; the warehouse must then hold exactly what a clean ingest holds, with no
   building copy and no parse worker left behind.
3. ``--sessions`` browser sessions cycle through the dashboard's pages for ``--seconds``
   on 127.0.0.1 while an ingest publishes twice; no page may show an error.

Last line: ``robustness: N hostile files handled, K/K crash cycles intact``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from corpus.agencies import all_agencies  # noqa: E402
from corpus.generate import generate, write  # noqa: E402
from corpus.hostile import write_hostile  # noqa: E402
from dashboard.pages import PAGES as ALL_PAGES  # noqa: E402
from dashboard.server import serving  # noqa: E402
from etl.ingest import find_files, ingest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT, MEMORY_LIMIT = 30.0, 2 * 2**30
PAGES = [page.url_path for page in ALL_PAGES if page.name != "import_reports"]  # every page that only reads


def good_reports(folder: Path, count: int, seed: int) -> Path:
    agencies = all_agencies()[: max(count // 7 + 1, 1)]
    for report in list(generate(seed, agencies=agencies))[:count]:
        write(report, folder)
    return folder


def parse_alone(path: Path) -> tuple[float, int, str]:
    """Seconds, peak bytes and the reason of one ``etl parse --json`` run, killed at 120 s."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "etl", "parse", str(path), "--json"], cwd=ROOT, stdout=out, stderr=subprocess.DEVNULL
        )
        timer = threading.Timer(120, process.kill)
        timer.start()
        _, _, usage = os.wait4(process.pid, 0)  # the child's own peak memory, which communicate() would not give
        timer.cancel()
        process.returncode = 0  # reaped here; keep Popen from waiting again
        elapsed = time.monotonic() - started
        out.seek(0)
        text = out.read()
    try:
        issues = json.loads(text)["issues"]
        reason = issues[0]["message"] if issues else ""
    except (json.JSONDecodeError, KeyError, IndexError):
        reason = "no JSON"
    return elapsed, int(usage.ru_maxrss) * 1024, reason


def hostile_run(work: Path) -> tuple[int, int]:
    files = write_hostile(work / "hostile")
    handled = 0
    print(f"{'file':<34}{'seconds':>9}{'peak MiB':>10}  reason")
    for path, word in files.items():
        seconds, peak, reason = parse_alone(path)
        ok = (
            seconds < TIME_LIMIT
            and peak < MEMORY_LIMIT
            and word in reason
            and "内部错误" not in reason
            and "no JSON" not in reason
        )
        handled += ok
        shown = reason.split("：", 1)[-1][:60]
        print(f"{path.name[:33]:<34}{seconds:>9.1f}{peak / 2**20:>10.0f}  {'' if ok else 'NOT HANDLED '}{shown}")
    good = good_reports(work / "good", 20, 3)
    summary = ingest(find_files([work / "hostile", good]), work / "mixed.duckdb", workers=2)
    loaded = summary.counts.get("loaded", 0)
    print(f"\nmixed batch: {loaded} good reports loaded of 20, {summary.counts.get('failed', 0)} files failed\n")
    return (handled if loaded == 20 else 0), len(files)


def content(db: Path) -> set[tuple[object, ...]]:
    """What a warehouse holds, independent of load order (report ids differ between runs)."""
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute(
            """SELECT r.agency_name, r.year, c.key, c.value FROM cells c JOIN reports r USING (report_id)
               WHERE r.is_current"""
        ).fetchall()
    return set(rows)


def crash_cycles(work: Path, cycles: int, reports: int) -> int:
    corpus = good_reports(work / "crash-corpus", reports, 5)
    reference = work / "reference.duckdb"
    ingest(find_files([corpus]), reference, workers=2)
    expected = content(reference)
    target = work / "crash.duckdb"
    command = [sys.executable, "-m", "etl", "ingest", str(corpus), "--db", str(target), "--workers", "2"]
    rng = random.Random(7)
    intact = 0
    for cycle in range(cycles):
        if cycle % 4 == 0:
            target.unlink(missing_ok=True)  # now and then from nothing, else over what the last run left
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 4.0))
        children = _children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        time.sleep(1.0)
        orphans = [pid for pid in children if _alive(pid)]
        opened = True
        if target.exists():
            try:
                content(target)
            except duckdb.Error:
                opened = False
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
        same = done.returncode == 0 and content(target) == expected
        leftovers = [p.name for p in work.iterdir() if ".building-" in p.name]
        ok = same and opened and not orphans and not leftovers
        intact += ok
        print(
            f"cycle {cycle + 1:>2}: killed, {'opens' if opened else 'DOES NOT OPEN'}; re-run {'equals' if same else 'DIFFERS FROM'} a clean ingest; "
            f"{len(orphans)} orphan workers, {len(leftovers)} stale copies"
        )
    return intact


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found |= {int(child) for child in task.read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def load_run(work: Path, sessions: int, seconds: float) -> tuple[int, int, float]:
    """Pages opened, pages with an error, and the p95 page time in seconds."""
    from playwright.sync_api import sync_playwright

    db = work / "served.duckdb"
    shutil.copyfile(work / "reference.duckdb", db)
    times: list[float] = []
    errors = 0
    with serving(db) as url:
        publisher = threading.Thread(target=_publish_twice, args=(work, db, seconds), daemon=True)
        publisher.start()
        deadline = time.monotonic() + seconds
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            tabs = [browser.new_page(viewport={"width": 1200, "height": 900}) for _ in range(sessions)]
            turn = 0
            while time.monotonic() < deadline:
                tab = tabs[turn % sessions]
                page = PAGES[turn % len(PAGES)]
                started = time.monotonic()
                try:
                    tab.goto(f"{url}/{page}", timeout=60_000)
                    tab.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
                    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
                    errors += tab.locator('[data-testid="stException"]').count() > 0
                except Exception:  # a page that does not load in time counts as an error
                    errors += 1
                times.append(time.monotonic() - started)
                turn += 1
            browser.close()
        publisher.join(timeout=120)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times, default=0.0)
    return len(times), errors, p95


def _publish_twice(work: Path, db: Path, seconds: float) -> None:
    more = good_reports(work / "more", 40, 9)
    for round_ in range(2):
        time.sleep(seconds / 3)
        ingest(find_files([more if round_ == 0 else work / "crash-corpus"]), db, workers=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--reports", type=int, default=120)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="robustness-") as folder:
        work = Path(folder)
        handled, hostile = hostile_run(work)
        intact = crash_cycles(work, args.cycles, args.reports)
        if args.sessions and Path("/usr/bin/chromium").exists():
            opened, failed, p95 = load_run(work, args.sessions, args.seconds)
            print(
                f"\nload: {args.sessions} sessions, {opened} pages in {args.seconds:.0f} s with two publishes, {failed} with an error, p95 {p95:.2f} s"
            )
    print(f"robustness: {handled} hostile files handled, {intact}/{args.cycles} crash cycles intact")


if __name__ == "__main__":
    main()
