"""Each rate is declared once and computes the same way wherever a page shows it."""

from __future__ import annotations

import math

import pandas as pd

from etl.indicators import DISCLOSURE, REVIEW_CORRECTION, correction, outcome_share
from etl.template import outcome_leaves


def test_the_disclosure_rate_needs_both_of_its_parts_and_a_denominator() -> None:
    frame = pd.DataFrame(
        {
            "requests.granted.total": [60, 60, 5],
            "requests.partially_granted.total": [20, None, 0],
            "requests.total_processed.total": [100, 100, 0],
        }
    )
    rates = DISCLOSURE.of(frame)
    assert rates[0] == 0.8 and math.isnan(rates[1]) and math.isnan(rates[2])  # not reported; nothing handled


def test_a_correction_rate_counts_settled_cases_only() -> None:
    frame = pd.DataFrame({"appeals.review.corrected": [2], "appeals.review.total": [10], "appeals.review.pending": [2]})
    assert REVIEW_CORRECTION.denominators(frame)[0] == 8 and REVIEW_CORRECTION.of(frame)[0] == 0.25
    assert correction("suit_direct").keys == (
        "appeals.suit_direct.corrected",
        "appeals.suit_direct.total",
        "appeals.suit_direct.pending",
    )


def test_an_outcome_is_the_sum_of_its_rows_in_either_template_version() -> None:
    assert outcome_leaves()["other"] == (
        "requests.other.total",  # 2019: one row
        "requests.other_no_correction.total",
        "requests.other_unpaid_fee.total",
        "requests.other_other.total",
    )
    frame = pd.DataFrame({"requests.other.total": [3], "requests.total_processed.total": [30]})  # a 2019 report
    assert outcome_share("other").of(frame)[0] == 0.1 and outcome_share("other").name == "其他处理率"


def test_agencies_are_ranked_within_their_peer_group_only_with_enough_cases() -> None:
    from etl.indicators import peer_groups, ranks_in_groups

    agencies = pd.DataFrame(
        {
            "province": ["湖南省", "湖南省", "湖南省", "江苏省"],
            "city": ["株洲市", "株洲市", "长沙市", "淮安市"],
            "level": ["市", "市", "市", "市"],
            "kind": ["审计", "审计", "审计", "审计"],
            "rate": [0.9, 0.5, 0.7, 0.8],
            "cases": [100, 40, 10, 50],
        }
    )
    groups = peer_groups(agencies, "同省")
    assert list(groups) == ["湖南省·市级审计", "湖南省·市级审计", "湖南省·市级审计", "江苏省·市级审计"]
    ranks = ranks_in_groups(agencies["rate"], groups, agencies["cases"])
    assert list(ranks["rank"].fillna(0)) == [1, 2, 0, 1]  # 10 cases: not ranked


def test_an_agency_far_outside_its_peer_group_is_marked_and_one_with_few_cases_is_not_ranked() -> None:
    from etl.indicators import ranking

    agencies = pd.DataFrame(
        {
            "requests.granted.total": [50, 52, 48, 51, 5, 1],
            "requests.partially_granted.total": [0, 0, 0, 0, 0, 0],
            "requests.total_processed.total": [100, 100, 100, 100, 100, 2],
        }
    )
    groups = pd.Series(["市级审计"] * 6)
    ranked = ranking(agencies, DISCLOSURE, groups)
    assert list(ranked["outlier"]) == [False, False, False, False, True, False]
    assert ranked["rank"].iloc[1] == 1 and math.isnan(ranked["rank"].iloc[5])  # 2 cases: not ranked
