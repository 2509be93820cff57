"""Load a batch of report files into the warehouse: one broken file never stops the batch.

Progress is reported through a callback so that the CLI can draw a bar and the
dashboard a progress widget, while this module prints nothing.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from etl.document import ReadError
from etl.parse import parse_document
from etl.readers import read_document
from etl.warehouse import building, current_report_for_sha, log_ingest, save_report

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".txt", ".text", ".htm", ".html", ".docx", ".doc", ".pdf", ".md"}


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
    """Files named directly, and report files found recursively in folders, in a stable order."""
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
) -> IngestSummary:
    """Parse and load every file; the warehouse is published once, at the end."""
    summary = IngestSummary()
    run_started = datetime.now()
    with building(db_path) as connection:
        entries = []
        for path in files:
            started = time.perf_counter()
            outcome, digest = _ingest_one(connection, path, generated)
            summary.outcomes.append(outcome)
            entries.append(
                (
                    str(path),
                    digest,
                    outcome.status,
                    outcome.stage or None,
                    outcome.reason or None,
                    time.perf_counter() - started,
                    outcome.report_id,
                )
            )
            if progress:
                progress(path, outcome)
        log_ingest(connection, run_started, entries)
    return summary


def _ingest_one(connection: duckdb.DuckDBPyConnection, path: Path, generated: bool) -> tuple[FileOutcome, str | None]:
    try:
        data = path.read_bytes()
    except OSError as error:
        return FileOutcome(str(path), "failed", f"{path}：无法打开文件（{error.strerror}）", "read"), None
    digest = hashlib.sha256(data).hexdigest()
    existing = current_report_for_sha(connection, digest)
    if existing is not None:
        return FileOutcome(str(path), "unchanged", report_id=existing), digest
    try:
        report = parse_document(read_document(path, data), digest)
    except ReadError as error:
        return FileOutcome(str(path), "failed", str(error), "parse"), digest
    except Exception as error:  # a parser bug must not stop the batch; it is logged in full
        log.exception("unexpected error while parsing %s", path)
        return FileOutcome(str(path), "failed", f"{path}：解析时出现内部错误（{type(error).__name__}: {error}）", "parse"), digest
    if report.agency is None or report.year is None:
        missing = "机关名称" if report.agency is None else "所属年度"
        return FileOutcome(str(path), "failed", f"{path}：无法确定报告的{missing}，未导入", "metadata"), digest
    try:
        report_id, status = save_report(connection, report, generated)
    except Exception as error:
        log.exception("could not save %s", path)
        return FileOutcome(str(path), "failed", f"{path}：写入数据库失败（{error}）", "save"), digest
    return FileOutcome(str(path), status, report_id=report_id), digest
