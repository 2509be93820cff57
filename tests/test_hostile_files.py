"""Broken and hostile files end in a plain reason, in bounded time and memory, never a
traceback; and one of them never stops the others in a batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.hostile import HOSTILE as HOSTILE_FILES
from corpus.hostile import write_hostile
from etl.document import ReadError
from etl.ingest import find_files, ingest
from etl.parse import parse_file
from tests.helpers import ROOT, ZHUZHOU

HOSTILE = {name: word for name, (_, word) in HOSTILE_FILES.items()}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    write_hostile(folder)
    return folder


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_refused_with_a_plain_reason(hostile: Path, name: str) -> None:
    with pytest.raises(ReadError, match=HOSTILE[name]) as refused:
        parse_file(hostile / name)
    assert str(hostile / name) in str(refused.value)  # the reason names the file


@pytest.mark.parametrize("name", ["encrypted.pdf", "laughs.docx", "digits.txt"])
def test_parse_json_prints_the_reason_and_no_traceback(hostile: Path, name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "etl", "parse", str(hostile / name), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (issue,) = json.loads(done.stdout)["issues"]
    assert HOSTILE[name] in issue["message"]


def test_a_pipe_is_refused_at_once_not_read_for_ever(tmp_path: Path) -> None:
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReadError, match="不是普通文件"):
        parse_file(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "etl", "parse", str(fifo), "--json"], capture_output=True, text=True, timeout=30, cwd=ROOT
    )
    assert done.returncode == 1 and "不是普通文件" in done.stdout


def test_hostile_files_among_good_ones_fail_alone(hostile: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    summary = ingest(find_files([hostile, ZHUZHOU, tmp_path / "no-such-file.txt"]), db)
    assert summary.counts["loaded"] == 1
    assert summary.counts["failed"] == len(HOSTILE) + 1
    assert all("内部错误" not in failure.reason for failure in summary.failures)


def test_one_missing_path_on_the_command_line_is_one_failure_line(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "etl", "ingest", str(tmp_path / "gone.txt"), str(ZHUZHOU), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "新导入 1" in done.stdout and "失败 1" in done.stdout and "gone.txt" in done.stdout
