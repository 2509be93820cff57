"""The annual review's tables as its page shows them: findings with where they stand and a
link to the report at their cell, bodies by their findings, regions in one phrase. The
page's tables are made once per warehouse version and choice of filters, year, search,
severities and kinds (a country's year is 142,858 bodies and 70,000 findings: making
them took a fifth of a second on every run of the page)."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd

from dashboard import answers, ui
from dashboard.links import report_url
from dashboard.queries import Filters
from etl.audit import SEVERITIES
from etl.audit.listing import coverage_table


def finding_links(found: pd.DataFrame) -> pd.Series:
    """Each finding's report, opened at its first cell where it names one."""
    links: list[str | None] = []
    for agency, year, report_id, cells in zip(
        *(found[c].tolist() for c in ("agency", "year", "report_id", "cells")), strict=True
    ):
        if pd.isna(report_id):
            links.append(None)
            continue
        link = report_url(agency, int(year))
        if cells is not None and len(cells):
            link += f"&cell={quote(str(cells[0]))}"
        links.append(link)
    return pd.Series(links, index=found.index, dtype="object")


def joined(frame: pd.DataFrame, columns: list[str], between: str = "") -> list[str]:
    """Each row's text in ``columns``, the missing ones left out: row by row in Python lists,
    since ``DataFrame.apply`` over tens of thousands of findings took seconds."""
    return [
        between.join(p for p in parts if isinstance(p, str)) for parts in zip(*(frame[c].tolist() for c in columns), strict=True)
    ]


def place(frame: pd.DataFrame) -> pd.Series:
    """Each row's region in one phrase: 湖南省株洲市醴陵市 (the columns' texts added as
    columns, not row by row: a country's bodies are a hundred and forty thousand)."""
    words = frame["province"].fillna("") + frame["city"].fillna("") + frame["county"].fillna("")
    return words.where(words != "", "地区未知").astype("str")


def findings_table(found: pd.DataFrame) -> pd.DataFrame:
    """The findings as a reader scans them: who, how serious, what, where, and the report."""
    return pd.DataFrame(
        {
            "机关": found["agency"],
            "地区": place(found),
            "严重程度": found["severity"],
            "问题类型": found["rule_title"],
            "位置": pd.Series(joined(found, ["table_name", "row_label", "column_label"], "｜"), index=found.index, dtype="str"),
            "问题说明": found["message"],
            "原文或依据": found["evidence"].fillna(""),
            "报告": finding_links(found),
        }
    )


def bodies_ranked(found: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """Bodies by their findings, the most serious first: 错误, then 提醒, then 关注."""
    # Counted and joined by the bodies' numbers (pandas' pivot_table, and joining a
    # country's hundred and forty thousand bodies by name, took a third of a second).
    counts = found.groupby(["agency_id", "severity"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(SEVERITIES), fill_value=0)
    names = found.drop_duplicates("agency_id").set_index("agency_id")["agency"]
    places = status.set_index("agency_id")[["province", "city", "county"]]
    table = counts.join(names).join(places, how="left")
    table["地区"] = place(table)
    table = table.sort_values([*SEVERITIES, "agency"], ascending=[*(False for _ in SEVERITIES), True]).reset_index()
    return table[["agency", "地区", *SEVERITIES]].rename(columns={"agency": "机关"})


def _searched(filters: Filters, year: int, search: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The year's reporting status and findings of the bodies whose name or county holds
    ``search`` (all of them when it is empty)."""
    status, found = answers.review_status(filters, year), answers.review_findings(filters, year)
    if not search:
        return status, found

    def matching(frame: pd.DataFrame) -> pd.Series:
        return frame["agency"].str.contains(search, regex=False) | frame["county"].fillna("").str.contains(search, regex=False)

    return status[matching(status)], found[matching(found)]


def _coverage(filters: Filters, year: int, by: str) -> pd.DataFrame:
    """The year's bodies that should report, did, on time or late, per ``by`` (a province or a city)."""
    return coverage_table(answers.review_status(filters, year), by)


def _bodies(filters: Filters, year: int, search: str) -> pd.DataFrame:
    """The bodies with findings, the most serious first (``bodies_ranked``)."""
    status, found = searched(filters, year, search)
    return bodies_ranked(found, status)


def _findings_shown(
    filters: Filters, year: int, search: str, severities: tuple[str, ...], titles: tuple[str, ...]
) -> tuple[int, pd.DataFrame]:
    """How many findings are of these severities and kinds (all, where none is chosen), and
    the first ``ui.SHOWN_ROWS`` of them as the page's table."""
    _, found = searched(filters, year, search)
    if severities:
        found = found[found["severity"].isin(severities)]
    if titles:
        found = found[found["rule_title"].isin(titles)]
    return len(found), findings_table(found.head(ui.SHOWN_ROWS))


searched = answers.made_per_version(_searched)
coverage = answers.made_per_version(_coverage)
bodies = answers.made_per_version(_bodies)
findings_shown = answers.made_per_version(_findings_shown)
