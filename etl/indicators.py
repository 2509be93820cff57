"""The indicators officials use, from numerators and denominators kept side by side.

A zero denominator gives no rate (shown as "—"), never 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.template import OUTCOME_LABELS, outcome_leaves


def rate_column(frame: pd.DataFrame, numerator: str, denominator: str) -> pd.Series:
    """numerator / denominator of each row, NaN where the denominator is 0 or either is
    missing; for the whole column at once (the review ranks a million reports' rates)."""
    num = pd.to_numeric(frame[numerator], errors="coerce").astype("float64")
    den = pd.to_numeric(frame[denominator], errors="coerce").astype("float64")
    return (num / den.where(den != 0)).astype("float64")


@dataclass(frozen=True)
class Indicator:
    """A rate officials read, declared once with what it divides, so that every page (and
    the overview's SQL) computes it, shows its counts and explains it the same way.

    ``numerator`` and ``denominator`` are sums of template keys; ``less`` is taken off the
    denominator (尚未审结 off a correction rate's cases). ``every_key``: a sum needs all its
    keys reported (an outcome spread over rows that differ by template version needs one).
    """

    name: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    formula: str
    less: tuple[str, ...] = ()
    every_key: bool = True
    versions: str = "2019 版和 2021 版模板都有，口径相同"

    def explained(self) -> str:
        """The indicator in words for a "关于此指标" note: formula, denominator, versions, source."""
        table = (
            "表四（行政复议、行政诉讼情况）"
            if self.numerator[0].startswith("appeals.")
            else "表三（收到和处理政府信息公开申请情况）"
        )
        return (
            f"**{self.name}** = {self.formula}。分母为零或未报告时不计算（显示“—”）；"
            f"分母少于 {FEW_CASES} 件时比率不稳定，另作标记。{self.versions}。数字取自各报告的{table}，按所选筛选条件逐年合计。"
        )

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.numerator, *self.denominator, *self.less)))

    def numerators(self, frame: pd.DataFrame) -> pd.Series:
        """Per row of ``frame`` (one column per key), the numerator's count."""
        return self._sum(frame, self.numerator)

    def denominators(self, frame: pd.DataFrame) -> pd.Series:
        less = self._sum(frame, self.less) if self.less else 0.0
        return self._sum(frame, self.denominator) - less

    def of(self, frame: pd.DataFrame) -> pd.Series:
        """The rate per row of ``frame``; NaN where the denominator is zero or not reported."""
        counts = pd.DataFrame({"n": self.numerators(frame), "d": self.denominators(frame)})
        return rate_column(counts, "n", "d")

    def _sum(self, frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.Series:
        present = [key for key in keys if key in frame.columns]
        if not present or (self.every_key and len(present) < len(keys)):
            return pd.Series(math.nan, index=frame.index, dtype="float64")
        return frame[present].sum(axis=1, min_count=len(present) if self.every_key else 1).astype("float64")


DISCLOSURE = Indicator(
    "公开率",
    ("requests.granted.total", "requests.partially_granted.total"),
    ("requests.total_processed.total",),
    "（予以公开 + 部分公开）÷ 办理结果总计",
)
CARRY_FORWARD = Indicator(
    "结转率",
    ("requests.carried_forward.total",),
    ("requests.new_received.total", "requests.carried_over.total"),
    "结转下年度继续办理 ÷（本年新收 + 上年结转）",
)
#: One colour per outcome on every chart: disclosed in greens, refused in reds, the rest apart.
OUTCOME_COLOURS = {
    "予以公开": "#2e7d32",
    "部分公开": "#81c784",
    "不予公开": "#c62828",
    "无法提供": "#ef6c00",
    "不予处理": "#6d4c41",
    "其他处理": "#78909c",
}
#: And one per appeal outcome.
APPEAL_OUTCOME_COLOURS = {"结果维持": "#1565c0", "结果纠正": "#c62828", "其他结果": "#78909c", "尚未审结": "#fbc02d"}
APPEAL_GROUPS = {
    "review": "行政复议",
    "suit_direct": "行政诉讼（未经复议直接起诉）",
    "suit_after_review": "行政诉讼（复议后起诉）",
}


def correction(group: str) -> Indicator:
    """The correction rate of review (``review``) or of a kind of litigation, on settled cases."""
    name = "复议纠错率" if group == "review" else f"{APPEAL_GROUPS[group]}纠错率"
    return Indicator(
        name,
        (f"appeals.{group}.corrected",),
        (f"appeals.{group}.total",),
        "结果纠正 ÷（总计 − 尚未审结）",
        less=(f"appeals.{group}.pending",),
    )


REVIEW_CORRECTION = correction("review")


def outcome_share(outcome: str) -> Indicator:
    """An outcome's share of the requests handled: 不予公开率, 无法提供率 …"""
    label = OUTCOME_LABELS[outcome]
    versions = (
        "2019 版模板的“其他处理”是一行，2021 版分为三行（逾期不补正、逾期不缴费、其他），此处合计"
        if outcome == "other"
        else "2019 版和 2021 版模板都有，口径相同"
    )
    return Indicator(
        f"{label}率",
        outcome_leaves()[outcome],
        ("requests.total_processed.total",),
        f"{label}（各项原因之和）÷ 办理结果总计",
        every_key=False,
        versions=versions,
    )


#: A rate resting on fewer cases than this is marked: one case more or less moves it by
#: several points (a 纠错率 going 0 % → 25 % on 6–12 cases says little).
FEW_CASES = 20
#: Peer groups within the whole country, a province or a city.
PEER_SCOPES = {"全国": None, "同省": "province", "同市": "city"}
#: An agency is ranked on a rate only with at least this many requests behind it.
RANKED_FROM = 30


def peer_groups(agencies: pd.DataFrame, scope: str) -> pd.Series:
    """Each agency's peer group: the same level and kind (同层级、同类别), within ``scope``."""
    region = PEER_SCOPES[scope]
    place = agencies[region].fillna("地区未知") + "·" if region else ""
    return place + agencies["level"].fillna("层级未知") + "级" + agencies["kind"].fillna("类别未知")


def ranks_in_groups(values: pd.Series, groups: pd.Series, cases: pd.Series) -> pd.DataFrame:
    """Rank (1 the highest) and percentile of each value within its group, among the
    agencies with at least ``RANKED_FROM`` cases; the others are not ranked (NaN)."""
    counted = cases >= RANKED_FROM
    rank = values[counted].groupby(groups[counted]).rank(ascending=False, method="min")
    percentile = percentile_in_group(values[counted], groups[counted])
    return pd.DataFrame({"rank": rank, "percentile": percentile}).reindex(values.index)


#: Beyond this many interquartile ranges outside its group's middle half, a rate stands out.
OUTLIER_SPREAD = 1.5


def rankable() -> tuple[Indicator, ...]:
    """The rates an agency can be ranked on."""
    return (
        DISCLOSURE,
        outcome_share("denied"),
        outcome_share("unable"),
        outcome_share("not_processed"),
        CARRY_FORWARD,
        REVIEW_CORRECTION,
        correction("suit_direct"),
        correction("suit_after_review"),
    )


def rankable_by_name() -> dict[str, Indicator]:
    """The rates an agency can be ranked on, by the name a picker shows and a link keeps."""
    return {indicator.name: indicator for indicator in rankable()}


def ranking(agencies: pd.DataFrame, indicator: Indicator, groups: pd.Series) -> pd.DataFrame:
    """Each agency's rate, its cases (the denominator), its rank and percentile within its
    group, and whether it lies far outside its group (beyond 1.5 × the interquartile range
    of the ranked agencies): agencies with fewer than ``RANKED_FROM`` cases are not ranked."""
    rate, cases = indicator.of(agencies), indicator.denominators(agencies)
    groups = groups.astype("category")  # grouped five times: its texts told apart once (a country's agencies)
    ranks = ranks_in_groups(rate, groups, cases)
    counted = (cases >= RANKED_FROM) & rate.notna()
    grouped = rate[counted].groupby(groups[counted], observed=True)
    first, third = grouped.quantile(0.25), grouped.quantile(0.75)
    spread = OUTLIER_SPREAD * (third - first)
    low, high = (groups.map(bound).astype("float64") for bound in (first - spread, third + spread))
    outside = counted & ((rate < low) | (rate > high))
    return pd.DataFrame(
        {"rate": rate, "cases": cases, "rank": ranks["rank"], "percentile": ranks["percentile"], "outlier": outside},
        index=agencies.index,
    )


def percentile_in_group(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Each value's percentile rank (0–100) among its peer group."""
    return values.groupby(groups).rank(pct=True).mul(100)


def span_text(first: int, last: int, missing: Sequence[int] | None = None) -> str:
    """An agency's run of reports in words: 2019–2025, and the years ``missing`` inside it."""
    span = str(first) if first == last else f"{first}–{last}"
    # A table's missing list is NaN or None where none is missing: most agencies.
    listed = missing if isinstance(missing, Sequence | np.ndarray) else ()
    return span + f"（缺 {'、'.join(str(int(year)) for year in listed)}）" if len(listed) else span
