"""Rules 3 and 6: the template the report uses, whether its tables are whole and legible,
and whether its text has the parts the template requires."""

from __future__ import annotations

import re
from typing import Any

import duckdb
import pandas as pd

from etl.audit.facts import JUDGED, grouped, rows
from etl.audit.finding import TEXT, AuditSeverity, Finding, cell_words, placed
from etl.narrative import NUMERALS, PARTS
from etl.template import INCOMPLETE_RULES, TABLE_NAMES

#: A part 五 that says only this says nothing.
_EMPTY_WORDS = re.compile(r"^(?:无|暂无|没有|无其他|本年度无|无相关情况)?$")


def template_findings(reports: pd.DataFrame) -> list[Finding]:
    old = reports[(reports["year"] >= 2021) & (reports["template"] == "2019")]
    return [
        Finding(
            int(row.agency_id),
            int(row.year),
            int(row.report_id),
            "old_template",
            "错误",
            f"{row.year} 年度报告仍使用 2019 版表格，应使用 2021 版格式（国办公开办函〔2021〕30号）",
        )
        for row in rows(old)
    ]


def incomplete_findings(connection: duckdb.DuckDBPyConnection, reports: pd.DataFrame) -> list[Finding]:
    """Tables, rows or columns the report lacks (the partial reports' issues), and cells
    no reading could settle."""
    owners = reports.set_index("report_id")[["agency_id", "year"]]
    rules = [*INCOMPLETE_RULES, "missing_row"]
    rows = connection.execute(
        f"SELECT report_id, rule, message, cells, location FROM issues WHERE list_contains(?, rule) AND {JUDGED} ORDER BY report_id, rowid",
        [rules],
    ).fetchall()
    found = []
    for report_id, _rule, message, cells, location in rows:
        if report_id not in owners.index:
            continue
        agency_id, year = owners.loc[report_id]
        table = placed(cells[0])[0] if cells else None
        found.append(
            Finding(
                int(agency_id),
                int(year),
                int(report_id),
                "table_incomplete",
                "错误",
                message,
                table,
                cells=list(cells or []),
                location=location or None,
            )
        )
    unreadable = connection.execute(
        f"""SELECT report_id, split_part(key, '.', 1) AS table_key, list(key ORDER BY key) FROM cells
            WHERE read_as = 'unreadable' AND {JUDGED} GROUP BY ALL ORDER BY report_id, table_key"""
    ).fetchall()
    for report_id, table_key, keys in unreadable:
        if report_id not in owners.index:
            continue
        agency_id, year = owners.loc[report_id]
        shown = "、".join(f"「{cell_words(key)}」" for key in keys[:3])
        more = f"等 {len(keys)} 个单元格" if len(keys) > 3 else ""
        message = f"{TABLE_NAMES[table_key]}中{shown}{more}读不出确定的数字，请对照原件核实"
        found.append(
            Finding(
                int(agency_id),
                int(year),
                int(report_id),
                "cells_unreadable",
                "提醒",
                message,
                placed(keys[0])[0],
                cells=list(keys),
            )
        )
    return found


def parts_findings(connection: duckdb.DuckDBPyConnection, reports: pd.DataFrame) -> list[Finding]:
    """Parts missing, part 五 empty, part 六 silent on 信息处理费 (2021 template). Reports
    loaded before their text was kept (scope unknown) are not judged."""
    read = reports[reports["scope"].notna()]
    incomplete = connection.execute(
        f"SELECT DISTINCT report_id FROM issues WHERE list_contains(?, rule) AND {JUDGED}", [list(INCOMPLETE_RULES)]
    ).fetchall()
    cut = {int(row[0]) for row in incomplete}
    # The parts are streamed report by report (a million reports' text does not fit in
    # memory), beside the reports in the same order.
    streamed = grouped(
        connection, f"SELECT report_id, part, text, location FROM report_parts WHERE {JUDGED} ORDER BY report_id, part"
    )
    pending = next(streamed, None)
    found = []
    for row in rows(read.sort_values("report_id")):
        report_id = int(row.report_id)
        while pending is not None and pending[0] < report_id:
            pending = next(streamed, None)
        parts = pending[1] if pending is not None and pending[0] == report_id else []
        text = {int(part): str(words) for _, part, words, _ in parts}
        where = {int(part): str(location or "") for _, part, _, location in parts}
        missing = [number for number in PARTS if number not in text]
        # Parts 二 to 四 are the tables, whose absence the table rules report.
        # A file whose tables are cut off has lost what follows them, which its own finding says.
        for number in (n for n in missing if n == 1 or (n in (5, 6) and report_id not in cut)):
            heading = f"{NUMERALS[number - 1]}、{PARTS[number][0]}"
            found.append(_text_finding(row, "part_missing", "错误", f"报告中找不到第{NUMERALS[number - 1]}部分「{heading}」"))
        five = text.get(5)
        if five is not None and _EMPTY_WORDS.match(re.sub(r"[\s。．.，,；;：:]", "", five)):
            quoted = five.strip() or "（空白）"
            message = f"第五部分「存在的主要问题及改进情况」没有内容（原文：{quoted}）"
            found.append(_text_finding(row, "part_five_empty", "错误", message, evidence=quoted, location=where.get(5)))
        six = text.get(6)
        if row.template == "2021" and six is not None and "信息处理费" not in six:
            message = "第六部分「其他需要报告的事项」没有说明是否收取信息处理费（2021 版格式的要求）"
            found.append(_text_finding(row, "fee_not_stated", "提醒", message, evidence=six[:120] or None, location=where.get(6)))
    return found


def _text_finding(
    row: Any, rule: str, severity: AuditSeverity, message: str, evidence: str | None = None, location: str | None = None
) -> Finding:
    """A finding on the report's text (正文)."""
    report = (int(row.agency_id), int(row.year), int(row.report_id))
    return Finding(*report, rule, severity, message, TEXT, evidence=evidence, location=location)
