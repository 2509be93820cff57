"""Pickers over many names: past ``LISTED`` they ask for part of the name first, and what a
link or the user chose stays listed (a widget drops a value its options lack)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import pickers
from dashboard.pickers import cut_short, listed
from tests.helpers import open_page, sql


def test_listed_caps_the_matches_and_keeps_what_is_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pickers, "LISTED", 2)
    names = ["甲局", "乙局", "丙局", "丁办"]
    assert listed(names, []) == (["甲局", "乙局"], 4)
    assert listed(names, ["丁办"]) == (["丁办", "甲局", "乙局"], 4)  # chosen, not among the first: first
    assert listed(names, ["乙局"]) == (["甲局", "乙局"], 4)  # chosen and listed: in its place
    assert listed(names, [], "局") == (["甲局", "乙局"], 3)
    assert listed(names, ["甲局"], "办") == (["甲局", "丁办"], 1)
    assert cut_short(3, "局") == "名称含“局”的有 3 个，下拉框列出前 2 个；输入名称的一部分可缩小范围。"
    assert cut_short(2, "") == ""


def test_the_agency_filter_searches_when_there_are_many(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pickers, "LISTED", 3)
    names = sorted(name for (name,) in sql(warehouse, "SELECT DISTINCT name FROM current_reports"))
    last = names[-1]
    app = open_page(warehouse, "overview", monkeypatch, state={"agency": [last]})
    picker = app.multiselect(key="agency")
    assert picker.value == [last] and picker.options == [last, *names[:3]]  # the link's choice kept, first
    assert last in app.caption[0].value  # and the page is filtered by it
    app.text_input(key="agency-search").input("审计").run()
    assert set(app.multiselect(key="agency").options) == {last} | {n for n in names if "审计" in n}


def test_the_report_picker_opens_a_linked_report_beyond_the_list(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pickers, "LISTED", 3)
    (total,) = sql(warehouse, "SELECT count(*) FROM current_reports")[0]
    app = open_page(warehouse, "report", monkeypatch, state={"report": "株洲市审计局 2019年"})
    picker = app.selectbox(key="report")
    assert picker.value == "株洲市审计局 2019年" and len(picker.options) == 4
    assert f"共 {total:,} 份，下拉框列出前 3 份" in " ".join(c.value for c in app.caption)
    assert app.dataframe[0].value.loc["政府集中采购", "采购项目数量"] == "52"  # that report, not the list's first
    app.text_input(key="report-search").input("株洲市审计局").run()
    assert app.selectbox(key="report").options == ["株洲市审计局 2019年"]
    app.text_input(key="report-search").input("没有这个机关").run()
    assert app.selectbox(key="report").value == "株洲市审计局 2019年"  # the shown report stays while searching
