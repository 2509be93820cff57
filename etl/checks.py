"""Check a report's numbers against the template's identities, one result per equation.

A report whose own numbers break an identity is still loaded: officials need to see
real arithmetic errors. Every failed identity becomes an error issue naming its cells.
"""

from __future__ import annotations

from functools import cache

from etl.equations import Equation, sides
from etl.report import CellRecord, CheckResult, CheckStatus, Issue
from etl.template import spec_by_key

RULE_TEXT = {
    "balance": "本年新收 + 上年结转 应等于 办理结果总计 + 结转下年度",
    "outcomes": "办理结果总计 应等于 各项办理结果之和",
    "subtotal": "小计 应等于 其下各项之和",
    "applicants": "总计 应等于 各类申请人之和",
    "org_subtotal": "法人或其他组织小计 应等于 五类组织之和",
    "appeals": "总计 应等于 维持、纠正、其他结果、尚未审结之和",
    "signs": "单元格应为非负整数",
}


def check_identities(equations: list[Equation], cells: dict[str, CellRecord]) -> list[CheckResult]:
    values = {key: cell.value for key, cell in cells.items()}
    results = []
    for eq in equations:
        found = sides(eq, values)
        if found is None:
            results.append(CheckResult(eq.rule, eq.subject, "not_assessable", None, None, eq.keys))
            continue
        stated, summed = found
        status: CheckStatus = "passed" if abs(stated - summed) < 1e-6 else "failed"
        results.append(CheckResult(eq.rule, eq.subject, status, float(stated), float(summed), eq.keys))
    results.append(_check_signs(cells))
    return results


def _check_signs(cells: dict[str, CellRecord]) -> CheckResult:
    """Counts are non-negative whole numbers; only 2019's 本年增/减 may be negative."""
    kinds = _column_kinds()
    bad = []
    for key, cell in cells.items():
        value = cell.value
        if value is None:
            continue
        kind = kinds.get(key)
        if kind == "count" and (value < 0 or float(value) != int(value)) or kind == "money" and value < 0:
            bad.append(key)
    return CheckResult("signs", "*", "failed" if bad else "passed", None, None, tuple(bad))


@cache
def _column_kinds() -> dict[str, str]:
    """Each template key's column kind, looked up for every cell of every report."""
    return {key: spec.column.kind for key, spec in spec_by_key().items()}


def issues_from_checks(results: list[CheckResult]) -> list[Issue]:
    found = []
    for result in results:
        if result.status != "failed":
            continue
        if result.rule == "signs":
            message = "以下单元格应为非负整数：" + "、".join(result.cells)
        else:
            message = (
                f"勾稽关系不成立（{result.subject}）：{RULE_TEXT[result.rule]}；"
                f"报告中为 {_fmt(result.expected)} 对 {_fmt(result.actual)}"
            )
        found.append(Issue(result.severity, result.rule, message, result.cells))
    return found


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
