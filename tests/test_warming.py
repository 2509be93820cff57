"""After an ingest publishes, the questions visitors asked are asked again at once: the next
visit to a page finds its answers kept, and they are the new version's."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import answers, queries
from dashboard.kept import Kept
from dashboard.warming import Warmer
from etl.ingest import ingest
from tests.helpers import APP, ROOT, ZHUZHOU, open_page

#: Another agency's report of the same year: the sidebar's years stay as they were, so
#: the questions are the same (a publish that brings a new year widens the years' range,
#: and each page's first visit asks anew).
FIRST_REPORT = ROOT / "tests" / "fixtures" / "gen-2021-lines-spaces.txt"
ANOTHER_REPORT = ROOT / "tests" / "fixtures" / "gen-2021-lines-tabs.txt"
OLDER_REPORT = ROOT / "tests" / "fixtures" / "gen-2019-crawler.txt"  # of 2020


@contextmanager
def counted_questions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Every time a query opens the warehouse, while the block runs."""
    opened: list[Path] = []
    reading = queries.reading

    def counting(db: Path) -> object:
        opened.append(db)
        return reading(db)

    monkeypatch.setattr(queries, "reading", counting)
    yield opened
    monkeypatch.setattr(queries, "reading", reading)


def _page_text(app: object) -> list[str]:
    """What the page shows: its words and every table's rows."""
    words = [element.value for element in [*app.markdown, *app.caption, *app.metric]]  # type: ignore[attr-defined]
    return words + [table.value.to_csv() for table in app.dataframe]  # type: ignore[attr-defined]


#: Questions a page asks with arguments taken from its answers, which a publish may change:
#: 机关对比's side-by-side chart asks for the years of the agencies with most requests.
ASKED_OF_ANSWERS = {"compare": 1}


@pytest.mark.parametrize("page", ["overview", "compare", "review", "quality"])  # answers, and tables made of them
def test_after_a_publish_the_page_finds_the_new_versions_answers_kept(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "warehouse.duckdb"
    ingest([FIRST_REPORT], db, generated=True)
    monkeypatch.setenv("GOV_REPORTS_WARM", "1")
    app = open_page(db, page, monkeypatch)
    assert not app.exception
    before = _page_text(app)
    with counted_questions(monkeypatch) as opened:
        app.run()
    asked_with_everything_kept = len(opened)  # the sidebar's look at whether the file is empty

    _ingested_and_warmed([ANOTHER_REPORT], db, generated=True)

    with counted_questions(monkeypatch) as opened:
        app.run()
    assert not app.exception
    assert len(opened) == asked_with_everything_kept + ASKED_OF_ANSWERS.get(page, 0)  # nothing else left to ask
    warmed = _page_text(app)
    assert warmed != before  # a new report on the page

    answers.forget()  # everything asked anew: the same page
    app.run()
    assert _page_text(app) == warmed


def test_a_publish_that_brings_a_new_year_is_warmed_for_the_next_visitor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "warehouse.duckdb"
    ingest([OLDER_REPORT, FIRST_REPORT], db, generated=True)  # 2020 and 2023
    monkeypatch.setenv("GOV_REPORTS_WARM", "1")
    app = open_page(db, "overview", monkeypatch)  # the slider spans every year: no filter on them
    assert "筛选：2020–2023年" in _page_text(app)
    with counted_questions(monkeypatch) as opened:
        app.run()
    asked_with_everything_kept = len(opened)

    _ingested_and_warmed([ZHUZHOU], db)  # 2019: every year is now 2019–2023
    with counted_questions(monkeypatch) as opened:
        visitor = AppTest.from_file(APP, default_timeout=90)
        visitor.run()  # 总览, as the app opens
    assert not visitor.exception
    assert len(opened) == asked_with_everything_kept
    assert "筛选：2019–2023年" in _page_text(visitor)


def _ingested_and_warmed(files: list[Path], db: Path, generated: bool = False) -> None:
    """The files ingested into ``db``, and the watcher done asking again."""
    warmed_before = answers.WARMER.asked_again
    ingest(files, db, generated=generated)
    deadline = time.monotonic() + 60
    while answers.WARMER.asked_again == warmed_before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert answers.WARMER.settled_on_current(60), "the published version was not asked again"
    assert answers.WARMER.asked_again > warmed_before, "nothing was asked again after the publish"


def test_the_old_versions_answers_are_dropped_at_a_publish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "w.duckdb"
    db.write_bytes(b"v1")
    monkeypatch.setenv("GOV_REPORTS_DB", str(db))
    monkeypatch.setenv("GOV_REPORTS_WARM", "1")
    answers.forget()
    table = answers.per_version(lambda path, rows: pd.DataFrame({"value": range(rows)}))
    table(1000)
    assert answers.KEPT.total > 0
    _publish(db, b"v2, published")
    answers.WARMER.look()  # what the watcher does within a second
    assert len(answers.KEPT) == 1  # the new version's, asked again; the old one's gone
    assert table(1000)["value"].tolist() == list(range(1000))


def _publish(db: Path, content: bytes) -> None:
    stat = db.stat()
    db.write_bytes(content)
    os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


@pytest.fixture
def warming_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOV_REPORTS_WARM", "1")


class _Files:
    """A stand-in for warehouse files' versions, changed by hand."""

    def __init__(self) -> None:
        self.versions: dict[Path, str] = {}
        self.current = Path("a.duckdb")
        self.new_versions: list[tuple[Path, str]] = []

    def warmer(self, remembered: int = 64) -> Warmer:
        return Warmer(
            lambda db: self.versions.get(db, "missing"),
            lambda: self.current,
            lambda db, version: self.new_versions.append((db, version)),
            remembered=remembered,
        )


def _asking(log: list[str], name: str) -> Callable[[], object]:
    return lambda: log.append(name)


def test_questions_are_asked_again_most_recent_first_within_the_number_remembered(warming_on: None) -> None:
    files = _Files()
    a = files.current
    files.versions[a] = "1"
    warmer = files.warmer(remembered=3)
    asked: list[str] = []
    for name in ["总览", "机关对比", "年报审查", "数据质量", "机关对比"]:
        warmer.asked(a, "1", name, _asking(asked, name))
    warmer.look()
    assert asked == []  # the version it was asked at: nothing to do
    files.versions[a] = "2"
    warmer.look()
    assert files.new_versions == [(a, "2")]
    assert asked == ["机关对比", "数据质量", "年报审查"]  # 总览 was asked longest ago, past the three remembered
    warmer.look()
    assert asked == ["机关对比", "数据质量", "年报审查"]  # once per version


def test_a_failing_question_does_not_stop_the_others(warming_on: None, caplog: pytest.LogCaptureFixture) -> None:
    files = _Files()
    a = files.current
    files.versions[a] = "1"
    warmer = files.warmer()
    asked: list[str] = []

    def failing() -> None:
        raise ValueError("坏的问题")

    warmer.asked(a, "1", "好", _asking(asked, "好"))
    warmer.asked(a, "1", "坏", failing)
    files.versions[a] = "2"
    warmer.look()
    assert asked == ["好"] and warmer.asked_again == 1
    assert "asking again after a publish failed" in caplog.text


def test_a_file_that_fails_every_question_is_left_after_a_few(warming_on: None) -> None:
    from dashboard.warming import FAILURES_TO_STOP

    files = _Files()
    a = files.current
    files.versions[a] = "1"
    warmer = files.warmer()
    tried: list[int] = []

    def failing(number: int) -> Callable[[], object]:
        def ask() -> None:
            tried.append(number)
            raise OSError("旧版本的数据库")

        return ask

    for number in range(10):
        warmer.asked(a, "1", number, failing(number))
    files.versions[a] = "2"
    warmer.look()
    assert len(tried) == FAILURES_TO_STOP


def test_only_the_file_pages_read_now_is_warmed_and_a_missing_one_never(warming_on: None) -> None:
    files = _Files()
    a, b = Path("a.duckdb"), Path("b.duckdb")
    files.versions.update({a: "1", b: "1"})
    warmer = files.warmer()
    asked: list[str] = []
    warmer.asked(a, "1", "甲", _asking(asked, "甲"))
    warmer.asked(b, "1", "乙", _asking(asked, "乙"))
    files.current = b
    files.versions.update({a: "2", b: "missing"})
    warmer.look()
    assert asked == []
    assert files.new_versions == [(a, "2")]  # its old answers are dropped all the same


def test_the_watcher_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import warming

    monkeypatch.setenv("GOV_REPORTS_WARM", "0")
    assert not warming.enabled()
    monkeypatch.setenv("GOV_REPORTS_WARM", "1")
    assert warming.enabled()


def test_an_answer_made_while_everything_is_dropped_is_not_kept() -> None:
    kept = Kept(budget=lambda: 2**20)

    def made_while_cleared() -> str:
        kept.clear()  # an edit of the warehouse, during the question
        return "旧的"

    assert kept.get("问题", made_while_cleared) == "旧的"  # given to its asker
    assert kept.get("问题", lambda: "新的") == "新的"  # but not kept for the next


def test_dropping_answers_gives_back_their_weight() -> None:
    kept = Kept(budget=lambda: 2**20)
    kept.get(("answer", "a", "1"), lambda: "x" * 1000)
    kept.get(("answer", "a", "2"), lambda: "y" * 10)
    assert kept.drop(lambda key: key[2] == "1") == 1
    assert len(kept) == 1 and kept.total < 200
