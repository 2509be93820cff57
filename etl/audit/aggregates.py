"""Rule 9: a report for a whole area (全市、全县…) against the sum of its bodies' reports.

Compared only where agencies.csv names the area's bodies (their ``parent``) and every
one of them has a report for the year: a sum of some of them says nothing.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.audit.facts import number, rows, values
from etl.audit.finding import Finding, figure, placed

COMPARED_KEYS = ("requests.new_received.total", "requests.total_processed.total", "appeals.review.total")


def aggregate_findings(
    connection: duckdb.DuckDBPyConnection, reports: pd.DataFrame, agencies: pd.DataFrame, wide: bool
) -> list[Finding]:
    """An area's report against the sum of its bodies' (``wide``: their figures from
    ``report_values``, which is up to date, else from ``cells``)."""
    areas = reports[reports["scope"] == "area"]
    children = agencies[agencies["parent"].notna()]
    if not len(areas) or not len(children):
        return []
    figures = values(connection, list(COMPARED_KEYS), wide)
    by_slot = reports.set_index(["agency_id", "year"])["report_id"]
    found = []
    for row in rows(areas):
        bodies = children[children["parent"] == row.agency]["agency_id"].astype(int).tolist()
        slots = [(body, int(row.year)) for body in bodies]
        if not bodies or not all(slot in by_slot.index for slot in slots):
            continue
        ids = [int(by_slot[slot]) for slot in slots]
        for key in COMPARED_KEYS:
            if key not in figures.columns or row.report_id not in figures.index:
                continue
            own = number(figures.at[row.report_id, key])
            parts = figures.reindex(ids)[key]
            total = float(parts.sum())
            if own is None or parts.isna().any() or own == total:
                continue
            table, row_label, column_label = placed(key)
            message = f"汇总报告{table}「{row_label}」为 {figure(own)}，下属 {len(ids)} 个机关报告之和为 {figure(total)}"
            found.append(
                Finding(
                    int(row.agency_id),
                    int(row.year),
                    int(row.report_id),
                    "aggregate_differs",
                    "提醒",
                    message,
                    table,
                    row_label,
                    column_label,
                    [key],
                    [own, total],
                    row.scope_sentence or None,
                )
            )
    return found
