"""A PDF page's words into lines with the table borders that cross them: the shortcuts the
reader takes must give what the plain rule gives."""

from __future__ import annotations

import random
import statistics

from etl.readers.pdf import _CROSSING, PageWord, _crossing, _median, page_lines


def test_the_median_of_sorted_numbers_is_the_statistics_modules() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        numbers = sorted(rng.choice((rng.uniform(0, 900), float(rng.randrange(0, 900)))) for _ in range(rng.randint(1, 9)))
        assert _median(numbers) == statistics.median(numbers)


def test_the_borders_crossing_each_height_are_those_the_plain_rule_finds() -> None:
    rng = random.Random(6)
    found = asked = 0
    for _ in range(300):
        uprights = []
        for _ in range(rng.randint(0, 40)):
            top = rng.choice((rng.uniform(50, 700), float(rng.randrange(50, 700, 20))))
            uprights.append((round(rng.uniform(40, 560), 2), top, top + rng.choice((rng.uniform(2, 200), 20.0, 4.0))))
        # Heights at times exactly _CROSSING from a border's end, where the comparisons turn.
        ends = [end for _, top, bottom in uprights for end in (top, bottom)] or [100.0]
        heights = [
            rng.choice((rng.uniform(40, 900), rng.choice(ends) + _CROSSING, rng.choice(ends) - _CROSSING))
            for _ in range(rng.randint(0, 30))
        ]
        expected = [
            sorted(x0 for x0, top, bottom in uprights if top <= y - _CROSSING and bottom >= y + _CROSSING) for y in heights
        ]
        assert [sorted(xs) for xs in _crossing(uprights, heights)] == expected
        found += sum(map(len, expected))
        asked += len(heights)
    assert found > asked  # most heights are crossed by some border, and many by several


def _plain_lines(words: list[PageWord], same_line: float) -> list[list[str]]:
    """The grouping rule, plainly: a word joins the last line when its middle is within
    ``same_line`` of the median middle of that line's words so far."""
    ordered = sorted(words, key=lambda w: (round((w.top + w.bottom) / 2 + 10_000), w.x0))
    lines: list[list[PageWord]] = []
    for word in ordered:
        middle = (word.top + word.bottom) / 2 + 10_000
        if lines and abs(statistics.median((w.top + w.bottom) / 2 + 10_000 for w in lines[-1]) - middle) < same_line:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(w.text for w in line) for line in lines]


def test_words_join_a_line_by_its_median_height_as_the_plain_rule_joins_them() -> None:
    rng = random.Random(7)
    for _ in range(300):
        words = []
        for index in range(rng.randint(1, 40)):
            top = rng.choice((rng.uniform(50, 700), float(rng.randrange(50, 700, 12)) + rng.uniform(-2.5, 2.5)))
            x0 = rng.uniform(40, 500)
            words.append(PageWord(f"字{index}", x0, x0 + 10, top, top + rng.uniform(8, 12)))
        same_line = rng.choice((3.0, 6.0))
        lines = page_lines(words, 1, 842.0, [], same_line)
        assert [sorted(w.text for w in line.words) for line in lines] == _plain_lines(words, same_line)
