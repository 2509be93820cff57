"""The warehouse's answers, as pages ask for them: each question in ``queries`` with the
warehouse file taken from the environment and the answer cached per published version.

Pages call these directly (``answers.overview(filters())``): typed like the query itself,
one go-to-definition away, and a new warehouse version is a new cache entry, so an
ingest shows on every page at once.

Answers are kept as objects (``kept.Kept``, within a budget of bytes), not pickled
(``st.cache_data`` unpickles a copy on every hit: at a million reports a page's cached
answers took a third of a second to copy on each of its runs). Each caller gets its own
copy of a frame, which costs nothing: pandas copies on write, so a page that adds a
column or changes a value changes its copy only.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.kept import Kept, key_of
from dashboard.queries import Filters
from dashboard.warming import Warmer

P = ParamSpec("P")
R = TypeVar("R")

#: Every answer and every table made from answers, within one budget of bytes.
KEPT = Kept()


def db_path() -> Path:
    """The warehouse the dashboard reads: $GOV_REPORTS_DB, or the demo built by ``make run``."""
    return Path(os.environ.get("GOV_REPORTS_DB", Path(__file__).resolve().parents[1] / "data" / "demo.duckdb"))


def per_version(query: Callable[Concatenate[Path, P], R]) -> Callable[P, R]:
    """``query`` without its warehouse argument, kept per warehouse file and version."""

    @functools.wraps(query)
    def asked(*args: P.args, **kwargs: P.kwargs) -> R:
        db = db_path()
        return _kept(query, db, lambda: query(db, *args, **kwargs), lambda: asked(*args, **kwargs), args, kwargs)

    return asked


def made_per_version(make: Callable[P, R]) -> Callable[P, R]:
    """``make``, a table a page makes from answers, kept like them: per warehouse file and
    version. At a million reports the ranking of 142,858 agencies took 0.8 s of pandas on
    every run of its page, a click on any of its widgets included.

    Like an answer, what it makes may depend on its arguments (a visitor's filters and
    choices, names: things that hash, never frames) and the warehouse only: after a
    publish the same call is made again, of the new version (``warming``)."""

    @functools.wraps(make)
    def asked(*args: P.args, **kwargs: P.kwargs) -> R:
        return _kept(make, db_path(), lambda: make(*args, **kwargs), lambda: asked(*args, **kwargs), args, kwargs)

    return asked


def _kept(
    function: Callable[..., R],
    db: Path,
    make: Callable[[], R],
    again: Callable[[], object],
    args: tuple[object, ...],
    kwargs: dict[str, object],
) -> R:
    version = queries.warehouse_version(db)
    question = key_of(function.__module__, function.__qualname__, args, kwargs)
    WARMER.asked(db, version, question, again)
    return own_copy(KEPT.get(_answer_key(question, db, version), make))


def _answer_key(question: tuple[object, ...], db: Path, version: str) -> tuple[object, ...]:
    """An answer's key in ``KEPT``: the question, of which file, at which version."""
    return ("answer", str(db), version, *question)


def _drop_older(db: Path, version: str) -> None:
    """The answers of ``db`` at any other version dropped: no page asks for them again."""
    KEPT.drop(lambda key: isinstance(key, tuple) and key[:2] == ("answer", str(db)) and key[2] != version)


#: The questions last asked, asked again as soon as an ingest publishes a new version.
WARMER = Warmer(queries.warehouse_version, db_path, _drop_older)


def keep_warm() -> None:
    """The watcher that asks again after a publish, started once per server process."""
    WARMER.start()


def own_copy(answer: R) -> R:
    """The caller's copy of a kept answer: a frame's costs nothing (pandas copies its data
    on the first write), a list's or a dict's is shallow, a tuple's holds copies of its
    frames; other answers are immutable."""
    if isinstance(answer, pd.DataFrame | pd.Series):
        return answer.copy(deep=False)  # type: ignore[return-value]
    if isinstance(answer, list | dict):
        return answer.copy()  # type: ignore[return-value]
    if isinstance(answer, tuple) and not hasattr(answer, "_fields"):
        return tuple(own_copy(part) for part in answer)  # type: ignore[return-value]
    return answer


def forget() -> None:
    """Every kept answer and chart dropped: after an edit of the warehouse, which its version
    may not show (a write within the file's clock tick and size)."""
    KEPT.clear()
    st.cache_data.clear()  # 报告详情's own


options = per_version(queries.options)
overview = per_version(queries.overview)
sums_by_year = per_version(queries.sums_by_year)
by_agency = per_version(queries.by_agency)
agency_year = per_version(queries.agency_year)
agency_year_rows = per_version(queries.agency_year_rows)
area_agencies = per_version(queries.area_agencies)
failed_checks = per_version(queries.failed_checks)
incomplete_reports = per_version(queries.incomplete_reports)
unusual_cells = per_version(queries.unusual_cells)
read_as_counts = per_version(queries.read_as_counts)
ingest_failures = per_version(queries.ingest_failures)
cross_year_warnings = per_version(queries.cross_year_warnings)
cross_year_counts = per_version(queries.cross_year_counts)
agency_directory = per_version(queries.agency_directory)
agency_counts = per_version(queries.agency_counts)
agencies_to_check = per_version(queries.agencies_to_check)
reports_list = per_version(queries.reports_list)
reports_counted = per_version(queries.reports_counted)
reports_named = per_version(queries.reports_named)
reports_by_id = per_version(queries.reports_by_id)
shows_generated = per_version(queries.shows_generated)
report = per_version(queries.report)
report_cells = per_version(queries.report_cells)
report_checks = per_version(queries.report_checks)
report_issues = per_version(queries.report_issues)
report_findings = per_version(queries.report_findings)
text_repeated = per_version(queries.text_repeated)
neighbour_report = per_version(queries.neighbour_report)
review_status = per_version(queries.review_status)
review_findings = per_version(queries.review_findings)


def _latest_report_years(db: Path, filters: Filters) -> dict[str, int]:
    """The year of each agency's latest report within the filters, to link the rows a page
    shows (making every agency's link at once took a second at a million reports)."""
    latest = queries.latest_years(db, filters)
    return dict(zip(latest["agency"].tolist(), latest["year"].astype("int64").tolist(), strict=True))


latest_report_years = per_version(_latest_report_years)


def when_clicked(query: Callable[Concatenate[Path, P], R], *args: P.args, **kwargs: P.kwargs) -> Callable[[], R]:
    """``query`` asked only when called, of the warehouse as it is now: a download's table,
    made when its button is clicked (outside the page's run, where nothing is cached)."""
    return functools.partial(query, db_path(), *args, **kwargs)
