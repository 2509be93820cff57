"""Every code the warehouse holds has its words, so no page shows a bare code."""

from __future__ import annotations

from pathlib import Path

from etl.words import READ_AS_WORDS, SEVERITY_WORDS, in_words
from tests.helpers import sql


def test_every_way_a_cell_is_read_and_every_severity_has_words(warehouse: Path) -> None:
    read_as = {row[0] for row in sql(warehouse, "SELECT DISTINCT read_as FROM cells")}
    severities = {row[0] for row in sql(warehouse, "SELECT DISTINCT severity FROM issues")}
    assert read_as <= set(READ_AS_WORDS) and severities <= set(SEVERITY_WORDS)
    assert set(READ_AS_WORDS) >= {"number", "blank", "dash", "recovered", "ocr", "unreadable", "missing"}


def test_an_unknown_code_shows_as_it_is_and_a_missing_one_as_a_dash() -> None:
    assert in_words("ocr", READ_AS_WORDS) == "文字识别"
    assert in_words("new_code", READ_AS_WORDS) == "new_code"
    assert in_words(None, READ_AS_WORDS) == "—" and in_words(float("nan"), READ_AS_WORDS) == "—"
