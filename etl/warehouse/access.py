"""How readers open the warehouse: the dashboard's questions on a database kept open,
exports and the command line on a connection of their own, always to the file as it is
now (an ingest publishes a new file in the old one's place)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import duckdb
import pandas as pd
import pyarrow as pa

from etl.warehouse.schema import SCHEMA_VERSION, WarehouseError, schema_version

# Arrow's memory (every frame the warehouse gives, and pandas' text columns) from the C
# library's allocator: Arrow's default, mimalloc, kept what frames freed for itself, and a
# full review at a million reports peaked 60 MiB higher with it, at the same speed.
pa.set_memory_pool(pa.system_memory_pool())

#: What one open warehouse may hold in memory while answering (DuckDB's own default is
#: 80 % of the machine's, which a dashboard serving many people cannot give one database;
#: the slowest page at a million reports needs a fraction of this).
READ_MEMORY = "2GB"


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the file as it is now, for readers (exports, the CLI).
    A version that ``reading`` keeps open and an ingest has replaced since is closed
    first: DuckDB would hand out that database again to whoever opens the path."""
    identity = _identity(path)
    with _OPEN_CHANGED:
        _unless_replaced(path.resolve(), identity)
        return _open(path)


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    """The file opened to read (one configuration for every reader: DuckDB refuses a
    second connection to an open file with another)."""
    return duckdb.connect(str(path), read_only=True, config={"memory_limit": READ_MEMORY})


def _identity(path: Path) -> tuple[int, ...]:
    """Device, inode, size and time: another value is another version of the file."""
    try:
        status = path.stat()
    except FileNotFoundError:
        raise WarehouseError(f"{path}：数据库文件不存在，请先导入报告") from None
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


@dataclass
class _Open:
    """A warehouse file kept open for readers, and how many questions are reading it."""

    identity: tuple[int, ...]  # device, inode, size and time of the file it opened
    database: duckdb.DuckDBPyConnection
    readers: int = 0


_OPEN: OrderedDict[Path, _Open] = OrderedDict()
_OPEN_CHANGED = threading.Condition()
_KEEP_OPEN = 4
#: How long a question waits for questions still reading the previous version of a file.
_WAIT_FOR_READERS = 5.0


@contextmanager
def reading(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only cursor on the warehouse as it is now, from a database kept open between
    questions: opening the file costs about 20 ms, more than most of the dashboard's
    questions take.

    An ingest publishes a new file in the old one's place: a file of another identity is
    opened afresh, once the questions still reading the old one are done (DuckDB gives a
    path's open database to whoever opens that path again, so the old must close first).
    """
    kept = _acquire(path)
    cursor = kept.database.cursor()
    try:
        yield cursor
    finally:
        cursor.close()
        with _OPEN_CHANGED:
            kept.readers -= 1
            _OPEN_CHANGED.notify_all()


def _acquire(path: Path) -> _Open:
    identity = _identity(path)
    key = path.resolve()
    with _OPEN_CHANGED:
        kept = _unless_replaced(key, identity)
        if kept is None:
            kept = _OPEN[key] = _Open(identity, _open(path))
        _OPEN.move_to_end(key)
        kept.readers += 1
        for other in [k for k, v in _OPEN.items() if v.readers == 0][: max(0, len(_OPEN) - _KEEP_OPEN)]:
            _OPEN.pop(other).database.close()
        return kept


def _unless_replaced(key: Path, identity: tuple[int, ...]) -> _Open | None:
    """The database kept open for ``key`` if it is of this version of the file; one of
    another version is closed once its readers are done (one still reading after the
    wait is left to finish its question on the version before) and None returned.
    Called holding ``_OPEN_CHANGED``."""
    kept = _OPEN.get(key)
    if kept is None or kept.identity == identity:
        return kept
    old = kept
    _OPEN_CHANGED.wait_for(lambda: old.readers == 0, timeout=_WAIT_FOR_READERS)
    if old.readers:
        return old
    old.database.close()
    del _OPEN[key]
    return None


@contextmanager
def memory_limit(connection: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """DuckDB's memory limit lowered to ``limit`` for a while, then set back: DuckDB keeps
    every block a scan read up to its limit, and beside frames of a million reports that
    took an ingest past a GiB. Blocks it holds past the lower limit are let go, but not
    what was saved since the last checkpoint (a build holds up to CHECKPOINT_EVERY of
    change): that is written out first, or the work under the limit runs out of it (an
    ingest's annual review did, at 100,000 reports)."""
    connection.execute("CHECKPOINT")
    ((before,),) = connection.execute("SELECT current_setting('memory_limit')").fetchall()
    connection.execute(f"SET memory_limit = '{limit}'")
    try:
        yield
    finally:
        connection.execute(f"SET memory_limit = '{_as_set(str(before))}'")


def _as_set(printed: str) -> str:
    """The limit DuckDB printed (610.3 MiB, rounded down to a tenth) as a value that it
    prints the same again: set as printed, it would print 610.2 MiB, a little less each time."""
    number, _, unit = printed.partition(" ")
    try:
        return f"{float(number) + 0.05:.2f} {unit}"
    except ValueError:
        return printed


def frame_via_arrow(connection: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """A query's answer as pandas, through Arrow: for a row per report (a million and
    more) twice as fast as ``.df()`` and at half its memory. Integer columns that hold a
    NULL arrive as floats (NaN), text as pandas' strings, dates as ``.df()`` gives them."""
    frame = connection.sql(sql, params=list(params)).to_arrow_table().to_pandas(date_as_object=False)
    dates = [column for column in frame.columns if str(frame[column].dtype) == "datetime64[ms]"]
    return cast(pd.DataFrame, frame.astype(dict.fromkeys(dates, "datetime64[us]")))


def needs_upgrade(path: Path) -> bool:
    connection = connect_readonly(path)
    try:
        return schema_version(connection) != SCHEMA_VERSION
    finally:
        connection.close()
