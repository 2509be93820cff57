"""Parse one report file into cells, checks and issues: the stages wired together."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from etl.checks import check_identities, issues_from_checks
from etl.document import Cell, FlatText, ReadError, SourceDocument, made_from_fields
from etl.equations import equations
from etl.metadata import Metadata, read_metadata
from etl.narrative import area_sentence, read_parts
from etl.readers import read_document, read_source
from etl.readers.ocr import LOW_CONFIDENCE
from etl.recognise import TableText, detect_version, find_tables, read_table
from etl.report import CellRecord, Issue, ParsedReport, Severity
from etl.resolve import Resolved, RowInput, resolve
from etl.statements import Statement, find_statements
from etl.template import MONEY_BOUNDS, TABLE_NAMES, Row, Table, Version, label_for, row_cells, row_columns, spec_by_key, tables


class NotAReport(ReadError):
    """The file was read but is not an annual report in the standard template."""


def parse_file(path: Path) -> ParsedReport:
    """Parse a report; raises ReadError (or NotAReport) with a plain reason when it cannot."""
    data = read_source(path)
    digest = hashlib.sha256(data).hexdigest()
    document = read_document(path, data)
    return parse_document(document, digest)


def parse_document(document: SourceDocument, sha256: str) -> ParsedReport:
    flat = FlatText.of(document.rows)
    version = detect_version(flat.text)
    found = find_tables(flat, version or "2021")
    if not found:
        raise NotAReport(f"{document.path}：找不到政府信息公开年度报告的表格（没有模板的表头），不是年度报告或内容不完整")
    meta = read_metadata(document)
    if version is None:
        return _best_guess(document, sha256, flat, meta, found)
    return _read_version(document, sha256, flat, meta, version, found)


def _best_guess(
    document: SourceDocument, sha256: str, flat: FlatText, meta: Metadata, found_2021: list[TableText]
) -> ParsedReport:
    """No header tells the template version (headers lost, a table cut off before the
    2021 rows): read the file as each version and keep the one that reads with fewer
    errors, saying that it was guessed."""
    readings = []
    choices: tuple[tuple[Version, list[TableText]], ...] = (("2021", found_2021), ("2019", find_tables(flat, "2019")))
    for version, found in choices:
        report = _read_version(document, sha256, flat, meta, version, found)
        errors = sum(issue.severity == "error" for issue in report.issues)
        readings.append((errors, report))
    report = min(readings, key=lambda reading: reading[0])[1]
    message = f"表头中没有区分模板版本的文字，按读取问题较少的 {report.template} 版模板读取"
    report.issues.insert(0, Issue("warning", "template_guessed", message))
    return report


def _read_version(
    document: SourceDocument, sha256: str, flat: FlatText, meta: Metadata, version: Version, found: list[TableText]
) -> ParsedReport:
    report = ParsedReport(
        document.path,
        sha256,
        document.format,
        meta.agency,
        meta.year,
        version,
        meta.published,
        agency_from=meta.agency_from,
        published_from=meta.published_from,
    )
    subtotals: set[str] = set()
    with_org_subtotal = False
    for table_text in found:
        read_table(flat, table_text)
        with_org_subtotal = with_org_subtotal or table_text.with_org_subtotal
        subtotals |= {key.removesuffix("_subtotal") for key in table_text.rows if key.endswith("_subtotal")}
    eqs = equations(version, with_org_subtotal, frozenset(subtotals))
    _add_missing_tables(report, found, with_org_subtotal)
    spans = [(table.start, table.end) for table in found]
    statements = find_statements(flat.text, spans)
    report.parts = [replace(part, location=flat.location(part.offset)) for part in read_parts(flat.text, spans)]
    report.scope_sentence = area_sentence(report.parts) or ""
    report.scope = "area" if report.scope_sentence else "own"
    for table_text in found:
        inputs = _row_inputs(table_text, version, document.format == "scan")
        resolved = resolve(inputs, eqs)
        open_cells = {key for key, piece in resolved.cells.items() if piece is None}
        pins = {s.keys[0]: float(s.value) for s in statements if s.firm and len(s.keys) == 1 and s.keys[0] in open_cells}
        if pins:  # figures the text states choose among the readings the identities leave open
            resolved = resolve(inputs, eqs, pins)
        _collect(report, table_text, inputs, resolved, flat)
    _compare_statements(report, statements, flat)
    _check_assumed_units(report)
    _add_metadata_issues(report, meta)
    report.checks = check_identities(eqs, report.cells)
    report.issues.extend(issues_from_checks(report.checks))
    if document.format == "scan":
        _check_scan_blanks(report)
    return report


def _check_scan_blanks(report: ParsedReport) -> None:
    """OCR loses lone digits, so a blank it saw counts as 0 only where identities cover the
    cell and every one of them holds (a digit lost from a part and from its total alike
    leaves the row's own sum intact); any other blank is an error naming it."""
    covering: dict[str, list[str]] = {}
    for check in report.checks:
        if check.rule != "signs":
            for key in check.cells:
                covering.setdefault(key, []).append(check.status)
    doubtful = tuple(
        key
        for key, cell in report.cells.items()
        if cell.read_as == "blank" and (not covering.get(key) or any(status != "passed" for status in covering[key]))
    )
    if doubtful:
        message = f"文字识别在 {len(doubtful)} 个单元格中没有读到数字（按 0 计），没有成立的勾稽关系能核实，请对照原件核对"
        report.issues.append(Issue("error", "scan_blank_unverified", message, doubtful))
    # A minus sign is a short stroke OCR drops, and no identity covers 本年增/减.
    unsigned = tuple(
        key
        for key, cell in report.cells.items()
        if cell.value is not None and cell.value > 0 and spec_by_key()[key].column.kind == "signed"
    )
    if unsigned:
        message = f"文字识别读出的 {len(unsigned)} 个“本年增/减”为正数，扫描件上的负号容易漏读，请对照原件核对"
        report.issues.append(Issue("error", "scan_sign_unverified", message, unsigned))


def _table_keys(
    table: Table, with_org_subtotal: bool, rows: tuple[Row, ...] | None = None, local: bool = False
) -> tuple[str, ...]:
    """The keys of a table's rows; ``local`` adds the local variant's subtotal rows and
    column, which an error about a whole table names too (the report may have them)."""
    chosen = table.rows if rows is None else rows
    return tuple(
        f"{table.key}.{row.key}.{col.key}"
        for row in chosen
        if local or not row.optional
        for col in row_columns(row, with_org_subtotal or local)
    )


def _add_missing_tables(report: ParsedReport, found: list[TableText], with_org_subtotal: bool) -> None:
    """A table the file does not have leaves its cells empty, with one error saying so."""
    present = {table_text.table.key for table_text in found}
    order = [table.key for table in tables(report.template)]
    last = found[-1]
    for table in tables(report.template):
        if table.key in present:
            continue
        keys = _table_keys(table, with_org_subtotal)
        for key in keys:
            report.cells[key] = CellRecord(key, None, "", "missing", "")
        if not last.closed and order.index(table.key) > order.index(last.table.key):
            why = f"文件在{TABLE_NAMES[last.table.key]}中就结束了，可能不完整（被截断）"
        else:
            why = "报告中既没有它的标题，也没有它的表头"
        report.issues.append(
            Issue("error", "missing_table", f"{TABLE_NAMES[table.key]}：找不到这张表（{why}），表中各项为空", keys)
        )


def _row_inputs(table_text: TableText, version: Version, scanned: bool = False) -> dict[str, RowInput]:
    """What each template row must hold (keys and kinds) next to the tokens found for it."""
    table = table_text.table
    inputs: dict[str, RowInput] = {}
    if table.key == "appeals":
        keys = tuple(f"appeals.{row.key}.{col.key}" for row in table.rows for col in row.columns)
        kinds = tuple(col.kind for row in table.rows for col in row.columns)
        inputs["*"] = RowInput(keys, kinds, table_text.rows.get("*", []), scanned=scanned)
        return inputs
    cells = row_cells(table)
    for row in table.rows:
        if row.key not in table_text.rows:
            continue
        keys, kinds = cells[row.key, table_text.with_org_subtotal]
        labelled = row.key in table_text.labelled
        inputs[row.key] = RowInput(keys, kinds, table_text.rows[row.key], labelled, scanned)
    return inputs


def _collect(
    report: ParsedReport, table_text: TableText, inputs: dict[str, RowInput], resolved: Resolved, flat: FlatText
) -> None:
    for problem in table_text.problems:
        report.issues.append(Issue("error", problem.rule, problem.message, problem.keys, flat.location(problem.offset)))
    _add_missing_rows(report, table_text, inputs)
    for problem in resolved.problems:
        severity: Severity = "warning" if problem.rule == "extra_value" else "error"
        report.issues.append(Issue(severity, problem.rule, problem.message, problem.keys, flat.location(problem.offset)))
    for row_input in inputs.values():
        for key in row_input.keys:
            piece = resolved.cells.get(key)
            if piece is None:
                raw, offset = resolved.unread.get(key, ("", 0))
                report.cells[key] = CellRecord(key, None, raw, "unreadable", flat.location(offset) if raw else "")
                continue
            value = piece.value
            read_as: str = value.read_as
            note = value.note
            source, where = flat.place(piece.offset)
            if source is not None and source.confidence is not None:
                read_as, note = _ocr_reading(report, key, source, value.read_as, note, where)
            box = source.box if source is not None else None
            report.cells[key] = made_from_fields(CellRecord, (key, value.value, value.raw, read_as, where, note, box))
            if value.note and "万元" not in spec_by_key()[key].column.label:
                report.issues.append(Issue("warning", "unit_assumed", value.note, (key,), where))


def _ocr_reading(report: ParsedReport, key: str, source: Cell, read_as: str, note: str, where: str) -> tuple[str, str]:
    """How a number OCR read is marked: "ocr" with its confidence and any digit repair; one
    OCR is unsure of is an error naming the cell."""
    confidence = source.confidence or 0.0
    parts = [f"文字识别置信度 {confidence:.2f}"]
    if source.original:
        parts.append(f"识别为「{source.original}」，按数字修正为「{source.text}」")
    if note:
        parts.append(note)
    if confidence < LOW_CONFIDENCE:
        message = f"{label_for(key)}：文字识别对「{source.text}」把握不大（置信度 {confidence:.2f}），请对照原件核对"
        report.issues.append(Issue("error", "ocr_uncertain", message, (key,), where))
    return ("recovered" if read_as == "recovered" else "ocr"), "；".join(parts)


def _add_missing_rows(report: ParsedReport, table_text: TableText, inputs: dict[str, RowInput]) -> None:
    """Rows the table lacks: one error for a table with no readable row or one cut off by
    the end of the file, else one per row."""
    table = table_text.table
    name = TABLE_NAMES[table.key]
    if table.key == "appeals":
        missing_rows: list[Row] = [] if inputs["*"].chunks else list(table.rows)
    else:
        missing_rows = [row for row in table.rows if row.key not in inputs and not row.optional]
    if not missing_rows:
        return
    for key in _table_keys(table, table_text.with_org_subtotal, tuple(missing_rows)):
        report.cells[key] = CellRecord(key, None, "", "missing", "")
    if table.key == "appeals":
        inputs.clear()
    present = [row for row in table.rows if row.key in inputs]
    last_present = max((table.rows.index(row) for row in present), default=-1)
    trailing = all(table.rows.index(row) > last_present for row in missing_rows)
    if not present:
        message = f"{name}：找到了表格的标题或表头，但读不出表中的任何一行"
        report.issues.append(Issue("error", "table_unreadable", message, _table_keys(table, True, local=True)))
    elif trailing and not table_text.closed:
        first = missing_rows[0].label
        cut = tuple(table.rows[table.rows.index(missing_rows[0]) :])
        keys = _table_keys(table, table_text.with_org_subtotal, cut, local=True)
        message = f"{name}在文件末尾被截断：从「{first}」起的 {len(missing_rows)} 行都没有，文件可能不完整"
        report.issues.append(Issue("error", "table_cut_off", message, keys))
    else:
        for row in missing_rows:
            keys = _table_keys(table, table_text.with_org_subtotal, (row,))
            report.issues.append(Issue("error", "missing_row", f"{table.label}中找不到「{row.label}」这一行", keys))


#: How a cell confirmed by the report's own words is marked (its note quotes them).
CONFIRMED = "confirmed by text"


def _compare_statements(report: ParsedReport, statements: list[Statement], flat: FlatText) -> None:
    """A figure the narrative states confirms the table's cells, or, where they differ,
    the table stands and a warning quotes the sentence. It never fills an empty cell."""
    for statement in statements:
        cells = [report.cells.get(key) for key in statement.keys]
        if any(cell is None or cell.value is None for cell in cells):
            continue
        table_value = sum(cell.value for cell in cells if cell is not None and cell.value is not None)
        if abs(table_value - statement.value) < 1e-6:
            for key, cell in zip(statement.keys, cells, strict=True):
                if cell is not None and cell.read_as in ("number", "recovered"):
                    report.cells[key] = cell._replace(read_as=CONFIRMED, note=f"正文：{statement.sentence}")
            continue
        labels = "＋".join(label_for(key) for key in statement.keys)
        message = f"正文说“{statement.sentence}”（{statement.value}），表格中{labels}为 {table_value:g}；以表格为准"
        report.issues.append(Issue("warning", "text_disagrees", message, statement.keys, flat.location(statement.offset)))


def _check_assumed_units(report: ParsedReport) -> None:
    """An amount read as 万元 only by assumption must be believable for its row; if it is
    not (251000 printed without 元 would be 25 亿), the cell is an error, not a guess."""
    for bound in MONEY_BOUNDS:
        cell = report.cells.get(bound.key)
        if cell is None or cell.value is None or not cell.note:
            continue
        count = report.cells.get(bound.per) if bound.per else None
        if bound.per and (count is None or not count.value):
            continue
        amount = cell.value / count.value if count and count.value else cell.value
        if bound.low <= amount <= bound.high:
            continue
        per = "每个项目" if bound.per else ""
        message = (
            f"{label_for(bound.key)}「{cell.raw.strip()}」没有注明单位，按万元计{per}为 {amount:g} 万元，"
            "不合常理（可能是“元”），请核对原文"
        )
        report.issues.append(Issue("error", "unit_implausible", message, (bound.key,), cell.location))


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
        report.issues.append(Issue("warning", "published_unknown", "网页上没有发布日期，报告末尾也没有落款日期"))
