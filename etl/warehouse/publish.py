"""Build a new version of the warehouse beside the live file and publish it atomically.

DuckDB locks the whole file, so an ingest never writes the live file: it copies it to a
building file beside it, writes there (without DuckDB's write-ahead log: a failed
build's copy is thrown away), and publishes it with an atomic rename. Readers holding the
old file keep a consistent view; new readers see the new one. A lock file keeps two
ingests from building at once; one that waits says for whom, and gives up after a while.
Under the lock, copies left by killed ingests are removed. A copy with much free space
(rows replaced by later ingests) is compacted before it is published, and a full disk
ends in a plain sentence, the live file untouched.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO

import duckdb

from etl.warehouse.schema import WarehouseError, prepare
from etl.warehouse.wide import refresh_report_values

#: The most memory DuckDB takes while an ingest builds a warehouse.
BUILD_MEMORY = "640MB"
#: How much change a build makes before DuckDB checkpoints it into the file (its default is
#: 16 MB): a quarter as many checkpoints. At 128 MB an ingest of 10,000 reports into a
#: warehouse of 100,000 peaked at 910 MiB, against 783 at 16 MB and 762–814 at this.
CHECKPOINT_EVERY = "64MB"
#: A building copy with more than this share of its blocks free is rewritten compactly.
COMPACT_FREE_SHARE = 0.3
_POLL = 0.5


class DiskFullError(WarehouseError):
    """The disk filled up while the new version was written; the old one stands."""


@contextmanager
def building(
    path: Path, wait: float | None = None, on_wait: Callable[[int | None], None] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Write to a copy of the warehouse and publish it atomically when the block succeeds.

    ``wait`` is how many seconds to wait for another ingest's lock (None: as long as it
    takes); ``on_wait`` hears once that we wait, with the other ingest's process id.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+") as lock:
        _lock(lock, path, wait, on_wait)
        _remove_stale_copies(path)
        work = path.with_name(f".{path.name}.building-{os.getpid()}")
        connection = None
        try:
            if path.exists():
                shutil.copyfile(path, work)
            connection = _open_copy(work)
            connection.execute("SET enable_progress_bar = false")  # the ingest shows its own
            # DuckDB would take most of the machine's memory for a large build (2.8 GiB to
            # build report_values whole at 100,000 reports); past this it spills to disk.
            connection.execute(f"SET memory_limit = '{BUILD_MEMORY}'")
            # A checkpoint writes the tables' new rows, at a cost that grows with the
            # warehouse: at DuckDB's 16 MB of change between them (the log it would have
            # written, estimated: the copy has none), they were most of what saving a
            # report cost. The copy is thrown away if the build fails, so waiting longer
            # risks nothing; the memory the change holds stays bounded by this.
            connection.execute(f"SET checkpoint_threshold = '{CHECKPOINT_EVERY}'")
            prepare(connection)
            yield connection
            refresh_report_values(connection)
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('published_at', ?)", [datetime.now().isoformat()])
            connection.execute("CHECKPOINT")
            compact = _free_share(connection) > COMPACT_FREE_SHARE
            connection.close()
            if compact:
                _compact(work)
            os.replace(work, path)
        except BaseException as error:
            if connection is not None:
                connection.close()
            _remove(work)
            if _disk_full(error):
                raise DiskFullError(f"磁盘空间不足：无法在 {path.parent} 写入新的数据库，原有数据库保持不变") from error
            raise
        finally:
            lock.seek(0)
            lock.truncate()


#: The building copy's name in the connection that writes it.
_COPY = "warehouse"


def _open_copy(work: Path) -> duckdb.DuckDBPyConnection:
    """The building copy, written without DuckDB's write-ahead log. The log is what
    brings a file's last commits back after a crash, and a copy is thrown away on any
    failure: each commit wrote its rows to the log, and each automatic checkpoint wrote
    them again into the file. DuckDB still checkpoints after as much change as the log
    would have held, so memory stays bounded as before."""
    connection = duckdb.connect()
    try:
        connection.execute(f"ATTACH '{_quoted(work)}' AS {_COPY} (RECOVERY_MODE no_wal_writes)")
        connection.execute(f"USE {_COPY}")
    except BaseException:
        connection.close()
        raise
    return connection


def _lock(lock: IO[str], path: Path, wait: float | None, on_wait: Callable[[int | None], None] | None) -> None:
    """Take the lock, and leave our process id in the lock file for whoever waits next."""
    started = time.monotonic()
    told = False
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            holder = _holder(lock)
            if not told and on_wait is not None:
                on_wait(holder)
                told = True
            if wait is not None and time.monotonic() - started >= wait:
                who = f"进程 {holder}" if holder else "另一个进程"
                raise WarehouseError(f"{path}：{who}正在导入，等待 {wait:g} 秒后放弃；请稍后再试") from None
            time.sleep(_POLL)
    lock.seek(0)
    lock.truncate()
    lock.write(str(os.getpid()))
    lock.flush()


def _holder(lock: IO[str]) -> int | None:
    lock.seek(0)
    text = lock.read().strip()
    return int(text) if text.isdigit() else None


def _remove_stale_copies(path: Path) -> None:
    """Building copies (and their WAL) of ingests that were killed. We hold the lock, so
    no other ingest is building: every copy here is stale."""
    for stale in path.parent.glob(f".{path.name}.building-*"):
        _remove(stale)


def _remove(work: Path) -> None:
    """A building copy, its WAL and the folder DuckDB spills into (``.tmp``)."""
    for part in (work, Path(str(work) + ".wal"), Path(str(work) + ".tmp")):
        if part.is_dir() and not part.is_symlink():
            shutil.rmtree(part, ignore_errors=True)
        else:
            part.unlink(missing_ok=True)


def _free_share(connection: duckdb.DuckDBPyConnection) -> float:
    ((total, free),) = connection.execute(
        "SELECT total_blocks, free_blocks FROM pragma_database_size() WHERE database_name = current_database()"
    ).fetchall()
    return float(free) / float(total) if total else 0.0


def _compact(work: Path) -> None:
    """Rewrite the copy into a fresh file without the free blocks rows left behind."""
    fresh = work.with_name(work.name + ".compact")
    _remove(fresh)
    connection = duckdb.connect()
    try:
        connection.execute(f"SET memory_limit = '{BUILD_MEMORY}'")
        connection.execute(f"ATTACH '{_quoted(work)}' AS old (READ_ONLY)")
        connection.execute(f"ATTACH '{_quoted(fresh)}' AS fresh")
        connection.execute("COPY FROM DATABASE old TO fresh")
        connection.execute("DETACH fresh")
        connection.execute("DETACH old")
    finally:
        connection.close()
    os.replace(fresh, work)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _disk_full(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return True
    text = str(error).lower()
    return isinstance(error, duckdb.Error) and ("no space left" in text or "disk full" in text)
