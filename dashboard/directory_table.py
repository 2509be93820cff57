"""机关名录's table, made once per warehouse version, filters and search: a country's
142,858 agencies had their years written out in words on every run of the page (a fifth
of a second)."""

from __future__ import annotations

import pandas as pd

from dashboard import answers
from dashboard.queries import Filters
from dashboard.ui import headed
from etl.indicators import span_text

#: The directory's columns, in the order the table shows them.
COLUMNS = ["agency", "province", "city", "county", "level", "kind", "parent", "years", "reports", "aliases", "uncertain"]


def _directory_table(filters: Filters, search: str) -> pd.DataFrame:
    """Every agency within the filters whose name holds ``search`` (all where it is empty):
    where it is, what it is, the years it reported in words, and whether that is inferred."""
    directory = answers.agency_directory(filters)
    shown = directory[directory["agency"].str.contains(search, regex=False)] if search else directory
    return headed(
        shown.assign(
            years=[span_text(*run) for run in zip(shown["first_year"], shown["last_year"], shown["missing_years"], strict=True)],
            uncertain=shown["uncertain"].map({True: "待确认", False: ""}),
        )[COLUMNS],
        years="报告年度",
        aliases="其他写法",
        uncertain="推断",
    )


directory_table = answers.made_per_version(_directory_table)
