"""The indicators officials use, from numerators and denominators kept side by side.

A zero denominator gives no rate (shown as "—"), never 0.
"""

from __future__ import annotations

import math

import pandas as pd


def rate(numerator: object, denominator: object) -> float:
    """numerator / denominator, or NaN when the denominator is 0 or missing."""
    try:
        num, den = float(numerator), float(denominator)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    if math.isnan(num) or math.isnan(den) or den == 0:
        return math.nan
    return num / den


def rate_column(frame: pd.DataFrame, numerator: str, denominator: str) -> pd.Series:
    return pd.Series(
        [rate(n, d) for n, d in zip(frame[numerator], frame[denominator], strict=True)], index=frame.index, dtype="float64"
    )


def percentile_in_group(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Each value's percentile rank (0–100) among its peer group."""
    return values.groupby(groups).rank(pct=True).mul(100)


def years_text(years: list[int]) -> str:
    """An agency's run of reports in words: 2019–2025, and the years missing inside it."""
    if not len(years):
        return "—"
    first, last = int(min(years)), int(max(years))
    span = str(first) if first == last else f"{first}–{last}"
    missing = sorted(set(range(first, last + 1)) - {int(y) for y in years})
    return span + (f"（缺 {'、'.join(map(str, missing))}）" if missing else "")
