"""Parse one report file into cells, checks and issues: the stages wired together."""

from __future__ import annotations

import hashlib
from pathlib import Path

from etl.checks import check_identities, issues_from_checks
from etl.document import FlatText, ReadError, SourceDocument
from etl.identities import equations
from etl.metadata import Metadata, read_metadata
from etl.readers import read_document
from etl.recognise import TableText, detect_version, find_tables, read_table
from etl.report import CellRecord, Issue, ParsedReport, Severity
from etl.resolve import Resolved, RowInput, resolve
from etl.template import Version, row_columns, spec_by_key

_TABLE_NAMES = {
    "active": "表二（主动公开政府信息情况）",
    "requests": "表三（收到和处理政府信息公开申请情况）",
    "appeals": "表四（行政复议、行政诉讼情况）",
}


class NotAReport(ReadError):
    """The file was read but is not an annual report in the standard template."""


def parse_file(path: Path) -> ParsedReport:
    """Parse a report; raises ReadError (or NotAReport) with a plain reason when it cannot."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(f"{path}：无法打开文件（{error.strerror}）") from error
    digest = hashlib.sha256(data).hexdigest()
    document = read_document(path, data)
    return parse_document(document, digest)


def parse_document(document: SourceDocument, sha256: str) -> ParsedReport:
    flat = FlatText.of(document.rows)
    version = detect_version(flat.text)
    if version is None:
        raise NotAReport(f"{document.path}：找不到政府信息公开年度报告的表格（没有模板的表头），不是年度报告或内容不完整")
    found = find_tables(flat, version)
    _require_tables(document.path, found)
    meta = read_metadata(document)
    report = ParsedReport(
        document.path, sha256, document.format, meta.agency, meta.year, version, meta.published, agency_from=meta.agency_from
    )
    subtotals: set[str] = set()
    with_org_subtotal = False
    for table_text in found:
        read_table(flat, table_text)
        with_org_subtotal = with_org_subtotal or table_text.with_org_subtotal
        subtotals |= {key.removesuffix("_subtotal") for key in table_text.rows if key.endswith("_subtotal")}
    eqs = equations(version, with_org_subtotal, frozenset(subtotals))
    for table_text in found:
        inputs = _row_inputs(table_text, version)
        resolved = resolve(inputs, eqs)
        _collect(report, table_text, inputs, resolved, flat)
    _add_metadata_issues(report, meta)
    report.checks = check_identities(eqs, report.cells)
    report.issues.extend(issues_from_checks(report.checks))
    return report


def _require_tables(path: str, found: list[TableText]) -> None:
    present = {table.table.key for table in found}
    missing = [name for key, name in _TABLE_NAMES.items() if key not in present]
    if missing:
        raise NotAReport(f"{path}：缺少{'、'.join(missing)}，文件可能不完整（被截断）或不是年度报告")


def _row_inputs(table_text: TableText, version: Version) -> dict[str, RowInput]:
    """What each template row must hold (keys and kinds) next to the tokens found for it."""
    table = table_text.table
    inputs: dict[str, RowInput] = {}
    if table.key == "appeals":
        keys = tuple(f"appeals.{row.key}.{col.key}" for row in table.rows for col in row.columns)
        kinds = tuple(col.kind for row in table.rows for col in row.columns)
        inputs["*"] = RowInput(keys, kinds, table_text.rows.get("*", []))
        return inputs
    for row in table.rows:
        if row.key not in table_text.rows:
            continue
        columns = row_columns(row, table_text.with_org_subtotal)
        keys = tuple(f"{table.key}.{row.key}.{col.key}" for col in columns)
        labelled = row.key in table_text.labelled
        inputs[row.key] = RowInput(keys, tuple(col.kind for col in columns), table_text.rows[row.key], labelled)
    return inputs


def _collect(
    report: ParsedReport, table_text: TableText, inputs: dict[str, RowInput], resolved: Resolved, flat: FlatText
) -> None:
    table = table_text.table
    for message, keys, offset in table_text.problems:
        report.issues.append(Issue("error", "unexpected_rows", message, tuple(keys), flat.location(offset)))
    for row in table.rows:
        if row.key in inputs or row.optional or table.key == "appeals":
            continue
        missing = tuple(f"{table.key}.{row.key}.{col.key}" for col in row_columns(row, table_text.with_org_subtotal))
        for key in missing:
            report.cells[key] = CellRecord(key, None, "", "missing", "")
        report.issues.append(Issue("error", "missing_row", f"{table.label}中找不到「{row.label}」这一行", missing))
    for rule, message, keys, offset in resolved.problems:
        severity: Severity = "warning" if rule == "extra_value" else "error"
        report.issues.append(Issue(severity, rule, message, tuple(keys), flat.location(offset)))
    for row_input in inputs.values():
        for key in row_input.keys:
            piece = resolved.cells.get(key)
            if piece is None:
                raw, offset = resolved.unread.get(key, ("", 0))
                report.cells[key] = CellRecord(key, None, raw, "unreadable", flat.location(offset) if raw else "")
                continue
            value = piece.value
            report.cells[key] = CellRecord(key, value.value, value.raw, value.read_as, flat.location(piece.offset), value.note)
            if value.note and "万元" not in spec_by_key()[key].column.label:
                report.issues.append(Issue("warning", "unit_assumed", value.note, (key,), flat.location(piece.offset)))


def _add_metadata_issues(report: ParsedReport, meta: Metadata) -> None:
    where = {"file name": "文件名", "folder": "文件夹名"}
    if report.agency is None:
        message = "报告标题、落款、文件名和文件夹名中都找不到发布机关的名称；已暂存为“待命名”，请为它命名（python -m etl name）"
        report.issues.append(Issue("warning", "agency_unknown", message))
    elif meta.agency_from in where:
        report.issues.append(Issue("warning", "agency_from_path", f"机关名称取自{where[meta.agency_from]}：{report.agency}"))
    if report.year is None:
        report.issues.append(Issue("error", "year_unknown", "报告中找不到所属年度"))
    elif meta.year_from in where:
        report.issues.append(Issue("warning", "year_from_path", f"所属年度取自{where[meta.year_from]}：{report.year}"))
    if report.published is None:
        report.issues.append(Issue("warning", "published_unknown", "报告末尾没有落款日期"))
