"""Rebuilding table rows from words on lines: the shortcuts the reader takes must give what
the plain rule gives."""

from __future__ import annotations

import random

from etl.readers.pdf_table import NUMERIC, Line, Word, _numeric, _Reach


def _line(rng: random.Random, rules: list[tuple[float, float, float]], page: int) -> Line:
    # At times exactly one point above or below a border, where the rule's comparisons turn.
    y = rng.choice([rng.uniform(80, 300), float(rng.randrange(80, 300, 10)), float(rng.randrange(80, 300, 10)) - 2])
    x0 = rng.uniform(40, 400)
    words = [Word("字", x0, x0 + rng.uniform(5, 60), y, page) for _ in range(rng.randint(1, 3))]
    return Line(sorted(words, key=lambda w: w.x0), None, rules)


def _lines(rng: random.Random) -> list[Line]:
    """A dozen lines on one or two pages, with up to a dozen borders across the page."""
    rules = sorted(
        (float(rng.randrange(80, 300, 10)) + rng.choice((0.0, 0.4, 1.0, -1.0)), rng.uniform(0, 300), rng.uniform(300, 600))
        for _ in range(rng.randint(0, 12))
    )
    return [_line(rng, rules, rng.choice((1, 1, 1, 2))) for _ in range(12)]


def _border_between(line: Line, other: Line) -> bool:
    """The rule, plainly: a border under the first line's last word, more than a point
    below the higher line and less than a point below the lower (or the lines on two pages)."""
    if line.page != other.page:
        return True
    low, high = sorted((line.y, other.y))
    x = line.words[-1].centre
    return any(low + 1 < y < high + 1 and x0 - 1 <= x <= x1 + 1 for y, x0, x1 in line.rules or [])


def test_a_lines_reach_finds_a_border_between_it_and_another_line_exactly_as_the_rule_does() -> None:
    rng = random.Random(11)
    compared = crossed = 0
    for _ in range(300):
        lines = _lines(rng)
        for line in lines:
            reach = _Reach(line)
            for other in lines:
                expected = _border_between(line, other)
                assert reach.crosses(other.page, other.y) == expected, (line, other)
                compared += 1
                crossed += expected
    assert 0.2 < crossed / compared < 0.8  # both answers were asked often


def test_the_lines_no_border_separates_from_a_line_are_those_the_rule_finds_one_by_one() -> None:
    rng = random.Random(12)
    kept = asked = 0
    for _ in range(300):
        lines = _lines(rng)
        places = [(index, other.page, other.y) for index, other in enumerate(lines)]
        for line in lines:
            reach = _Reach(line)
            expected = [index for index, other in enumerate(lines) if not _border_between(line, other)]
            assert reach.unbordered(places) == expected, line
            kept += len(expected)
            asked += len(lines)
    assert 0.2 < kept / asked < 0.8


def test_a_number_is_told_from_a_label_as_the_pattern_tells_it_however_often_asked() -> None:
    texts = ["0", "1,234", "１２", "-", "—", "12万元", "3件", "合计", "1.", "（一）", "12a", "", "12.5", "／"]
    for _ in range(3):  # asked again, the kept answers are the same
        assert [_numeric(text) for text in texts] == [bool(NUMERIC.match(text)) for text in texts]
