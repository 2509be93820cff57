"""Parse workers run only a little ahead of the writer, so memory does not grow with the
number of files, and the files come back in order."""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from etl.ingest import ParsedChunk, _in_order, _parse_many, find_files
from tests.helpers import SAMPLES


class CountingPool:
    """A real process pool that counts the chunks handed to it."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self.pool = pool
        self.submitted = 0

    def submit(self, function: Any, chunk: list[Path]) -> Future[ParsedChunk]:
        self.submitted += 1
        return self.pool.submit(function, chunk)


def test_the_writer_is_never_more_than_a_few_chunks_behind() -> None:
    files = [path for path in find_files([SAMPLES]) if path.suffix in (".txt", ".html")] * 20
    assert len(files) >= 60
    with ProcessPoolExecutor(max_workers=2) as real:
        pool = CountingPool(real)
        taken = []
        for item in _in_order(pool, files, chunk=2, ahead=4):  # type: ignore[arg-type]
            taken.append(item)
            assert pool.submitted - len(taken) // 2 <= 4 + 1
    assert [item.path for item in taken] == files
    assert all(item.parsed is not None for item in taken)
    assert _parse_many([]).opened() == []
