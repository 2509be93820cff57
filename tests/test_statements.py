"""Figures the narrative states confirm the tables, choose among open readings, or are
quoted in a warning; they never fill a cell."""

from __future__ import annotations

from pathlib import Path

from etl.equations import Equation
from etl.parse import CONFIRMED, parse_file
from etl.recognise import Chunk
from etl.resolve import RowInput, resolve
from etl.statements import find_statements
from tests.helpers import PINGTAN, SAMPLES

HUAIAN = SAMPLES / "huaian-gov-2024.pdf"


def test_huaian_states_its_figures_and_they_agree_with_its_tables() -> None:
    report = parse_file(HUAIAN)
    confirmed = {key: cell.value for key, cell in report.cells.items() if cell.read_as == CONFIRMED}
    assert confirmed["requests.new_received.total"] == 3119
    assert confirmed["requests.total_processed.total"] == 3050
    assert confirmed["requests.carried_over.total"] == 34
    assert confirmed["requests.carried_forward.total"] == 103
    assert confirmed["appeals.review.total"] == 351
    assert "行政复议351件" in report.cells["appeals.review.total"].note  # the sentence is kept
    assert not [issue for issue in report.issues if issue.rule == "text_disagrees"]


def test_a_figure_the_text_states_differently_is_a_warning_and_the_table_stands(tmp_path: Path) -> None:
    text = PINGTAN.read_text("utf-8").replace("办结69件", "办结96件")
    path = tmp_path / "平潭综合实验区2021年政府信息公开工作年度报告.txt"
    path.write_text(text, "utf-8")
    report = parse_file(path)
    assert report.values()["requests.total_processed.total"] == 69
    disagreeing = [issue for issue in report.issues if issue.rule == "text_disagrees"]
    assert len(disagreeing) == 1 and disagreeing[0].severity == "warning"
    assert "办结96件" in disagreeing[0].message and disagreeing[0].cells == ("requests.total_processed.total",)


def test_the_text_never_fills_a_cell_the_tables_do_not_show(tmp_path: Path) -> None:
    text = PINGTAN.read_text("utf-8")
    cut = text.index("四、政府信息公开行政复议")
    path = tmp_path / "平潭综合实验区2021年政府信息公开工作年度报告.txt"
    path.write_text("本年度被申请行政复议3件。\n" + text[:cut], "utf-8")
    report = parse_file(path)
    assert report.values()["appeals.review.total"] is None


def test_phrases_across_line_breaks_and_ambiguous_repeats() -> None:
    found = find_statements("本年新收政府信息公开申\n请 3,119 件。另，本年新收政府信息公开申请3119件。", [])
    assert [(s.keys, s.value) for s in found] == [(("requests.new_received.total",), 3119)]
    assert find_statements("本年新收申请12件。……本年新收申请13件。", []) == []  # stated two ways: not clear
    assert find_statements("共收到申请12件。", []) == []  # 收到 may mean new or all: not used


def test_a_firm_statement_chooses_among_readings_the_identities_leave_open() -> None:
    # 1|12|13 and 11|2|13 both satisfy a + b = c; the text says a is 11.
    chunks = [Chunk("11213", "11213", 0, separated=False)]
    rows = {"r": RowInput(("a", "b", "c"), ("count",) * 3, chunks)}
    equations = [Equation("applicants", "r", ("c",), ("a", "b"))]
    assert resolve(rows, equations).cells["a"] is None
    pinned = resolve(rows, equations, pins={"a": 11.0})
    assert [pinned.cells[key].value.value for key in "abc"] == [11, 2, 13]  # type: ignore[union-attr]


def test_the_narrative_is_folded_character_by_character_and_its_offsets_stay_true() -> None:
    """Full-width digits and signs, compatibility ideographs and Kangxi radicals fold to one
    character each; what would fold to several (㈠, ℡) stays as printed, so every figure's
    offset points at it in the document's text."""
    import random

    from etl.statements import _FOLDED, _folded

    assert "１２３，−５（㈠℡⽂".translate(_FOLDED) == "123,-5(㈠℡文"
    chooser = random.Random(20261207)
    ranges = [
        (0x21, 0x7E),
        (0x3000, 0x303F),
        (0xFF00, 0xFFEF),
        (0x4E00, 0x9FFF),
        (0x2F00, 0x2FDF),
        (0x300, 0x36F),
        (0xF900, 0xFAFF),
    ]
    for _ in range(2000):
        word = "".join(chr(chooser.randint(*chooser.choice(ranges))) for _ in range(chooser.randint(1, 12)))
        assert word.translate(_FOLDED) == "".join(_folded(char) for char in word), repr(word)
    text = "表格\n本年新收政府信息公开申请１２件。"
    (statement,) = find_statements(text, [(0, 2)])
    assert (statement.keys, statement.value, text[statement.offset : statement.offset + 2]) == (
        ("requests.new_received.total",),
        12,
        "１２",
    )
