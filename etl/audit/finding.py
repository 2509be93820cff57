"""A finding of the annual review: what an office writes in its 问题清单 for one body's
report (or for a report that is missing), with the rule, how serious it is, where in the
report, the figures compared and the words quoted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from etl.template import spec_by_key

AuditSeverity = Literal["错误", "提醒", "关注"]
SEVERITIES: tuple[AuditSeverity, ...] = ("错误", "提醒", "关注")
#: Where in a report a finding stands: its three tables, or its text.
TABLE_OF_PART = {"active": "表二", "requests": "表三", "appeals": "表四"}
TEXT = "正文"


@dataclass(frozen=True, slots=True)  # slots: an audit of a million reports holds 440,000 of them
class Finding:
    agency_id: int
    year: int
    report_id: int | None  # None for a report that is missing
    rule: str
    severity: AuditSeverity
    message: str
    table_name: str | None = None  # 表二, 表三, 表四, 正文, or None for the report as a whole
    row_label: str | None = None
    column_label: str | None = None
    cells: list[str] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)  # the figures compared, in the message's order
    evidence: str | None = None  # the words quoted, or the rule's basis
    location: str | None = None


def placed(key: str) -> tuple[str | None, str | None, str | None]:
    """The table, row and column of a template key, in the report's own words."""
    spec = spec_by_key().get(key)
    table = TABLE_OF_PART.get(key.split(".", 1)[0])
    if spec is None:
        return table, None, None
    return table, spec.row.label, spec.column.label


def figure(value: float | None) -> str:
    """A count or amount as the report would print it: 3,119, 12.5, —."""
    if value is None:
        return "—"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def cell_words(key: str) -> str:
    """A cell as a reader finds it in the report: its row, then its column."""
    _, row, column = placed(key)
    if row is None:
        return key
    return row if column in (None, row) else f"{row}｜{column}"
