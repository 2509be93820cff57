"""Every question the dashboard asks the warehouse, as SQL returning DataFrames.

This module never imports streamlit: pages draw what these functions answer, and the
downloads are these same answers rendered another way. Values are bound; column and
key names come from allow-lists (the template's keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import duckdb
import pandas as pd

from etl.audit import RULE_TITLES
from etl.audit.facts import Bodies
from etl.audit.listing import Scope, reporting_status
from etl.audit.listing import findings as audit_findings
from etl.audit.reuse import repeated_share
from etl.indicators import DISCLOSURE, REVIEW_CORRECTION
from etl.narrative import NARRATIVE_PARTS, NUMERALS, PARTS
from etl.template import INCOMPLETE_RULES, VERSIONS, all_keys, label_for, version_keys
from etl.warehouse import WIDE_META_COLUMNS, frame_via_arrow, reading

#: The filters that choose among values: the attribute, the column it filters (an
#: allow-list: only these are written into SQL) and its name in words. The builder and the
#: description both read this, so a filter added here is filtered and said alike.
FILTER_FIELDS = (
    ("provinces", "r.province", "省份"),
    ("cities", "r.city", "城市"),
    ("levels", "r.level", "层级"),
    ("kinds", "r.kind", "类别"),
    ("agencies", "r.name", "机关"),
    ("templates", "r.template", "模板"),
)


@dataclass(frozen=True)
class Filters:
    """The sidebar's shared filters; an empty tuple means 'all'."""

    years: tuple[int, int] | None = None
    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    include_generated: bool = True
    #: The years the sidebar spans when it leaves every year in (``years`` is then None):
    #: said in words and in file names, never part of a question, so the questions of
    #: "every year" stay the same when a publish brings a new year (``warming``).
    every_year: tuple[int, int] | None = field(default=None, compare=False)

    def describe(self) -> str:
        """The filters in words, as a page states what it shows (a screenshot says it too)."""
        parts = []
        if span := self.years or self.every_year:
            first, last = span
            parts.append(f"{first}年" if first == last else f"{first}–{last}年")
        for name, _, label in FILTER_FIELDS:
            values: tuple[str, ...] = getattr(self, name)
            if values:
                shown = "、".join(values[:5]) + (f" 等 {len(values)} 项" if len(values) > 5 else "")
                parts.append(f"{label}：{shown}")
        if not self.include_generated:
            parts.append("不含演示数据")
        return "筛选：" + ("；".join(parts) if parts else "全部报告")

    def slug(self) -> str:
        """The filters in a file name: 株洲市_2021-2024 (places first, at most a few)."""
        parts = [*self.provinces[:2], *self.cities[:2], *self.agencies[:1], *self.kinds[:1]]
        if span := self.years or self.every_year:
            first, last = span
            parts.append(str(first) if first == last else f"{first}-{last}")
        return "_".join(part.replace("/", "-") for part in parts)


@dataclass
class Query:
    """A filtered set of current reports, as a WHERE clause with its bound values."""

    sql: str
    params: list[object] = field(default_factory=list)


def where(filters: Filters) -> Query:
    parts = ["TRUE"]  # current_reports holds the current reports only
    params: list[object] = []
    if filters.years:
        parts.append("r.year BETWEEN ? AND ?")
        params += list(filters.years)
    for name, column, _ in FILTER_FIELDS:
        values = getattr(filters, name)
        if values:
            parts.append(f"list_contains(?, {column})")
            params.append(list(values))
    if not filters.include_generated:
        parts.append("NOT r.generated")
    return Query(" AND ".join(parts), params)


def _keys(keys: Sequence[str]) -> list[str]:
    allowed = set(all_keys())
    unknown = [key for key in keys if key not in allowed]
    if unknown:
        raise ValueError(f"unknown keys: {unknown}")
    return list(keys)


def run(db: Path, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """One question, on a cursor of the warehouse as it is now."""
    with reading(db) as connection:
        return connection.execute(sql, list(params)).df()


def run_large(db: Path, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """A question whose answer has a row per report (a hundred thousand and more): through
    Arrow (``frame_via_arrow``), which turns its strings into pandas' twice as fast as
    ``run``. Its columns must be of types both read alike (no nullable integers)."""
    with reading(db) as connection:
        return frame_via_arrow(connection, sql, params)


# ---- What is in the warehouse --------------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    """The values the sidebar's filters can take, from the current reports (tuples: one
    object serves every page and session)."""

    years: tuple[int, ...]
    provinces: tuple[str, ...]
    city_province: tuple[tuple[str, str | None], ...]  # each city with its province, by province
    levels: tuple[str, ...]
    kinds: tuple[str, ...]
    agencies: tuple[str, ...]
    templates: tuple[str, ...]

    @property
    def every_year(self) -> tuple[int, int] | None:
        """The first and the last year reported: the years' slider as it opens."""
        return (min(self.years), max(self.years)) if self.years else None


def options(db: Path) -> FilterOptions:
    """The values the filters can take: each column's distinct values, worked out by DuckDB
    (at a million reports, fetching the distinct rows took two seconds)."""
    listed = ("province", "level", "kind", "name", "year", "template")
    with reading(db) as connection:
        found = connection.execute(
            "SELECT " + ", ".join(f"list(DISTINCT r.{column}) AS {column}" for column in listed) + " FROM current_reports r"
        ).fetchone()
        pairs = connection.execute(
            "SELECT DISTINCT r.city, r.province FROM current_reports r WHERE r.city IS NOT NULL ORDER BY r.province, r.city"
        ).fetchall()
    values = dict(zip(listed, found or [[] for _ in listed], strict=True))

    def names(column: str) -> tuple[str, ...]:
        return tuple(sorted(str(v) for v in values[column] or () if v is not None))

    return FilterOptions(
        years=tuple(sorted(int(v) for v in values["year"] or () if v is not None)),
        provinces=names("province"),
        city_province=tuple((str(city), None if province is None else str(province)) for city, province in pairs),
        levels=names("level"),
        kinds=names("kind"),
        agencies=names("name"),
        templates=names("template"),
    )


def overview(db: Path, filters: Filters) -> pd.DataFrame:
    """Per year: reports, agencies, requests, the numerators and denominators of the headline
    rates, and reports passing every check (those whose row keeps no failed check: asking
    ``checks``, fifty rows a report, took a million reports' overview most of a second
    when the file was not yet in memory)."""
    q = where(filters)
    sql = f"""
    SELECT r.year,
           count(*) AS reports,
           count(DISTINCT r.agency_id) AS agencies,
           count(*) FILTER (WHERE coalesce(len(r.failed_checks), 0) = 0) AS reports_passing,
           {_sum_of(("requests.new_received.total",))} AS received,
           {_sum_of(DISCLOSURE.numerator)} AS disclosed,
           {_sum_of(DISCLOSURE.denominator)} AS processed,
           {_sum_of(REVIEW_CORRECTION.numerator)} AS review_corrected,
           {_sum_of(REVIEW_CORRECTION.denominator)} - {_sum_of(REVIEW_CORRECTION.less)} AS review_settled
    FROM report_values r WHERE {q.sql}
    GROUP BY r.year ORDER BY r.year"""
    return run(db, sql, q.params)


def _sum_of(keys: Sequence[str]) -> str:
    """SQL summing the keys' columns of ``report_values`` over a group's reports, NULL when
    no report has any of them (as a sum over their cells would be)."""
    columns = [f'r."{key}"' for key in _keys(keys)]
    counts = " + ".join(f"count({column})" for column in columns)
    sums = " + ".join(f"coalesce(sum({column}), 0)" for column in columns)
    return f"(CASE WHEN {counts} = 0 THEN NULL ELSE {sums} END)"


def sums_by_year(db: Path, filters: Filters, keys: Sequence[str]) -> pd.DataFrame:
    """Sum of each key per year (NULL when no report of the year has it)."""
    q = where(filters)
    chosen = _keys(keys)
    sums = "".join(f', sum(r."{key}") AS "{key}"' for key in chosen)
    sql = f"SELECT r.year{sums} FROM report_values r WHERE {q.sql} GROUP BY r.year ORDER BY r.year"
    return run(db, sql, q.params).astype({key: "float64" for key in chosen})


def by_agency(db: Path, filters: Filters, keys: Sequence[str], year: int | None = None) -> pd.DataFrame:
    """Each agency's values of the keys (summed over the chosen years, or one year), for
    the agencies with a report in a template version that has them."""
    q = where(filters)
    chosen = _keys(keys)
    params = [*q.params, sorted(_versions_having(chosen))]
    year_sql = ""
    if year is not None:
        year_sql = " AND r.year = ?"
        params.append(year)
    sums = "".join(f', sum(r."{key}") AS "{key}"' for key in chosen)
    sql = f"""
    SELECT r.name AS agency, r.province, r.city, r.level, r.kind, r.generated{sums}
    FROM report_values r
    WHERE {q.sql} AND list_contains(?, r.template){year_sql}
    GROUP BY ALL"""
    # A row per agency, a hundred and forty thousand at a million reports: through Arrow.
    return run_large(db, sql, params).astype({key: "float64" for key in chosen})


def _versions_having(keys: Sequence[str]) -> set[str]:
    """The template versions that have any of the keys."""
    return {version for version in VERSIONS if any(key in version_keys(version) for key in keys)}


def area_agencies(db: Path, filters: Filters) -> list[str]:
    """Agencies whose reports (within the filters) give a whole area's figures (全市、全县…
    共), which peer rankings of single bodies leave out unless asked."""
    q = where(filters)
    rows = run(db, f"SELECT DISTINCT r.name FROM current_reports r WHERE {q.sql} AND r.scope = 'area'", q.params)
    return sorted(str(name) for name in rows["name"])


def agency_year(db: Path, filters: Filters, keys: Sequence[str], limit: int | None = None) -> pd.DataFrame:
    """One row per current report (agency × year) with the keys as columns: the download
    table (its first ``limit`` rows, when given: what a page shows)."""
    q = where(filters)
    chosen = _keys(keys)
    # Column names are template keys from the allow-list above.
    columns = "".join(f', r."{key}"' for key in chosen)
    # By agency name, then year, as one number: each agency's rank in the name order
    # times ten thousand plus the year. Sorting a million reports by one number costs
    # DuckDB a fraction of sorting them by their agencies' names (which are unique, so
    # the order is the same).
    sql = f"""
    SELECT r.report_id, r.name AS agency, r.agency_key, r.province, r.city, r.county, r.level, r.kind, r.generated, r.year,
           r.template, r.published{columns}
    FROM report_values r JOIN (SELECT agency_id, row_number() OVER (ORDER BY name) AS name_order FROM agencies) USING (agency_id)
    WHERE {q.sql}
    ORDER BY name_order * 10000 + r.year
    {"" if limit is None else f"LIMIT {int(limit)}"}"""
    return run_large(db, sql, q.params).astype({key: "float64" for key in chosen})


def agency_year_rows(db: Path, filters: Filters) -> int:
    """How many rows ``agency_year`` has, without fetching them (a million at a million reports)."""
    q = where(filters)
    return int(cast("int", run(db, f"SELECT count(*) FROM report_values r WHERE {q.sql}", q.params).iat[0, 0]))


def agency_year_download(db: Path, filters: Filters, keys: Sequence[str]) -> pd.DataFrame:
    """The whole download table with the template's Chinese labels as headers."""
    return chinese_headers(agency_year(db, filters, keys))


def chinese_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """The same table with the template's Chinese labels as headers (for Excel users)."""
    names = {**WIDE_META_COLUMNS, "generated": "生成数据"}
    return frame.rename(columns={**names, **{key: label_for(key) for key in frame.columns if key in set(all_keys())}})


# ---- Data quality and one report ---------------------------------------------------------------------


def failed_checks(db: Path, filters: Filters) -> pd.DataFrame:
    """The reports' own identities that failed (kept in ``report_values`` with each report;
    tens of thousands at a million reports, through Arrow)."""
    q = where(filters)
    return run_large(
        db,
        f"""SELECT report_id, agency, year, ch.rule, ch.subject, ch.expected, ch.actual, ch.cells
            FROM (SELECT r.report_id, r.name AS agency, r.year, unnest(r.failed_checks) AS ch
                  FROM report_values r WHERE {q.sql} AND r.failed_checks IS NOT NULL)
            ORDER BY agency, year, ch.rule, ch.subject""",
        q.params,
    )


def incomplete_reports(db: Path, filters: Filters) -> pd.DataFrame:
    """Reports loaded without one of their tables (missing, unreadable or cut off), one
    row per such table, with the reason as the error says it."""
    q = where(filters)
    return run(
        db,
        f"""SELECT r.report_id, r.name AS agency, r.year, split_part(i.cells[1], '.', 1) AS table_key, i.rule, i.message
            FROM issues i JOIN current_reports r USING (report_id)
            WHERE {q.sql} AND list_contains(?, i.rule) ORDER BY r.name, r.year, table_key""",
        [*q.params, list(INCOMPLETE_RULES)],
    )


#: How cells read that 数据质量 lists one by one.
UNUSUAL_READINGS = ("recovered", "unreadable", "missing")


def unusual_cells(db: Path, filters: Filters, limit: int = 500) -> pd.DataFrame:
    """Cells left unreadable or missing, and those recovered from run-together digits (first ``limit``)."""
    q = where(filters)
    # The reports that have such cells are known from their rows' tally of how their
    # cells were read; only their cells are searched (not a million reports' 200 each).
    return run(
        db,
        f"""WITH chosen AS (SELECT r.report_id, r.name AS agency, r.year FROM report_values r
                            WHERE {q.sql} AND list_has_any(map_keys(r.read_as_cells), ?))
            SELECT c.report_id, r.agency, r.year, c.key, c.value, c.raw, c.read_as, c.location
            FROM cells c JOIN chosen r USING (report_id)
            WHERE list_contains(?, c.read_as)
            ORDER BY c.read_as DESC, r.agency, r.year LIMIT ?""",
        [*q.params, list(UNUSUAL_READINGS), list(UNUSUAL_READINGS), limit],
    )


def read_as_counts(db: Path, filters: Filters) -> pd.DataFrame:
    q = where(filters)
    return run(
        db,
        f"""SELECT read_as, sum(cells)::BIGINT AS cells
            FROM (SELECT unnest(map_keys(r.read_as_cells)) AS read_as, unnest(map_values(r.read_as_cells)) AS cells
                  FROM report_values r WHERE {q.sql})
            GROUP BY 1 ORDER BY 2 DESC""",
        q.params,
    )


def ingest_failures(db: Path) -> pd.DataFrame:
    return run(db, "SELECT logged_at, file, stage, reason FROM ingest_log WHERE status = 'failed' ORDER BY logged_at DESC")


def cross_year_warnings(db: Path, filters: Filters) -> pd.DataFrame:
    """Failed checks across years (warnings), each with the earlier report it was compared
    with (its year NaN where there is none; through Arrow)."""
    q = where(filters)
    return run_large(
        db,
        f"""SELECT report_id, agency, year, ch.rule, ch.subject, ch.compared_year,
                   ch.expected, ch.actual, ch.actual - ch.expected AS difference, ch.related_report_id
            FROM (SELECT r.report_id, r.name AS agency, r.year, unnest(r.cross_year_failed) AS ch
                  FROM report_values r WHERE {q.sql} AND r.cross_year_failed IS NOT NULL)
            ORDER BY agency, year, ch.rule, ch.subject""",
        q.params,
    )


def cross_year_counts(db: Path, filters: Filters) -> pd.DataFrame:
    """How many cross-year checks were made, passed and failed, per rule."""
    q = where(filters)
    # Each report's tally holds one count per rule and status, so the reports with a
    # failed check of a rule are the tallies that count one. The tallies are summed by
    # their text first and only the dozen sums cut into rule and status (cutting a million
    # reports' texts took most of the question's time).
    return run(
        db,
        f"""WITH tallies AS (SELECT unnest(map_keys(r.cross_year_tally)) AS tally,
                                    unnest(map_values(r.cross_year_tally)) AS checks
                             FROM report_values r WHERE {q.sql}),
                 summed AS (SELECT split_part(tally, ':', 1) AS rule, split_part(tally, ':', 2) AS status,
                                   sum(checks) AS checks, count(*) AS reports
                            FROM tallies GROUP BY tally)
            SELECT rule, coalesce(sum(checks) FILTER (WHERE status = 'failed'), 0)::BIGINT AS failed,
                   coalesce(sum(checks) FILTER (WHERE status = 'passed'), 0)::BIGINT AS passed,
                   coalesce(sum(checks) FILTER (WHERE status = 'not_assessable'), 0)::BIGINT AS not_assessable,
                   coalesce(sum(reports) FILTER (WHERE status = 'failed'), 0)::BIGINT AS reports
            FROM summed GROUP BY rule ORDER BY rule""",
        q.params,
    )


def agency_directory(db: Path, filters: Filters) -> pd.DataFrame:
    """Every agency with its region, level and kind, other spellings, and which years it
    reported: its first and last, and the years missing between them (NULL: none)."""
    q = where(filters)
    # The reports are counted by agency number and the other spellings gathered once,
    # then joined to the agencies (grouping a million reports by eleven of their agency's
    # columns, and asking each agency's spellings apart, took most of a second). Most
    # agencies miss no year: a list of every agency's years was a third of the answer's
    # time; the missing ones are listed for the few with any. A row per agency, through Arrow.
    return run_large(
        db,
        f"""WITH chosen AS (SELECT r.agency_id, count(*) AS reports, min(r.year) AS first_year, max(r.year) AS last_year,
                                   CASE WHEN count(DISTINCT r.year) < max(r.year) - min(r.year) + 1
                                        THEN list(DISTINCT r.year) END AS some_years
                            FROM current_reports r WHERE {q.sql} GROUP BY r.agency_id)
            SELECT a.name AS agency, a.province, a.city, a.county, a.level, a.kind, a.is_government, a.uncertain,
                   a.overridden, a.generated, a.parent, s.aliases, c.reports, c.first_year, c.last_year,
                   CASE WHEN c.some_years IS NOT NULL
                        THEN list_filter(range(c.first_year, c.last_year + 1), lambda y: NOT list_contains(c.some_years, y))
                   END AS missing_years
            FROM chosen c JOIN agencies a USING (agency_id) LEFT JOIN ({_other_spellings("；")}) s USING (agency_id)
            ORDER BY a.province NULLS LAST, a.city NULLS FIRST, a.level, a.name""",
        q.params,
    )


def _other_spellings(separator: str) -> str:
    """A query of each agency's other spellings in one text (by ``separator``, a literal
    of ours): asked once of every agency, not once per agency (few have any; limited to
    the agencies listed, DuckDB worked the list out twice)."""
    return f"""SELECT n.agency_id, string_agg(n.name, '{separator}' ORDER BY n.name) AS aliases
               FROM agency_names n JOIN agencies a USING (agency_id)
               WHERE n.name <> a.name GROUP BY n.agency_id"""


def agency_counts(db: Path, filters: Filters, by: str = "province") -> pd.DataFrame:
    """How many agencies of each level each province (or city, ``by="city"``) has."""
    column = {"province": "r.province", "city": "coalesce(r.city, r.province)"}[by]  # an allow-list
    q = where(filters)
    return run(
        db,
        f"""SELECT coalesce({column}, '地区未知') AS place, coalesce(r.level, '层级未知') AS level,
                   count(DISTINCT r.agency_id) AS agencies
            FROM current_reports r WHERE {q.sql} GROUP BY ALL ORDER BY 1, 2""",
        q.params,
    )


def agencies_to_check(db: Path, filters: Filters) -> pd.DataFrame:
    """Agencies whose region, level or kind is a guess to confirm, or that still need a name."""
    q = where(filters)
    return run(
        db,
        f"""WITH chosen AS (SELECT r.agency_id, count(*) AS reports, min(r.report_id) AS report_id,
                                   any_value(r.source_path) AS source_path
                            FROM current_reports r WHERE {q.sql} AND (r.uncertain OR r.needs_name) GROUP BY r.agency_id)
            SELECT a.name, s.aliases, a.province, a.city, a.county, a.level, a.kind, a.is_government, a.parent, a.note,
                   a.needs_name, c.reports, c.report_id, c.source_path
            FROM chosen c JOIN agencies a USING (agency_id) LEFT JOIN ({_other_spellings(";")}) s USING (agency_id)
            ORDER BY a.needs_name DESC, a.name""",
        q.params,
    )


def shows_generated(db: Path, filters: Filters) -> bool:
    """Whether the filtered reports include generated ones (every page says so at its top)."""
    q = where(filters)
    return bool(
        run(db, f"SELECT coalesce(bool_or(r.generated), FALSE) AS shown FROM current_reports r WHERE {q.sql}", q.params)[
            "shown"
        ].iloc[0]
    )


def latest_years(db: Path, filters: Filters) -> pd.DataFrame:
    """Each agency's latest report year within the filters: where its links lead."""
    q = where(filters)
    return run_large(
        db, f"SELECT r.name AS agency, max(r.year) AS year FROM current_reports r WHERE {q.sql} GROUP BY ALL", q.params
    )


def reports_list(db: Path, filters: Filters, search: str = "", limit: int | None = None) -> pd.DataFrame:
    """The filtered reports whose agency's name contains ``search``, by name and year; the
    first ``limit`` of them when given (a picker lists a thousand, not a million)."""
    q = where(filters)
    cut = f"LIMIT {int(limit)}" if limit is not None else ""
    return run(
        db,
        f"""SELECT r.report_id, r.name AS agency, r.year, r.template, r.published, r.error_count, r.warning_count, r.generated
            FROM current_reports r WHERE {q.sql} AND contains(r.name, ?) ORDER BY r.name, r.year {cut}""",
        [*q.params, search],
    )


def reports_counted(db: Path, filters: Filters, search: str = "") -> int:
    """How many filtered reports' agency names contain ``search``."""
    q = where(filters)
    found = run(db, f"SELECT count(*) AS n FROM current_reports r WHERE {q.sql} AND contains(r.name, ?)", [*q.params, search])
    return int(found["n"].iloc[0])


def reports_named(db: Path, named: Sequence[tuple[str, int]]) -> pd.DataFrame:
    """The current reports of these (agency, year) pairs, whatever the filters: a link names
    its report, and the page shows that one."""
    if not named:
        return pd.DataFrame({"report_id": [], "agency": [], "year": []})
    return run(
        db,
        """SELECT r.report_id, r.name AS agency, r.year FROM current_reports r
           JOIN (SELECT unnest(?) AS name, unnest(?) AS year) USING (name, year) ORDER BY r.name, r.year""",
        [[name for name, _ in named], [int(year) for _, year in named]],
    )


def reports_by_id(db: Path, report_ids: Sequence[int]) -> pd.DataFrame:
    """The agency and year of each of these reports (an import's outcomes link to them)."""
    return run(
        db,
        "SELECT report_id, name AS agency, year FROM reports JOIN agencies USING (agency_id) WHERE list_contains(?, report_id)",
        [[int(i) for i in report_ids]],
    )


def report(db: Path, report_id: int) -> pd.DataFrame:
    return run(
        db,
        """SELECT r.report_id, a.name AS agency, a.generated, r.year, r.template, r.published, r.source_path, r.source_format,
                  r.sha256, r.parser_version, r.loaded_at, r.error_count, r.warning_count, r.agency_name, r.agency_from,
                  a.province, a.city, a.county, a.level, a.kind, a.uncertain, a.note AS agency_note
           FROM reports r JOIN agencies a USING (agency_id) WHERE r.report_id = ?""",
        [report_id],
    )


def report_cells(db: Path, report_id: int) -> pd.DataFrame:
    return run(
        db,
        "SELECT key, value, raw, read_as, location, note, page, box FROM cells WHERE report_id = ?",
        [report_id],
    )


def report_checks(db: Path, report_id: int) -> pd.DataFrame:
    return run(
        db,
        """SELECT c.rule, c.subject, c.status, c.severity, c.expected, c.actual, c.cells, p.year AS compared_year
           FROM checks c LEFT JOIN reports p ON p.report_id = c.related_report_id
           WHERE c.report_id = ? ORDER BY c.status, c.rule, c.subject""",
        [report_id],
    )


def report_issues(db: Path, report_id: int) -> pd.DataFrame:
    return run(
        db, "SELECT severity, rule, message, cells, location FROM issues WHERE report_id = ? ORDER BY severity, rule", [report_id]
    )


def report_findings(db: Path, report_id: int) -> pd.DataFrame:
    """What the annual review found in one report, the most serious first."""
    found = run(
        db,
        """SELECT severity, rule, table_name, row_label, column_label, message, evidence FROM findings
           WHERE report_id = ? ORDER BY list_position(['错误', '提醒', '关注'], severity), rule""",
        [report_id],
    )
    return found.assign(rule_title=found["rule"].map(RULE_TITLES))


def text_repeated(db: Path, report_id: int) -> list[tuple[str, float]]:
    """Each narrative part of the report with the share of its text found in the same
    agency's report of the year before (digits not counted); empty without that report."""
    previous = neighbour_report(db, report_id, -1)
    if previous is None:
        return []
    parts = run(db, "SELECT report_id, part, text FROM report_parts WHERE list_contains(?, report_id)", [[report_id, previous]])
    texts = {(int(r), int(p)): str(t) for r, p, t in zip(parts["report_id"], parts["part"], parts["text"], strict=True)}
    shares = []
    for number in NARRATIVE_PARTS:
        this, last = texts.get((report_id, number)), texts.get((previous, number))
        share = repeated_share(this, last) if this is not None and last is not None else None
        if share is not None:
            shares.append((f"{NUMERALS[number - 1]}、{PARTS[number][0]}", share))
    return shares


def neighbour_report(db: Path, report_id: int, step: int) -> int | None:
    """The same agency's report one year before (step -1) or after (+1)."""
    frame = run(
        db,
        """SELECT o.report_id FROM reports r JOIN reports o ON o.agency_id = r.agency_id AND o.year = r.year + ? AND o.is_current
           WHERE r.report_id = ?""",
        [step, report_id],
    )
    return int(cast("int", frame.iat[0, 0])) if len(frame) else None


def warehouse_version(db: Path) -> str:
    """Changes whenever an ingest publishes a new file: the cache key of every answer."""
    try:
        stat = db.stat()
    except FileNotFoundError:
        return "missing"
    return f"{stat.st_mtime_ns}-{stat.st_size}"


def is_empty(db: Path) -> bool:
    if not db.exists():
        return True
    try:
        return int(cast("int", run(db, "SELECT count(*) FROM reports WHERE is_current").iat[0, 0])) == 0
    except duckdb.Error:
        return True


# ---- The annual review (年报审查) -----------------------------------------------------------------


def _review_bodies(filters: Filters) -> Bodies:
    """The sidebar's filters on the review's bodies (a missing report has no template, so
    the template filter does not apply to them; nor do the years: the review is of one)."""
    return Bodies(filters.provinces, filters.cities, filters.levels, filters.kinds, filters.agencies, filters.include_generated)


def review_status(db: Path, filters: Filters, year: int) -> pd.DataFrame:
    """Each body that should have reported on ``year``: whether it did, and on time."""
    with reading(db) as connection:
        return reporting_status(connection, year=year, bodies=_review_bodies(filters))


def review_findings(db: Path, filters: Filters, year: int) -> pd.DataFrame:
    """The findings of ``year`` for the bodies the filters choose."""
    with reading(db) as connection:
        return audit_findings(connection, Scope(year=year), bodies=_review_bodies(filters))
