"""Publishing a new warehouse: stale copies cleared, waits said, a full disk said in
words, the file compacted, and parse workers that never outlive their ingest."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from corpus.agencies import all_agencies
from corpus.generate import generate, write
from etl.ingest import find_files, ingest
from etl.warehouse import DiskFullError, WarehouseError, building, connect_readonly
from tests.helpers import ROOT, ZHUZHOU


def _cells(db: Path) -> list[tuple[object, ...]]:
    with connect_readonly(db) as connection:
        return connection.execute("SELECT report_id, key, value FROM cells ORDER BY ALL").fetchall()


def test_copies_left_by_killed_ingests_are_removed_under_the_lock(db_path: Path) -> None:
    stale = [db_path.with_name(f".{db_path.name}.building-{pid}") for pid in (4242, 999_999)]
    for copy in stale:
        copy.write_bytes(b"half written")
        Path(str(copy) + ".wal").write_bytes(b"wal")
    spilled = Path(str(stale[0]) + ".tmp")  # where DuckDB spilled a large build
    spilled.mkdir()
    (spilled / "duckdb_temp_storage-0.tmp").write_bytes(b"spilled")
    ingest([ZHUZHOU], db_path)
    assert not any(path.exists() for copy in stale for path in (copy, Path(str(copy) + ".wal")))
    assert [p.name for p in db_path.parent.iterdir() if ".building-" in p.name] == []


def test_a_second_ingest_says_it_waits_for_whom_and_gives_up_in_time(db_path: Path) -> None:
    ingest([ZHUZHOU], db_path)
    before = _cells(db_path)
    heard: list[int | None] = []
    with open(db_path.with_name(db_path.name + ".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write("31337")
        lock.flush()
        started = time.monotonic()
        with pytest.raises(WarehouseError, match="进程 31337"):
            ingest([ZHUZHOU], db_path, wait=1.0, on_wait=heard.append)
        assert time.monotonic() - started < 10
    assert heard == [31337]
    assert _cells(db_path) == before


def test_a_full_disk_is_said_in_words_and_the_old_warehouse_stands(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest([ZHUZHOU], db_path)
    before = _cells(db_path)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("etl.warehouse.publish.shutil.copyfile", full)
    with pytest.raises(DiskFullError, match=f"磁盘空间不足.*{db_path.parent}"):
        ingest([ZHUZHOU], db_path)
    assert _cells(db_path) == before
    assert [p.name for p in db_path.parent.iterdir() if ".building-" in p.name] == []


def test_a_build_writes_no_log_beside_its_copy_and_publishes_all_it_committed(db_path: Path) -> None:
    """The copy is thrown away on any failure, so its commits need no write-ahead log:
    each wrote its rows there, and each checkpoint wrote them again into the file."""
    ingest([ZHUZHOU], db_path)
    before = _cells(db_path)
    with building(db_path) as connection:
        connection.execute("CREATE TABLE extra AS SELECT range AS n FROM range(100000)")
        connection.execute("INSERT INTO extra SELECT 100000")
        beside = sorted(p.name for p in db_path.parent.iterdir() if ".building-" in p.name)
        assert len(beside) == 1 and not beside[0].endswith(".wal"), beside
        assert connection.execute("SELECT count(*) FROM extra").fetchall() == [(100001,)]
    with connect_readonly(db_path) as connection:
        assert connection.execute("SELECT count(*), max(n) FROM extra").fetchall() == [(100001, 100000)]
    assert _cells(db_path) == before
    assert not Path(str(db_path) + ".wal").exists()


def test_incremental_ingests_do_not_grow_the_file(tmp_path: Path) -> None:
    agencies = [a for a in all_agencies() if a.city == "株洲市"][:15]
    folders = []
    for seed in (1, 2, 3):  # the same agencies and years with other numbers: every report replaced
        folder = tmp_path / f"round{seed}"
        for report in generate(seed, agencies=agencies, years=range(2019, 2023)):
            write(report, folder)
        folders.append(folder)
    growing = tmp_path / "growing.duckdb"
    for folder in folders:
        ingest(find_files([folder]), growing)
    clean = tmp_path / "clean.duckdb"
    ingest(find_files([folders[-1]]), clean)
    assert growing.stat().st_size <= 1.5 * clean.stat().st_size


def test_parse_workers_die_with_a_killed_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    for report in generate(4, agencies=all_agencies()[:60]):
        write(report, folder)
    script = (
        "import sys; from pathlib import Path; from etl.ingest import find_files, ingest; "
        f"ingest(find_files([Path({str(folder)!r})]), Path({str(tmp_path / 'w.duckdb')!r}), workers=2)"
    )
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        for task in Path(f"/proc/{process.pid}/task").glob("*/children"):
            workers |= {int(pid) for pid in task.read_text().split()}
    assert workers, "the ingest started no workers"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(2)
    alive = [
        pid for pid in workers if Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
    ]
    assert alive == []
    shutil.rmtree(folder)


def test_readers_hold_the_warehouse_within_a_memory_limit(tmp_path: Path) -> None:
    """The dashboard's kept-open database and every other reader share one configuration
    (DuckDB refuses a second one for an open file), with its memory bounded."""
    from etl.warehouse.access import READ_MEMORY, reading

    db = tmp_path / "w.duckdb"
    ingest([ZHUZHOU], db)
    with reading(db) as cursor:
        kept = cursor.execute("SELECT current_setting('memory_limit')").fetchone()
        other = connect_readonly(db)  # while the kept one is open
        try:
            assert other.execute("SELECT current_setting('memory_limit')").fetchone() == kept
        finally:
            other.close()
    limit = "SELECT current_setting('memory_limit')"
    with duckdb.connect(config={"memory_limit": READ_MEMORY}) as bounded, duckdb.connect() as default:
        assert kept == bounded.execute(limit).fetchone() != default.execute(limit).fetchone()
