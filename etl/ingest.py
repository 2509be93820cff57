"""Load a batch of report files into the warehouse: one broken file never stops the batch.

Progress is reported through a callback so that the CLI can draw a bar and the
dashboard a progress widget, while this module prints nothing.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Container, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import duckdb

from etl import PARSER_VERSION
from etl.agencies_csv import Override, canonical_names, load_overrides
from etl.audit import refresh_findings
from etl.audit.facts import years_of
from etl.digests import Digests
from etl.document import ReadError
from etl.parse import parse_document
from etl.readers import read_document, read_source
from etl.readers.ocr import THREADS_VARIABLE
from etl.readers.pages import IMAGE_SUFFIXES
from etl.warehouse import (
    LoadedContents,
    apply_agency_overrides,
    building,
    loaded_digests,
    loaded_reports_for_shas,
    log_ingest,
    refresh_agencies,
    refresh_cross_year_checks,
    save_reports,
)
from etl.warehouse.rows import Columns, ReportRows, RowsBundle, bundled, columns_of

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
SUPPORTED_SUFFIXES = {".txt", ".text", ".htm", ".html", ".docx", ".doc", ".pdf", ".md", ".zip", *IMAGE_SUFFIXES}


@dataclass
class FileOutcome:
    file: str
    status: str  # loaded / replaced / unchanged / failed
    reason: str = ""
    stage: str = ""
    report_id: int | None = None


@dataclass
class IngestSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(outcome.status for outcome in self.outcomes)

    @property
    def failures(self) -> list[FileOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, and report files found recursively in folders, in a stable
    order. A path that does not exist or cannot be read stays in the list: ingesting it
    is one failure with its reason, and the other paths still load."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            found.append(path)
    return found


def ingest(
    files: list[Path],
    db_path: Path,
    progress: Callable[[Path, FileOutcome], None] | None = None,
    generated: bool = False,
    workers: int = 1,
    agencies_csv: Path | None = None,
    wait: float | None = None,
    on_wait: Callable[[int | None], None] | None = None,
    on_page: PageCallback | None = None,
) -> IngestSummary:
    """Parse and load every file; the warehouse is published once, at the end.

    Parsing is pure and runs in ``workers`` processes; only this process writes. After
    the files, the user's agencies.csv is applied and the checks across years redone.
    ``wait`` and ``on_wait``: how long to wait for another ingest, and who hears that we do.
    ``on_page`` hears of each page read by OCR (file, pages read, pages in all): a scan
    takes seconds a page, so progress by files alone would stand still for a minute.
    """
    summary = IngestSummary()
    run_started = datetime.now()
    overrides: dict[str, Override] = load_overrides(agencies_csv) if agencies_csv is not None else {}
    canonical = canonical_names(overrides)
    with building(db_path, wait, on_wait) as connection:
        # A few files are parsed here, one after the other (see ``_parsed``): each is looked
        # up as it comes, rather than every loaded content read first for workers to hold.
        known = LoadedContents(connection) if len(files) < _PARSED_HERE_BELOW else loaded_digests(connection)
        # The parse workers take every core while the files are read: DuckDB's threads of
        # its own would only take turns with them (and cost a fifth more of the writer's time).
        connection.execute("SET threads = 1")
        entries = []
        batch: list[ParsedFile] = []

        def flush() -> None:
            outcomes = _save_batch(connection, batch, generated, canonical)
            for item, outcome in zip(batch, outcomes, strict=True):
                path, digest, seconds = item.path, item.sha256, item.seconds
                summary.outcomes.append(outcome)
                entries.append(
                    (str(path), digest, outcome.status, outcome.stage or None, outcome.reason or None, seconds, outcome.report_id)
                )
                if progress:
                    progress(path, outcome)
            batch.clear()

        flushed = time.monotonic()
        for item in _parsed(files, known, workers, on_page):
            batch.append(item)
            if len(batch) >= _BATCH or (batch and time.monotonic() - flushed >= _FLUSH_EVERY):
                flush()
                flushed = time.monotonic()
        flush()
        connection.execute("RESET threads")  # the workers are done: what follows has the machine
        log_ingest(connection, run_started, entries)
        touched: set[int] | None = _agencies_given_reports(connection, summary)
        years = _years_saved(connection, summary)
        overridden = apply_agency_overrides(connection, overrides)
        changed = refresh_agencies(connection)
        if touched is not None and overridden is not None and changed is not None:
            reattributed = overridden | changed
            touched |= reattributed
            if reattributed:  # a body's attributes place its reports of every year in a peer group
                years |= set(years_of(connection, reattributed))
        else:
            touched = None  # agencies were joined, or the inference rules changed: judge all again
        refresh_cross_year_checks(connection, touched)
        refresh_findings(connection, touched, years)
    return summary


def _agencies_given_reports(connection: duckdb.DuckDBPyConnection, summary: IngestSummary) -> set[int]:
    """The agencies this ingest loaded or replaced a report of: the only ones whose
    checks across years and findings on their own reports can have changed."""
    return _of_saved(connection, summary, "agency_id")


def _years_saved(connection: duckdb.DuckDBPyConnection, summary: IngestSummary) -> set[int]:
    """The years this ingest loaded or replaced a report of (a replacement is of the same
    body and year): the only years whose peer groups its reports changed."""
    return _of_saved(connection, summary, "year")


def _of_saved(connection: duckdb.DuckDBPyConnection, summary: IngestSummary, column: str) -> set[int]:
    """The distinct ``column`` (agency_id or year, never user input) of the reports this ingest saved."""
    saved = [outcome.report_id for outcome in summary.outcomes if outcome.status in ("loaded", "replaced")]
    if not saved:
        return set()
    rows = connection.execute(f"SELECT DISTINCT {column} FROM reports WHERE list_contains(?, report_id)", [saved]).fetchall()
    return {int(row[0]) for row in rows}


#: Reports saved in one transaction: as many as arrive in a second (so that progress is
#: heard every second), at most this many (each transaction costs the writer a few
#: queries whatever its size).
_BATCH = 1000
_FLUSH_EVERY = 1.0


Parsed = ReportRows | FileOutcome | None  # None: unchanged since the last ingest


@dataclass(frozen=True)
class ParsedFile:
    """One file through a parse worker: its content hash (None when it could not be read),
    what parsing gave, and how long reading and parsing took."""

    path: Path
    sha256: str | None
    parsed: Parsed
    seconds: float


@dataclass(frozen=True)
class ParsedChunk:
    """The files a worker parsed in one go, as they travel back: each file (a report
    without its rows) and all their reports' rows in one bundle."""

    files: list[ParsedFile]
    rows: RowsBundle

    def opened(self) -> list[ParsedFile]:
        """Each file with its report's own rows again."""
        reports = iter(self.rows.opened())
        return [replace(item, parsed=next(reports)) if isinstance(item.parsed, ReportRows) else item for item in self.files]


#: Files a worker parses in one go: the rows of that many reports cross to the writer
#: as one bundle (scans go one by one, so that their pages' progress is heard).
_CHUNK = 8


#: Told of each page OCR reads: the file, pages read, pages in all.
PageCallback = Callable[[Path, int, int], None]

_known: Container[str] = Digests()  # contents already loaded, set once per parsing process
_pages_to: PageCallback | None = None  # who hears of pages read, set once per parsing process


def _remember(known: Container[str], pages_to: PageCallback | None) -> None:
    global _known, _pages_to
    _known, _pages_to = known, pages_to


def _start_worker(known: Container[str], pages: Any, workers: int) -> None:
    """A parse worker: it knows what is loaded, tells the ingest of pages read through
    ``pages`` (a queue, or None), and dies with the ingest that started it (a killed
    ingest must not leave workers parsing for nobody)."""
    _remember(known, None if pages is None else (lambda path, done, total: pages.put((str(path), done, total))))
    _die_with_parent()
    _collect_less()
    # OCR engines in several workers would each take every core: each takes its share.
    os.environ.setdefault(THREADS_VARIABLE, str(max(1, (os.cpu_count() or 1) // workers)))


#: Allocations between the collector's youngest-generation passes while parsing (Python's
#: default is 700): a report makes tens of thousands of short-lived objects, none cyclic.
_GC_THRESHOLD = 20_000


def _collect_less() -> tuple[int, int, int]:
    """Let the cycle collector run less often and skip what was imported: every pass
    over the template's and the libraries' objects found nothing to free, and cost a
    tenth of parsing a text report. Returns the thresholds it replaced."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_GC_THRESHOLD, 20, 20)
    return before


@contextmanager
def _collecting_less() -> Iterator[None]:
    """``_collect_less`` while parsing in this process, undone afterwards (the dashboard
    that ingests an upload keeps running)."""
    before = _collect_less()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def _parsed(files: list[Path], known: Container[str], workers: int, on_page: PageCallback | None) -> Iterator[ParsedFile]:
    """Each file parsed, in order; content already loaded is not parsed again. Each
    process reads and hashes its own files, so bytes are read once and not held for all."""
    if any(path.suffix.lower() in MAY_BE_SCANS for path in files):  # only scans need a gigabyte a worker
        workers = min(workers, _workers_memory_allows())
    chunk = 1 if on_page else _CHUNK
    if workers <= 1 or len(files) < _PARSED_HERE_BELOW:
        _remember(known, on_page)
        try:
            with _collecting_less():
                for start in range(0, len(files), chunk):
                    yield from _parse_many(files[start : start + chunk]).opened()
        finally:
            _remember(Digests(), None)  # a process that stays (the dashboard's) keeps no connection
        return
    context = multiprocessing.get_context()
    pages = context.Queue() if on_page is not None else None
    relay = threading.Thread(target=_relay_pages, args=(pages, on_page), daemon=True) if pages is not None else None
    if relay is not None:
        relay.start()
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(known, pages, workers)
        ) as pool:
            yield from _in_order(pool, files, chunk, workers * _CHUNKS_AHEAD)
    finally:
        if pages is not None and relay is not None:
            pages.put(None)
            relay.join(timeout=5)


#: Fewer files than this are parsed in the ingest's own process: starting workers would
#: take longer than parsing them.
_PARSED_HERE_BELOW = 8


#: How many chunks of files each worker may have parsed or taken ahead of the writer:
#: enough for the workers to go on parsing while the writer saves a second's reports
#: (with 8, they stood idle through every save), few enough that memory stays small
#: (a parsed report waits as some 50 KB of rows).
_CHUNKS_AHEAD = 32


def _in_order(pool: ProcessPoolExecutor, files: list[Path], chunk: int, ahead: int) -> Iterator[ParsedFile]:
    """The files parsed by the pool, in order, with at most ``ahead`` chunks handed out
    and not yet taken back: what the workers parsed waits for the writer in memory only
    that far ahead, whatever the number of files (``pool.map`` hands out every file at
    once and keeps every result it has not yielded)."""
    pending: deque[Future[ParsedChunk]] = deque()
    try:
        for start in range(0, len(files), chunk):
            pending.append(pool.submit(_parse_many, files[start : start + chunk]))
            if len(pending) >= ahead:
                yield from pending.popleft().result().opened()
        while pending:
            yield from pending.popleft().result().opened()
    finally:
        for waiting in pending:  # the ingest stopped early: parse nothing more for it
            waiting.cancel()


def _parse_many(paths: list[Path]) -> ParsedChunk:
    read = [_parse_one(path) for path in paths]
    rows = bundled(
        [(item.parsed, columns) for item, columns in read if isinstance(item.parsed, ReportRows) and columns is not None]
    )
    return ParsedChunk([item for item, _ in read], rows)


#: Files that may be scans, read by OCR (a PDF may have no text layer; a zip may hold page images).
MAY_BE_SCANS = {".pdf", ".zip", *IMAGE_SUFFIXES}
#: What one parse worker may need at its peak: reading a scan (PP-OCR's models and a page
#: at 200 dpi measure about 1 GiB, see bench/ocr.py), with room for the process itself.
WORKER_MEMORY = 1536 * 2**20


def _workers_memory_allows() -> int:
    """How many parse workers the memory free now holds, so that scans cannot exhaust it."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            available = next(int(line.split()[1]) * 1024 for line in meminfo if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return os.cpu_count() or 1  # not Linux: no figure to go by
    return max(1, available // WORKER_MEMORY)


def _relay_pages(pages: Any, on_page: PageCallback) -> None:
    """Pages the workers read, passed on to the caller, until the ingest says it is done."""
    while (item := pages.get()) is not None:
        path, done, total = item
        on_page(Path(path), done, total)


def _parse_one(path: Path) -> tuple[ParsedFile, dict[str, Columns] | None]:
    """The file read and parsed, and its report's rows as lists (None: no report)."""
    started = time.perf_counter()
    try:
        data = read_source(path)
    except ReadError as error:
        return ParsedFile(path, None, FileOutcome(str(path), "failed", str(error), "read"), 0.0), None
    digest = hashlib.sha256(data).hexdigest()
    if digest in _known:
        return ParsedFile(path, digest, None, time.perf_counter() - started), None  # unchanged: loaded before
    on_page = None if _pages_to is None else partial(_pages_to, path)
    columns = None
    try:
        parsed: Parsed
        parsed, columns = columns_of(parse_document(read_document(path, data, on_page), digest), PARSER_VERSION)
    except ReadError as error:
        parsed = FileOutcome(str(path), "failed", str(error), "parse")
    except Exception as error:  # a parser bug must not stop the batch; it is logged in full
        log.exception("unexpected error while parsing %s", path)
        parsed = FileOutcome(str(path), "failed", f"{path}：解析时出现内部错误（{type(error).__name__}: {error}）", "parse")
    return ParsedFile(path, digest, parsed, time.perf_counter() - started), columns


def _save_batch(
    connection: duckdb.DuckDBPyConnection,
    batch: list[ParsedFile],
    generated: bool,
    canonical: dict[str, str],
) -> list[FileOutcome]:
    """Outcomes for a batch; the reports among them are saved in one transaction. If
    that fails, each is saved alone so that one bad record cannot sink the others."""
    outcomes: list[FileOutcome | None] = []
    to_save: list[tuple[int, Path, ReportRows]] = []
    seen: set[str] = set()
    loaded = loaded_reports_for_shas(connection, [item.sha256 for item in batch if item.sha256])
    for item in batch:
        path, digest, parsed = item.path, item.sha256, item.parsed
        existing = loaded.get(digest) if digest else None
        if isinstance(parsed, FileOutcome):
            outcomes.append(parsed)
        elif parsed is None or existing is not None or digest in seen:
            outcomes.append(FileOutcome(str(path), "unchanged", report_id=existing))
        elif parsed.year is None:
            reason = f"{path}：标题、正文、文件名和文件夹名中都找不到报告的所属年度，未导入"
            outcomes.append(FileOutcome(str(path), "failed", reason, "metadata"))
        else:
            seen.add(parsed.sha256)
            to_save.append((len(outcomes), path, parsed))
            outcomes.append(None)
    try:
        saved = save_reports(connection, [report for _, _, report in to_save], generated, canonical)
    except Exception:
        log.exception("batch save failed; saving one by one")
        saved = [_save_alone(connection, path, report, generated, canonical) for _, path, report in to_save]  # type: ignore[misc]
    for (index, path, _), result in zip(to_save, saved, strict=True):
        outcomes[index] = result if isinstance(result, FileOutcome) else FileOutcome(str(path), result[1], report_id=result[0])
    return [outcome for outcome in outcomes if outcome is not None]


def _save_alone(
    connection: duckdb.DuckDBPyConnection, path: Path, report: ReportRows, generated: bool, canonical: dict[str, str]
) -> FileOutcome:
    try:
        report_id, status = save_reports(connection, [report], generated, canonical)[0]
    except Exception as error:
        log.exception("could not save %s", path)
        return FileOutcome(str(path), "failed", f"{path}：写入数据库失败（{error}）", "save")
    return FileOutcome(str(path), status, report_id=report_id)
