"""数据质量's tables as the page shows them, made once per warehouse version and filters:
failed checks and warnings across years in words, each row linked to its report, the
unusual cells and the agencies to confirm. At a million reports they are tens of thousands of rows, and saying
each in words and linking it took a tenth of a second on every run of the page."""

from __future__ import annotations

import pandas as pd

from dashboard import answers, ui
from dashboard.links import report_url
from dashboard.queries import Filters
from dashboard.ui import checks_in_words, display_source, fmt_count, headed, report_links, short_label
from etl.template import TABLE_NAMES
from etl.words import INCOMPLETE_WORDS, READ_AS_WORDS, in_words


def _failed_shown(filters: Filters) -> pd.DataFrame:
    """The first ``ui.SHOWN_ROWS`` failed checks, in words, each with its report's link."""
    first = answers.failed_checks(filters).head(ui.SHOWN_ROWS)
    return checks_in_words(first).assign(报告=report_links(first))


def _cross_shown(filters: Filters) -> pd.DataFrame:
    """The first ``ui.SHOWN_ROWS`` warnings across years, in words, with links to the
    report and to the year it was compared with (none where there is no earlier report)."""
    first = answers.cross_year_warnings(filters).head(ui.SHOWN_ROWS)
    shown = checks_in_words(first).assign(
        **{column: first[column].map(lambda v: "—" if v != v else f"{v:g}") for column in ("expected", "actual", "difference")},
        compared_year=first["compared_year"].map(lambda v: "—" if v != v else f"{v:.0f}"),
        compared=pd.Series(
            [
                report_url(a, y) if y == y else None  # NaN: no earlier report
                for a, y in zip(first["agency"], first["compared_year"], strict=True)
            ],
            index=first.index,
            dtype="object",
        ),
        报告=report_links(first),
    )
    return shown.drop(columns=["related_report_id"])


def _unusual_shown(filters: Filters) -> pd.DataFrame:
    """The cells read in unusual ways, their keys and readings in words, each linked."""
    unusual = answers.unusual_cells(filters)
    return unusual.assign(
        key=unusual["key"].map(short_label),
        read_as=unusual["read_as"].map(lambda code: in_words(code, READ_AS_WORDS)),
        value=unusual["value"].map(fmt_count),
        报告=report_links(unusual),
    )


def incomplete_in_words(incomplete: pd.DataFrame) -> pd.DataFrame:
    """Tables missing from reports, each table named and what happened to it in words."""
    return incomplete.assign(
        table_key=incomplete["table_key"].map(TABLE_NAMES),
        rule=incomplete["rule"].map(lambda code: in_words(code, INCOMPLETE_WORDS)),
    )


def _to_check_shown(filters: Filters) -> pd.DataFrame:
    """The first ``ui.SHOWN_ROWS`` agencies to confirm or name, each with its file as the
    user imported it (the path taken apart ten thousand times took a tenth of a second)."""
    first = answers.agencies_to_check(filters).head(ui.SHOWN_ROWS)
    return headed(
        first.drop(columns=["report_id", "aliases", "parent"]).assign(source_path=first["source_path"].map(display_source)),
        needs_name="待命名",
    )


failed_shown = answers.made_per_version(_failed_shown)
cross_shown = answers.made_per_version(_cross_shown)
unusual_shown = answers.made_per_version(_unusual_shown)
to_check_shown = answers.made_per_version(_to_check_shown)
