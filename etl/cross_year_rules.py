"""The template's identities across years: what one year's report must agree on with the
same agency's report of the year before, and what each check says to a reader."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from etl.template import Version, row_columns, tables


@dataclass(frozen=True)
class CrossYearRule:
    """This year's ``this_year`` should equal last year's ``last_year``, plus this year's
    ``plus`` minus this year's ``minus`` where given; ``version``: both reports use it."""

    rule: str
    subject: str
    this_year: str
    last_year: str
    plus: str | None = None
    minus: str | None = None
    version: Version | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k in (self.this_year, self.plus, self.minus) if k)


#: A year missing from an agency's run of reports.
MISSING_YEAR_RULE = "cross_year_missing_year"

#: What each check across years says, for readers.
CROSS_YEAR_TEXT = {
    "cross_year_carried_over": "本年“上年结转”应等于上年“结转下年度”",
    "cross_year_in_force": "现行有效件数应等于上年现行有效 + 本年制发 − 本年废止（2021 版模板）",
    MISSING_YEAR_RULE: "机关的年度报告不连续（缺少年度）",
}


@cache
def cross_year_rules() -> tuple[CrossYearRule, ...]:
    """上年结转 = last year's 结转下年度 (per column); in the 2021 template, 现行有效件数 =
    last year's 现行有效件数 + 本年制发件数 − 本年废止件数 (规章, 行政规范性文件)."""
    carry = tuple(
        CrossYearRule(
            "cross_year_carried_over",
            f"上年结转｜{column.label}",
            f"requests.carried_over.{column.key}",
            f"requests.carried_forward.{column.key}",
        )
        for column in row_columns(tables("2021")[1].rows[0], with_org_subtotal=True)
    )
    stock = tuple(
        CrossYearRule(
            "cross_year_in_force",
            f"{row.label}｜现行有效件数",
            f"active.{row.key}.in_force",
            f"active.{row.key}.in_force",
            plus=f"active.{row.key}.made",
            minus=f"active.{row.key}.repealed",
            version="2021",
        )
        for row in tables("2021")[0].rows
        if any(column.key == "in_force" for column in row.columns)
    )
    return carry + stock
