"""The filter builder turns the sidebar's choices into a WHERE clause with bound values."""

from __future__ import annotations

import pytest

from dashboard.queries import Filters, where


@pytest.mark.parametrize(
    ("filters", "sql", "params"),
    [
        (Filters(), "TRUE", []),
        (Filters(years=(2019, 2021)), "TRUE AND r.year BETWEEN ? AND ?", [2019, 2021]),
        (Filters(provinces=("湖南省",)), "TRUE AND list_contains(?, r.province)", [["湖南省"]]),
        (
            Filters(cities=("株洲市", "长沙市"), levels=("市",)),
            "TRUE AND list_contains(?, r.city) AND list_contains(?, r.level)",
            [["株洲市", "长沙市"], ["市"]],
        ),
        (
            Filters(kinds=("审计",), agencies=("株洲市审计局",)),
            "TRUE AND list_contains(?, r.kind) AND list_contains(?, r.name)",
            [["审计"], ["株洲市审计局"]],
        ),
        (
            Filters(templates=("2019",), include_generated=False),
            "TRUE AND list_contains(?, r.template) AND NOT r.generated",
            [["2019"]],
        ),
        (
            Filters(provinces=("x'); DROP TABLE reports; --",)),
            "TRUE AND list_contains(?, r.province)",
            [["x'); DROP TABLE reports; --"]],
        ),
    ],
)
def test_each_filter_becomes_a_clause_with_its_values_bound(filters: Filters, sql: str, params: list[object]) -> None:
    query = where(filters)
    assert (query.sql, query.params) == (sql, params)


@pytest.mark.parametrize(
    ("filters", "words"),
    [
        (Filters(), "筛选：全部报告"),
        (Filters(years=(2021, 2021)), "筛选：2021年"),
        (
            Filters(years=(2019, 2024), provinces=("湖南省",), include_generated=False),
            "筛选：2019–2024年；省份：湖南省；不含演示数据",
        ),
        (Filters(cities=tuple(f"市{i}" for i in range(7))), "筛选：城市：市0、市1、市2、市3、市4 等 7 项"),
        (Filters(every_year=(2019, 2025), provinces=("湖南省",)), "筛选：2019–2025年；省份：湖南省"),
    ],
)
def test_the_filters_say_in_words_what_a_page_shows(filters: Filters, words: str) -> None:
    assert filters.describe() == words


def test_every_year_is_said_but_asks_nothing_of_the_years() -> None:
    """The slider left at every year: the same question whichever years the warehouse holds."""
    before, after = Filters(every_year=(2019, 2024)), Filters(every_year=(2019, 2025))
    assert before == after == Filters() and hash(before) == hash(after)
    assert where(before) == where(Filters())
    assert (before.slug(), after.slug()) == ("2019-2024", "2019-2025")
