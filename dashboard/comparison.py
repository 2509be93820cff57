"""机关对比's tables, made once per warehouse version and filters: each agency's rates and
ranks within its peer group, and any indicator's ranking. At a million reports (142,858
agencies) making them took most of a second of pandas, on every run of the page."""

from __future__ import annotations

import pandas as pd

from dashboard import answers
from dashboard.queries import Filters
from etl.indicators import (
    DISCLOSURE,
    REVIEW_CORRECTION,
    peer_groups,
    rankable,
    rankable_by_name,
    ranking,
    ranks_in_groups,
)

#: The columns the page reads of each agency.
KEYS = tuple(
    dict.fromkeys(
        (
            "requests.new_received.total",
            *DISCLOSURE.keys,
            *REVIEW_CORRECTION.keys,
            "active.penalty.decisions",
            *(key for indicator in rankable() for key in indicator.keys),
        )
    )
)


def _agencies_ranked(filters: Filters, scope: str) -> pd.DataFrame:
    """Each agency within the filters, the most new requests first: its figures, its
    disclosure and review-correction rates, its peer group within ``scope`` and its rank
    and percentile there on the disclosure rate."""
    table = answers.by_agency(filters, KEYS)
    if table.empty:
        return table
    table["新收申请"] = table["requests.new_received.total"]
    table[DISCLOSURE.name] = DISCLOSURE.of(table)
    table[REVIEW_CORRECTION.name] = REVIEW_CORRECTION.of(table)
    table["同类组"] = peer_groups(table, scope).astype("category")  # grouped again and again: told apart once
    ranks = ranks_in_groups(table[DISCLOSURE.name], table["同类组"], table["新收申请"])
    table["公开率排名"], table["组内百分位"] = ranks["rank"], ranks["percentile"]
    # Ties by name: DuckDB's threads give the agencies in an order of their own each time.
    ordered = table.sort_values(["新收申请", "agency"], ascending=[False, True], kind="stable")
    return ordered.reset_index(drop=True)


def _agency_names(filters: Filters) -> list[str]:
    """The agencies within the filters, sorted (Python's sort of a list: a third of the
    time of sorting the column in pandas and listing it after, for a country's names)."""
    return sorted(answers.by_agency(filters, KEYS)["agency"].tolist())


def _ranked_by(filters: Filters, scope: str, name: str, with_areas: bool) -> pd.DataFrame:
    """Every agency's rate on the indicator ``name``, its denominator, rank, percentile and
    whether it lies far outside its peer group, by group and rank; reports of whole areas
    (全市、全县…共) only ``with_areas``."""
    indicator = rankable_by_name()[name]
    table = agencies_ranked(filters, scope)
    if not with_areas:
        table = table[~table["agency"].isin(answers.area_agencies(filters))]
    ranked = ranking(table, indicator, table["同类组"])
    shown = pd.DataFrame(
        {
            "机关": table["agency"],
            "同类组": table["同类组"],
            name: ranked["rate"] * 100,
            "分母（件）": ranked["cases"],
            "组内排名": ranked["rank"],
            "组内百分位": ranked["percentile"],
            "偏离同类组": ranked["outlier"].map({True: "明显偏离", False: ""}),
        }
    )
    return shown.sort_values(["同类组", "组内排名"], na_position="last")


agencies_ranked = answers.made_per_version(_agencies_ranked)
agency_names = answers.made_per_version(_agency_names)
ranked_by = answers.made_per_version(_ranked_by)
