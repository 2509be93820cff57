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


def test_kept_answers_stay_within_their_budget_the_least_recently_asked_dropped_first() -> None:
    from dashboard.kept import Kept, weight

    frame = pd.DataFrame({"value": [float(i) for i in range(10_000)]})  # 80 KB of numbers
    size = weight(frame)
    assert 80_000 <= size < 100_000
    kept = Kept(budget=lambda: int(size * 2.5))
    made: list[str] = []

    def make(name: str) -> pd.DataFrame:
        made.append(name)
        return frame.copy()

    kept.get("a", lambda: make("a"))
    kept.get("b", lambda: make("b"))
    kept.get("a", lambda: make("a"))  # asked again: now the most recent
    kept.get("c", lambda: make("c"))  # over the budget: b, the least recently asked, goes
    assert made == ["a", "b", "c"] and len(kept) == 2 and kept.total <= size * 2.5
    kept.get("a", lambda: make("a"))
    kept.get("b", lambda: make("b"))
    assert made == ["a", "b", "c", "b"]


def test_an_answer_larger_than_the_budget_is_given_but_not_kept() -> None:
    from dashboard.kept import Kept

    kept = Kept(budget=lambda: 1_000)
    big = kept.get("big", lambda: pd.DataFrame({"text": ["株洲市审计局" * 20] * 1_000}))
    assert len(big) == 1_000 and len(kept) == 0 and kept.total == 0


def test_texts_are_weighed_with_their_characters() -> None:
    from dashboard.kept import weight

    names = [f"株洲市第{i}审计局" for i in range(1_000)]
    assert weight(names) > 1_000 * 20
    assert weight(pd.DataFrame({"agency": pd.Series(names, dtype="str")})) > 1_000 * 20


def test_a_list_and_a_tuple_of_the_same_keys_ask_one_question() -> None:
    from dashboard.kept import key_of
    from dashboard.queries import Filters

    assert key_of(Filters(), ["a", "b"], {}) == key_of(Filters(), ("a", "b"), {})
    assert key_of(Filters(), ("a", "b")) != key_of(Filters(provinces=("湖南省",)), ("a", "b"))
    with pytest.raises(TypeError):
        key_of(object.__new__(type("Unhashable", (), {"__hash__": None})))


def test_the_budget_comes_from_the_environment_and_a_wrong_one_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.kept import DEFAULT_MB, budget_bytes

    monkeypatch.delenv("GOV_REPORTS_CACHE_MB", raising=False)
    assert budget_bytes() == DEFAULT_MB * 2**20
    monkeypatch.setenv("GOV_REPORTS_CACHE_MB", "256")
    assert budget_bytes() == 256 * 2**20
    monkeypatch.setenv("GOV_REPORTS_CACHE_MB", "很多")
    with pytest.raises(ValueError, match="GOV_REPORTS_CACHE_MB"):
        budget_bytes()


def test_sessions_asking_one_new_answer_at_once_wait_for_one_making_it() -> None:
    import threading
    import time

    from dashboard.kept import Kept

    kept = Kept(budget=lambda: 10**9)
    made: list[int] = []
    started = threading.Barrier(4)

    def make() -> list[int]:
        made.append(1)
        time.sleep(0.2)  # a slow question: the others arrive meanwhile
        return [1, 2, 3]

    def ask(into: list[object]) -> None:
        started.wait()
        into.append(kept.get("slow", make))

    got: list[object] = []
    threads = [threading.Thread(target=ask, args=(got,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == [1] and got == [[1, 2, 3]] * 4


def test_a_question_that_fails_is_asked_again_next_time() -> None:
    from dashboard.kept import Kept

    kept = Kept(budget=lambda: 10**9)
    calls: list[int] = []

    def failing() -> int:
        calls.append(1)
        raise RuntimeError("数据库暂时无法读取")

    for _ in range(2):
        with pytest.raises(RuntimeError):
            kept.get("broken", failing)
    assert len(calls) == 2 and len(kept) == 0
    assert kept.get("broken", lambda: 7) == 7


def test_a_long_list_or_mapping_is_weighed_from_a_sample_close_to_every_item() -> None:
    import sys

    from dashboard.kept import WEIGHED_ITEMS, weight

    names = [f"{'某' * (i % 40)}机关{i}" for i in range(WEIGHED_ITEMS * 143)]  # names of every length
    years = {name: 2019 + i % 7 for i, name in enumerate(names)}
    every_name = sys.getsizeof(names) + sum(sys.getsizeof(name) for name in names)
    every_pair = sys.getsizeof(years) + sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in years.items())
    assert abs(weight(names) - every_name) < every_name / 100
    assert abs(weight(years) - every_pair) < every_pair / 100
    short = names[:WEIGHED_ITEMS]
    assert weight(short) == sys.getsizeof(short) + sum(sys.getsizeof(name) for name in short)  # every one, exactly
