"""The review's findings as people receive them: the filtered list (the CLI's JSON, the
page's table), who should have reported and who did, and the 问题清单 as Excel and Word."""

from __future__ import annotations

import io
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import duckdb
import pandas as pd
from openpyxl.utils import get_column_letter

from etl.audit.facts import AGENCY_COLUMNS, EVERY_BODY, NAMED, Bodies, owing_sql, rows
from etl.audit.facts import agencies as agency_frame
from etl.audit.finding import Finding
from etl.audit.rules import RULE_TITLES
from etl.audit.run import audit_findings
from etl.audit.timeliness import Deadline, body_kind_sql, deadline_table, due_dates, expected_years, load_deadlines
from etl.warehouse.access import frame_via_arrow


@dataclass(frozen=True)
class Scope:
    """Which findings: a year, a region (province, city, county), a body's name or a town's."""

    year: int | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    search: str | None = None  # part of the body's name (街道、镇 names included)

    def describe(self) -> str:
        place = "".join(p for p in (self.province, self.city, self.county) if p) or "全部地区"
        year = f"{self.year} 年度" if self.year else "全部年度"
        return f"{place}·{year}" + (f"·名称含“{self.search}”" if self.search else "")


#: The 问题清单's columns, in the order a reader reads them.
SHEET_COLUMNS = {
    "agency": "机关",
    "province": "省份",
    "city": "城市",
    "county": "区县",
    "year": "年度",
    "severity": "严重程度",
    "rule_title": "问题类型",
    "table_name": "位置",
    "row_label": "行",
    "column_label": "列",
    "message": "问题说明",
    "evidence": "原文或依据",
    "report_id": "报告编号",
}


def findings(
    connection: duckdb.DuckDBPyConnection,
    scope: Scope = Scope(),
    deadlines: list[Deadline] | None = None,
    bodies: Bodies = EVERY_BODY,
) -> pd.DataFrame:
    """The findings in scope (and of ``bodies``), by body, year and severity, with the
    body's region: those stored at the last ingest, or, given other ``deadlines`` (a
    province's), the audit run again with them (the warehouse is only read)."""
    where, parameters = _where(scope)
    among, among_parameters = bodies.condition("a")
    where, parameters = f"{where} AND {among}", [*parameters, *among_parameters]
    source = "findings"
    if deadlines is not None:
        found = audit_findings(connection, deadlines)
        names = [f.name for f in fields(Finding)]
        live = pd.DataFrame([[getattr(item, name) for name in names] for item in found], columns=names)
        connection.register("live_findings", live.astype({"report_id": "Int64", "year": "int64", "agency_id": "int64"}))
        source = "live_findings"
    # Through Arrow: a year's findings in a whole country are tens of thousands of rows,
    # which pandas receives twice as fast that way (report_id arrives as a float, NaN
    # where none, and is made a nullable integer below).
    frame = frame_via_arrow(
        connection,
        f"""SELECT a.name AS agency, a.agency_key, a.province, a.city, a.county, a.level, a.kind, a.generated, f.*
            FROM {source} f JOIN agencies a USING (agency_id)
            WHERE {where}
            ORDER BY a.province NULLS LAST, a.city NULLS LAST, a.county NULLS LAST, a.name, f.year,
                     list_position(['错误', '提醒', '关注'], f.severity)""",
        parameters,
    )
    if deadlines is not None:
        connection.unregister("live_findings")
    frame["rule_title"] = frame["rule"].map(RULE_TITLES)
    frame["report_id"] = frame["report_id"].astype("Int64")
    return frame


def _where(scope: Scope) -> tuple[str, list[object]]:
    clauses, parameters = ["TRUE"], []
    for column in ("province", "city", "county"):
        value = getattr(scope, column)
        if value:
            clauses.append(f"a.{column} = ?")
            parameters.append(value)
    if scope.year is not None:
        clauses.append("f.year = ?")
        parameters.append(scope.year)
    if scope.search:
        clauses.append("(contains(a.name, ?) OR a.agency_id IN (SELECT agency_id FROM agency_names WHERE contains(name, ?)))")
        parameters += [scope.search, scope.search]
    return " AND ".join(clauses), parameters


def as_json(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The ``audit --json`` contract other tools rely on."""
    return [
        {
            "agency": row.agency,
            "agency_key": row.agency_key,
            "year": int(row.year),
            "report_id": None if pd.isna(row.report_id) else int(row.report_id),
            "rule": row.rule,
            "severity": row.severity,
            "table": row.table_name if isinstance(row.table_name, str) else None,
            "message": row.message,
            "cells": list(row.cells) if row.cells is not None else [],
            "evidence": row.evidence if isinstance(row.evidence, str) else None,
        }
        for row in rows(frame)
    ]


def reporting_status(
    connection: duckdb.DuckDBPyConnection,
    deadlines: list[Deadline] | None = None,
    year: int | None = None,
    bodies: Bodies = EVERY_BODY,
) -> pd.DataFrame:
    """Each body (of ``bodies``) and year (or only ``year``) that should have a report: the
    body, its region, whether it reported, whether by its deadline (NA when it did not or
    its date is unknown)."""
    deadlines = deadlines if deadlines is not None else load_deadlines()
    if year is not None:
        return _status_of_year(connection, deadlines, year, bodies)
    reports = frame_via_arrow(
        connection,
        f"""SELECT agency_id, year::BIGINT AS year, report_id, published, published_from, template FROM reports
            WHERE is_current AND agency_id IN (SELECT agency_id FROM agencies WHERE {NAMED})""",
    )
    named = agency_frame(connection, bodies)
    status = (
        expected_years(named, reports)
        .merge(named, on="agency_id")
        .merge(
            reports[["agency_id", "year", "report_id", "published", "published_from", "template"]],
            on=["agency_id", "year"],
            how="left",
        )
    )
    due = due_dates(status, deadlines)
    published = pd.to_datetime(status["published"])
    # A date before the reported year ended is no publication date: on time is not known.
    judged = status["report_id"].notna() & published.notna() & due.notna() & (published.dt.year > status["year"])
    status["deadline"] = due.dt.date
    status["reported"] = status["report_id"].notna()
    status["on_time"] = (published <= due).astype("boolean").mask(~judged)
    status["report_id"] = status["report_id"].astype("Int64")
    return status


def _status_of_year(connection: duckdb.DuckDBPyConnection, deadlines: list[Deadline], year: int, bodies: Bodies) -> pd.DataFrame:
    """``reporting_status`` of one year, as one question: the review page asks it on every
    filter, and at a million reports working it out in pandas over every body took a
    quarter of a second."""
    owing, params = owing_sql(bodies)
    columns = ", ".join(f"a.{column.strip()}" for column in AGENCY_COLUMNS.split(",") if column.strip() != "agency_id")
    connection.register("review_deadlines", deadline_table(deadlines))
    try:
        frame = frame_via_arrow(
            connection,
            f"""WITH a AS ({owing}),
                 status AS (
                     SELECT a.agency_id::BIGINT AS agency_id, ?::BIGINT AS year, a.reports_from IS NOT NULL AS from_roster,
                            {columns},
                            r.report_id, r.published, r.published_from, r.template,
                            try(make_date(?::BIGINT + 1, coalesce(here.month, anywhere.month), coalesce(here.day, anywhere.day)))
                                AS deadline
                     FROM a
                     LEFT JOIN reports r ON r.agency_id = a.agency_id AND r.is_current AND r.year = ?
                     LEFT JOIN review_deadlines here ON here.body = {body_kind_sql("a")} AND here.province = a.province
                     LEFT JOIN review_deadlines anywhere ON anywhere.body = {body_kind_sql("a")} AND anywhere.province IS NULL)
                SELECT *, report_id IS NOT NULL AS reported,
                       CASE WHEN report_id IS NOT NULL AND published IS NOT NULL AND deadline IS NOT NULL
                                 AND year(published) > year  -- a date before the year ended is no publication date
                            THEN published <= deadline END AS on_time
                FROM status ORDER BY agency_id""",
            [year, *params, year, year, year],
        )
    finally:
        connection.unregister("review_deadlines")
    frame["deadline"] = frame["deadline"].dt.date.astype(object)  # dates, NaT where none applies
    return frame.astype(
        {
            "reports_from": "Int32",
            "reports_to": "Int32",
            "parent": object,
            "report_id": "Int64",
            "on_time": "boolean",
        }
    )


def coverage_table(status: pd.DataFrame, by: str = "year") -> pd.DataFrame:
    """应报, 已报, 未报, 按时, 逾期 and 日期不明 per ``by`` (a year, a province, a city: the
    province's own bodies have none, and count as 省直)."""
    unknown = {"year": None, "city": "省直机关", "county": "市直机关"}.get(by, "地区未知")
    grouped = status.assign(group=status[by].fillna(unknown) if unknown else status[by]).groupby("group")
    table = pd.DataFrame(
        {
            "应报": grouped.size(),
            "已报": grouped["reported"].sum(),
            "按时": grouped["on_time"].agg(lambda s: int(s.fillna(False).sum())),
            "逾期": grouped["on_time"].agg(lambda s: int((~s.fillna(True)).sum())),
        }
    )
    table["未报"] = table["应报"] - table["已报"]
    table["日期不明"] = table["已报"] - table["按时"] - table["逾期"]
    return table.reset_index(names=by)[[by, "应报", "已报", "未报", "按时", "逾期", "日期不明"]].astype(
        {column: "int64" for column in ("应报", "已报", "未报", "按时", "逾期", "日期不明")}
    )


def coverage(
    connection: duckdb.DuckDBPyConnection, scope: Scope = Scope(), deadlines: list[Deadline] | None = None
) -> pd.DataFrame:
    """Per year: 应报 (bodies that should have reported), 已报, 未报, 按时 and 逾期, within
    the scope's region (and name search)."""
    status = _in_scope(reporting_status(connection, deadlines), scope)
    if scope.year is not None:
        status = status[status["year"] == scope.year]
    return coverage_table(status).rename(columns={"year": "年度"})


def _in_scope(bodies: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    chosen = bodies
    for column in ("province", "city", "county"):
        value = getattr(scope, column)
        if value:
            chosen = chosen[chosen[column] == value]
    if scope.search:
        chosen = chosen[chosen["agency"].str.contains(scope.search, regex=False)]
    return chosen


def issue_list_xlsx(frame: pd.DataFrame, scope: Scope) -> bytes:
    """The 问题清单 for Excel: one sheet, one row per finding, header frozen with filters."""
    sheet = frame.reindex(columns=list(SHEET_COLUMNS)).rename(columns=SHEET_COLUMNS)
    sheet["报告编号"] = sheet["报告编号"].astype("Int64")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        sheet.to_excel(writer, index=False, sheet_name="问题清单", freeze_panes=(1, 0))
        work = writer.sheets["问题清单"]
        work.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{len(sheet) + 1}"
        widths = {"机关": 28, "问题类型": 16, "问题说明": 70, "原文或依据": 50}
        for index, name in enumerate(sheet.columns, start=1):
            work.column_dimensions[get_column_letter(index)].width = widths.get(name, 10)
        about = pd.DataFrame(
            {"项目": ["范围", "生成日期", "问题条数"], "内容": [scope.describe(), date.today().isoformat(), str(len(sheet))]}
        )
        about.to_excel(writer, index=False, sheet_name="说明")
    return buffer.getvalue()
