"""Kept answers are shared by every page and session: what a caller does to its copy never
reaches the next caller, and a new warehouse version is a new answer."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from dashboard import answers

ASKED: list[Path] = []


def _table(db: Path, rows: int) -> pd.DataFrame:
    ASKED.append(db)
    return pd.DataFrame({"agency": [f"机关{i}" for i in range(rows)], "value": [float(i) for i in range(rows)]})


def _parts(db: Path) -> tuple[pd.DataFrame, list[str]]:
    return pd.DataFrame({"value": [1.0, 2.0]}), ["甲", "乙"]


table = answers.per_version(_table)
parts = answers.per_version(_parts)


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "w.duckdb"
    db.write_bytes(b"v1")
    monkeypatch.setenv("GOV_REPORTS_DB", str(db))
    answers.forget()
    ASKED.clear()
    return db


def test_a_callers_changes_stay_in_its_copy(warehouse: Path) -> None:
    first = table(3)
    first["value"] = -1.0
    first.loc[0, "agency"] = "改过"
    first["added"] = 1
    second = table(3)
    assert len(ASKED) == 1  # asked once, kept
    assert second["value"].tolist() == [0.0, 1.0, 2.0] and second["agency"].iloc[0] == "机关0"
    assert "added" not in second.columns


def test_frames_and_lists_inside_a_tuple_are_copies_too(warehouse: Path) -> None:
    frame, names = parts()
    frame["value"] = 0.0
    names.append("丙")
    again, names_again = parts()
    assert again["value"].tolist() == [1.0, 2.0] and names_again == ["甲", "乙"]


def test_a_new_version_of_the_warehouse_is_asked_again(warehouse: Path) -> None:
    table(2)
    stat = warehouse.stat()
    warehouse.write_bytes(b"v2 published")
    os.utime(warehouse, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    table(2)
    assert len(ASKED) == 2
