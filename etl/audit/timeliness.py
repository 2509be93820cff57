"""Rules 1 and 2: was the report published by its deadline, and which bodies have none.

Deadlines are data (``etl/data/deadlines.csv``): the statutory ones of 《政府信息公开条例》
art. 49, and any a province sets earlier, one row each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from etl.audit.facts import rows
from etl.audit.finding import AuditSeverity, Finding
from etl.user_csv import user_csv

DEADLINES_CSV = Path(__file__).resolve().parent.parent / "data" / "deadlines.csv"


@dataclass(frozen=True)
class Deadline:
    body: str  # government, department or township
    province: str | None  # None: the whole country
    month: int
    day: int
    severity: AuditSeverity
    basis: str

    def on(self, year: int) -> date:
        """The deadline for the report on ``year``, in the year after."""
        return date(year + 1, self.month, self.day)


_DEADLINE_COLUMNS = ("body", "province", "month", "day", "severity", "basis")
_BODIES = ("government", "department", "township")


def load_deadlines(extra: Path | None = None) -> list[Deadline]:
    """The statutory deadlines, and a province's own from ``extra`` (a CSV of the same
    columns: one row per body kind and province), which win over them."""
    found = _read_deadlines(DEADLINES_CSV)
    return found + _read_deadlines(extra) if extra is not None else found


def _read_deadlines(path: Path) -> list[Deadline]:
    reader = user_csv(path)
    missing = [column for column in _DEADLINE_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{path}：缺少 {', '.join(missing)} 列（应有列：{', '.join(_DEADLINE_COLUMNS)}）")
    found = []
    for line, row in enumerate(reader, start=2):
        cell = {key: (value or "").strip() for key, value in row.items() if key}
        try:
            deadline = Deadline(
                cell["body"],
                cell["province"] or None,
                int(cell["month"]),
                int(cell["day"]),
                cell["severity"],  # type: ignore[arg-type]
                cell["basis"],
            )
            deadline.on(2000)  # a real date
        except ValueError as error:
            raise ValueError(f"{path} 第 {line} 行：月份或日期无效（{cell['month']}月{cell['day']}日）") from error
        if deadline.body not in _BODIES or deadline.severity not in ("错误", "提醒", "关注"):
            raise ValueError(f"{path} 第 {line} 行：body 应为 {'、'.join(_BODIES)} 之一，severity 应为 错误、提醒 或 关注")
        found.append(deadline)
    return found


def body_kinds(level: pd.Series, is_government: pd.Series) -> np.ndarray:
    """Which deadline applies to each body: a township or street office, a people's
    government of a county or above, or one of their departments (not known to be a
    government: a department)."""
    township = level.eq("乡镇").fillna(False).astype(bool).to_numpy()
    government = is_government.fillna(False).astype(bool).to_numpy()
    return np.where(township, "township", np.where(government, "government", "department"))


def body_kind_sql(alias: str) -> str:
    """``body_kinds`` in SQL, of the agencies table known as ``alias``."""
    return (
        f"CASE WHEN coalesce({alias}.level = '乡镇', FALSE) THEN 'township' "
        f"WHEN coalesce({alias}.is_government, FALSE) THEN 'government' ELSE 'department' END"
    )


def body_kind(level: Any, is_government: Any) -> str:
    """``body_kinds`` of one body."""
    return str(body_kinds(pd.Series([level], dtype=object), pd.Series([is_government], dtype=object))[0])


def deadline_for(deadlines: list[Deadline], body: str, province: Any) -> Deadline | None:
    """A province's own deadline wins over the national one."""
    matching = [d for d in deadlines if d.body == body and d.province in (None, province)]
    matching.sort(key=lambda d: d.province is None)
    return matching[0] if matching else None


def deadline_table(deadlines: list[Deadline]) -> pd.DataFrame:
    """``deadline_for`` as a table a query joins: the deadline (month, day) of each kind
    of body in each province a deadline names, and in the rest of the country (province
    NULL). A body's is its province's row, else its kind's row without a province."""
    provinces = sorted({d.province for d in deadlines if d.province is not None})
    found = [
        (body, province, deadline.month, deadline.day)
        for body in _BODIES
        for province in (None, *provinces)
        if (deadline := deadline_for(deadlines, body, province)) is not None
    ]
    table = pd.DataFrame(found, columns=["body", "province", "month", "day"])
    return table.astype({"body": object, "province": object, "month": "int32", "day": "int32"})


def late_findings(reports: pd.DataFrame, deadlines: list[Deadline]) -> list[Finding]:
    """Reports with no date, dated before their year ended, or published after their
    deadline. Which rows those are is worked out on the columns: walking a million reports
    one by one took 11 s, for a finding on one report in eight."""
    codes, applying = _deadlines_by_body(reports, deadlines)
    published = pd.to_datetime(reports["published"])
    unknown = published.isna().to_numpy()
    has_deadline = np.array([deadline is not None for deadline in applying], dtype=bool)[codes]
    years = reports["year"].to_numpy()
    early = ~unknown & (published.dt.year.to_numpy() <= years)
    stamps = published.to_numpy()
    late = ~unknown & (published.dt.normalize().to_numpy() > _due(years, codes, applying).to_numpy())
    flagged = np.flatnonzero(unknown | (has_deadline & (early | late)))
    agency_ids, report_ids = reports["agency_id"].to_numpy(), reports["report_id"].to_numpy()
    sources = reports["published_from"].to_numpy()
    found = []
    for index in flagged:
        agency_id, year, report_id = int(agency_ids[index]), int(years[index]), int(report_ids[index])
        if unknown[index]:
            message = f"{year} 年度报告：网页上没有发布日期，报告也没有落款日期，无法判断是否按时公布"
            found.append(Finding(agency_id, year, report_id, "published_unknown", "提醒", message))
            continue
        day = pd.Timestamp(stamps[index]).date()
        if early[index]:
            message = f"{year} 年度报告的发布日期 {day:%Y年%m月%d日} 在所报年度结束之前，请核对日期"
            found.append(Finding(agency_id, year, report_id, "published_unknown", "提醒", message))
            continue
        deadline = applying[codes[index]]
        assert deadline is not None  # flagged as late only where one applies
        until = deadline.on(year)
        which = "网页发布日期" if sources[index] == "page" else "落款日期"
        days = (day - until).days
        message = f"{year} 年度报告的{which}为 {day:%Y年%m月%d日}，晚于 {until:%Y年%m月%d日} 的期限 {days} 天"
        found.append(
            Finding(
                agency_id, year, report_id, "published_late", deadline.severity, message, numbers=[days], evidence=deadline.basis
            )
        )
    return found


def expected_years(agencies: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Each body's years that should have a report, and whether a roster says so
    (agencies.csv reports_from/reports_to) or its reports in other years do."""
    if not len(reports):
        return pd.DataFrame(columns=["agency_id", "year", "from_roster"])
    last = int(reports["year"].max())
    first_report = reports.groupby("agency_id")["year"].min()
    roster = agencies["reports_from"].notna()
    start = agencies["reports_from"].where(roster, agencies["agency_id"].map(first_report))
    known = start.notna()
    start = start[known].astype("int64")
    end = agencies.loc[known, "reports_to"].fillna(last).astype("int64")
    counts = (end - start + 1).clip(lower=0).to_numpy()
    steps = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return pd.DataFrame(
        {
            "agency_id": np.repeat(agencies.loc[known, "agency_id"].astype("int64").to_numpy(), counts),
            "year": np.repeat(start.to_numpy(), counts) + steps,
            "from_roster": np.repeat(roster[known].to_numpy(), counts),
        }
    )


def deadlines_of(frame: pd.DataFrame, deadlines: list[Deadline]) -> list[Deadline | None]:
    """The deadline that applies to each row's body (its ``level``, ``is_government`` and
    ``province``)."""
    codes, applying = _deadlines_by_body(frame, deadlines)
    return [applying[code] for code in codes]


def due_dates(frame: pd.DataFrame, deadlines: list[Deadline]) -> pd.Series:
    """The deadline of each row's report (its ``year`` and body), NaT where none applies."""
    codes, applying = _deadlines_by_body(frame, deadlines)
    return _due(frame["year"].to_numpy(), codes, applying).set_axis(frame.index)


def _due(years: np.ndarray, codes: np.ndarray, applying: list[Deadline | None]) -> pd.Series:
    """The deadline of each report on ``years`` whose body's deadline is ``applying[code]``, NaT where none."""
    months = np.array([d.month if d else np.nan for d in applying], dtype=float)
    days = np.array([d.day if d else np.nan for d in applying], dtype=float)
    parts = pd.DataFrame({"year": years + 1, "month": months[codes], "day": days[codes]})
    return pd.to_datetime(parts, errors="coerce")


def _deadlines_by_body(frame: pd.DataFrame, deadlines: list[Deadline]) -> tuple[np.ndarray, list[Deadline | None]]:
    """For each row, the number of its kind of body and province, and the deadline of
    each such number: looked up once per kind and province, not per row (the review asks
    it of every report and of every body that owes one, a million and more)."""
    kinds = body_kinds(frame["level"], frame["is_government"])
    # One text per kind of body and province (no province: a tab alone), told apart at once.
    provinces = frame["province"].astype(object).fillna("")
    marked = pd.Series(kinds, index=frame.index, dtype=object) + "\t" + provinces.where(frame["province"].isna(), "=" + provinces)
    codes, pairs = pd.factorize(marked)
    split = (pair.split("\t", 1) for pair in pairs)
    return codes, [deadline_for(deadlines, kind, province[1:] if province else None) for kind, province in split]


def missing_findings(agencies: pd.DataFrame, reports: pd.DataFrame) -> list[Finding]:
    expected = expected_years(agencies, reports)
    # Compared as one number per (body, year), body * span + year, not as a set of a
    # million pairs (150 MiB); the span lies past every year either side holds.
    have_years, wanted_years = reports["year"].to_numpy(dtype="int64"), expected["year"].to_numpy(dtype="int64")
    span = int(max(have_years.max(initial=0), wanted_years.max(initial=0))) + 1
    have = reports["agency_id"].to_numpy(dtype="int64") * span + have_years
    wanted = expected["agency_id"].to_numpy(dtype="int64") * span + wanted_years
    found = []
    for row in rows(expected[~np.isin(wanted, have)]):
        why = "名单列明该机关应报" if row.from_roster else "该机关其他年度有报告"
        severity: AuditSeverity = "错误" if row.from_roster else "提醒"
        message = f"没有 {row.year} 年度的政府信息公开工作年度报告（{why}）"
        found.append(Finding(int(row.agency_id), int(row.year), None, "report_missing", severity, message))
    return found
