"""Rules 4 and 5: tables that do not add up (the template's identities, the checks
across years) and text that states other figures than the tables."""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from etl.audit.facts import JUDGED
from etl.audit.finding import TEXT, AuditSeverity, Finding, cell_words, figure, placed
from etl.checks import RULE_TEXT
from etl.cross_year_rules import CROSS_YEAR_TEXT, MISSING_YEAR_RULE

_QUOTED = re.compile(r"正文说“(?P<sentence>.*?)”（(?P<stated>[\d.]+)）.*?为 (?P<table>[\d.]+)")


def sums_findings(connection: duckdb.DuckDBPyConnection, reports: pd.DataFrame) -> list[Finding]:
    owners = reports.set_index("report_id")[["agency_id", "year"]]
    years = reports.set_index("report_id")["year"]
    rows = connection.execute(
        f"""SELECT report_id, rule, subject, expected, actual, cells, related_report_id FROM checks
            WHERE status = 'failed' AND rule <> ? AND {JUDGED} ORDER BY report_id, rowid""",
        [MISSING_YEAR_RULE],
    ).fetchall()
    found = []
    for report_id, rule, _subject, expected, actual, cells, related in rows:
        if report_id not in owners.index:
            continue
        agency_id, year = (int(v) for v in owners.loc[report_id])
        cells = list(cells or [])
        if rule == "signs":
            names = "、".join(f"「{cell_words(key)}」" for key in cells[:4])
            message = f"{names}{'等' if len(cells) > 4 else ''}应为非负整数"
            found.append(Finding(agency_id, year, report_id, "table_sums", "错误", message, placed(cells[0])[0], cells=cells))
            continue
        table, row_label, column_label = placed(cells[0]) if cells else (None, None, None)
        where = f"{table}「{row_label}｜{column_label}」"
        severity: AuditSeverity
        if rule in CROSS_YEAR_TEXT:
            last = years.get(related, year - 1)
            code, severity = "cross_year", "提醒"
            message = f"{where}为 {figure(actual)}，按上年（{last} 年度）报告应为 {figure(expected)}：{CROSS_YEAR_TEXT[rule]}"
        else:
            code, severity = "table_sums", "错误"
            message = f"{where}填 {figure(expected)}，而各分项合计为 {figure(actual)}：{RULE_TEXT[rule]}"
        finding = Finding(
            agency_id,
            year,
            report_id,
            code,
            severity,
            message,
            table,
            row_label,
            column_label,
            cells,
            _numbers(expected, actual),
        )
        found.append(finding)
    return found


def text_findings(connection: duckdb.DuckDBPyConnection, reports: pd.DataFrame) -> list[Finding]:
    """Figures the narrative states clearly that differ from the tables (found by the
    parser, which quotes the sentence)."""
    owners = reports.set_index("report_id")[["agency_id", "year"]]
    rows = connection.execute(
        f"SELECT report_id, message, cells, location FROM issues WHERE rule = 'text_disagrees' AND {JUDGED} ORDER BY report_id, rowid"
    ).fetchall()
    found = []
    for report_id, message, cells, location in rows:
        if report_id not in owners.index:
            continue
        agency_id, year = (int(v) for v in owners.loc[report_id])
        match = _QUOTED.search(message)
        numbers = [float(match["stated"]), float(match["table"])] if match else []
        table, row_label, column_label = placed(cells[0]) if cells else (None, None, None)
        found.append(
            Finding(
                agency_id,
                year,
                int(report_id),
                "text_disagrees",
                "错误",
                f"{message.removesuffix('；以表格为准')}（{table}）",
                TEXT,
                row_label,
                column_label,
                list(cells or []),
                numbers,
                match["sentence"] if match else None,
                location or None,
            )
        )
    return found


def _numbers(*values: float | None) -> list[float]:
    return [float(v) for v in values if v is not None]
