"""Rule 8: numbers that stand out, for a reader to look at, never errors: a main figure
ten times last year's (or a tenth), a rate far from its peer group's."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from etl.audit.facts import number, previous_reports, values
from etl.audit.finding import Finding, figure, placed
from etl.indicators import DISCLOSURE, PEER_SCOPES, RANKED_FROM, REVIEW_CORRECTION, Indicator, peer_groups, ranking

#: The figures whose jumps are worth a look.
JUMP_KEYS = (
    "requests.new_received.total",
    "requests.total_processed.total",
    "appeals.review.total",
    "appeals.suit_direct.total",
)
JUMP_FACTOR = 10
JUMP_FROM = 50
PEER_RATES: tuple[Indicator, ...] = (DISCLOSURE, REVIEW_CORRECTION)
PEER_SCOPE = "同省"
#: A peer group needs this many ranked bodies for its middle half to mean anything.
MIN_PEERS = 5


def jump_findings(reports: pd.DataFrame, wide: pd.DataFrame) -> list[Finding]:
    """One finding per table and report: the first of its figures that jumps (新收 and
    总计 move together, and one note says it)."""
    pairs = previous_reports(reports)
    found = []
    noted: set[tuple[int, str | None]] = set()
    report_ids, agency_ids, years = (pairs[column].to_numpy() for column in ("report_id", "agency_id", "year"))
    for key in (k for k in JUMP_KEYS if k in wide.columns):
        this = wide[key].reindex(pairs["report_id"]).to_numpy(dtype="float64")
        last = wide[key].reindex(pairs["report_id_prev"]).to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            jumped = (np.fmax(this, last) >= JUMP_FROM) & ((this >= JUMP_FACTOR * last) | (this * JUMP_FACTOR <= last))
        table, row_label, column_label = placed(key)
        for index in np.flatnonzero(jumped):
            report_id, agency_id, year = int(report_ids[index]), int(agency_ids[index]), int(years[index])
            now, before = float(this[index]), float(last[index])
            if (report_id, table) in noted:
                continue
            noted.add((report_id, table))
            up = now >= JUMP_FACTOR * before
            how = f"是上年的 {now / before:.1f} 倍" if up and before else ("上年为 0" if up else f"只有上年的 {now / before:.1%}")
            message = f"{table}「{row_label}」本年 {figure(now)} 件，上年 {figure(before)} 件，{how}，请核实"
            found.append(
                Finding(
                    agency_id,
                    year,
                    report_id,
                    "year_jump",
                    "关注",
                    message,
                    table,
                    row_label,
                    column_label,
                    [key],
                    [now, before],
                )
            )
    return found


#: Reports whose rates are ranked among their peers at a time: whole years, as many as
#: come to this together. A year ranked alone cost pandas as much of its own work at a
#: few hundred reports as at a hundred thousand (a fifth of a second a fresh ingest, for
#: seven years and two rates); all years of a million reports at once took 200 MiB more.
RANKED_AT_ONCE = 150_000


def peer_findings(reports: pd.DataFrame, wide: pd.DataFrame, years: Collection[int] | None = None) -> list[Finding]:
    """Rates of single bodies far outside their peers' (同省同层级同类别), year by year (of
    ``years`` only, when given: a year's groups hold that year's reports alone); area
    reports are compared with no one: they sum many bodies."""
    # Only what the groups and the findings ask: every column of a million reports copied twice took 400 MiB.
    chosen = reports["scope"].fillna("own") == "own"
    if years is not None:
        chosen &= reports["year"].isin(list(years))
    single = reports.loc[chosen, ["report_id", "agency_id", "year"]]
    # Each report's peer group named once, kept as a category (the region, level and kind
    # of a million reports as text, and their groups' names made again for each rate and
    # year, took 120 MiB).
    region = PEER_SCOPES[PEER_SCOPE]
    attributes = reports.loc[chosen, [*([region] if region else []), "level", "kind"]]
    single["peer"] = peer_groups(attributes, PEER_SCOPE).astype("category")
    found = []
    for indicator in PEER_RATES:
        if not all(key in wide.columns for key in indicator.keys):
            continue
        for run in _year_runs(single["year"], RANKED_AT_ONCE):
            found += _outliers(single[single["year"].isin(run)], wide, indicator)
    return found


def _year_runs(years: pd.Series, most: int) -> list[list[int]]:
    """The years, in order, in runs of whole years that come to at most ``most`` reports
    together (a year of more is a run of its own)."""
    runs: list[list[int]] = []
    size = 0
    counts = years.value_counts().sort_index()
    for year, count in zip(counts.index.to_numpy(dtype="int64"), counts.to_numpy(), strict=True):
        if not runs or size + int(count) > most:
            runs.append([])
            size = 0
        runs[-1].append(int(year))
        size += int(count)
    return runs


def _outliers(bodies: pd.DataFrame, wide: pd.DataFrame, indicator: Indicator) -> list[Finding]:
    """The findings on one rate of these reports (of whole years), each compared with its
    peer group of its own year; in order of year, then as the reports come."""
    group = bodies.merge(wide[list(indicator.keys)], left_on="report_id", right_index=True, how="left")
    # A report's peer group in its year as one number: several years are ranked at once,
    # and a year's groups hold that year's reports alone.
    names = group["peer"].cat.categories
    year_of = group["year"].to_numpy(dtype="int64")
    groups = pd.Series(year_of * len(names) + group["peer"].cat.codes.to_numpy(dtype="int64"), index=group.index)
    ranked = ranking(group, indicator, groups)
    counted = (ranked["cases"] >= RANKED_FROM) & ranked["rate"].notna()
    # Each peer group's spread, worked out once (not once per outlier, over the year's every body).
    peers = ranked.loc[counted, "rate"].groupby(groups[counted])
    sizes = peers.size()
    spread = {
        int(peer): (int(size), float(median), float(low), float(high))
        for peer, size, median, low, high in zip(
            sizes.index.to_numpy(dtype="int64"),
            sizes.to_numpy(),
            peers.median().to_numpy(),
            peers.quantile(0.25).to_numpy(),
            peers.quantile(0.75).to_numpy(),
            strict=True,
        )
    }
    keys, rates, cases_of = groups.to_numpy(), ranked["rate"].to_numpy(), ranked["cases"].to_numpy()
    agency_ids, report_ids = group["agency_id"].to_numpy(dtype="int64"), group["report_id"].to_numpy(dtype="int64")
    outliers = np.flatnonzero(ranked["outlier"].to_numpy(dtype=bool))
    outliers = outliers[np.argsort(year_of[outliers], kind="stable")]
    found = []
    for at in outliers:
        key = int(keys[at])
        if key not in spread or spread[key][0] < MIN_PEERS:
            continue
        size, median, low, high = spread[key]
        peer = names[key % len(names)]
        rate, cases = number(rates[at]) or 0.0, number(cases_of[at])
        message = (
            f"{indicator.name} {rate:.1%}（{figure(cases)} 件），"
            f"{peer} 共 {size} 个机关的中位数为 {median:.1%}（中间一半在 {low:.1%}–{high:.1%}）"
        )
        found.append(
            Finding(
                int(agency_ids[at]),
                int(year_of[at]),
                int(report_ids[at]),
                "peer_outlier",
                "关注",
                message,
                placed(indicator.numerator[0])[0],
                cells=list(indicator.keys),
                numbers=[rate, median],
            )
        )
    return found


def unusual_values(connection: duckdb.DuckDBPyConnection, wide: bool) -> pd.DataFrame:
    """The figures both rules read, one row per current report (``wide``: from
    ``report_values``, which is up to date)."""
    return values(connection, sorted({*JUMP_KEYS, *(key for indicator in PEER_RATES for key in indicator.keys)}), wide)


def _value(wide: pd.DataFrame, report_id: Any, key: str) -> float | None:
    if key not in wide.columns or report_id not in wide.index:
        return None
    return number(wide.at[report_id, key])
