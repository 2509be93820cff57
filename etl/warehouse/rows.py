"""A parsed report as the rows the warehouse keeps, column by column.

They are built where the report was parsed (a parse worker), so that the one process
that writes only numbers them and inserts them in bulk: turning two hundred cells a
report into rows was most of the writer's time, and the writer is what the workers wait
for. The reports a worker parses in one go travel together (``RowsBundle``), each table's
rows as one Arrow batch typed by the schemas below (it pickles as its buffers): Arrow
per report cost thirty array conversions and four batches to pickle for every report,
more than the rows themselves. The writer cuts the bundle back into reports (slices
share the buffers), joins the batches and numbers their rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from itertools import chain

import numpy as np
import pyarrow as pa

from etl.report import ParsedReport

#: The columns of each table a report fills, after ``report_id``, and their Arrow types.
_COLUMNS: dict[str, tuple[tuple[str, pa.DataType], ...]] = {
    "cells": (
        ("key", pa.string()),  # table.row.column: its parts are split_part(key, '.', n) where asked
        ("value", pa.float64()),
        ("raw", pa.string()),
        ("read_as", pa.string()),
        ("location", pa.string()),
        ("note", pa.string()),
        ("page", pa.int32()),
        ("box", pa.list_(pa.float64())),  # x0, top, x1, bottom in points on the page
    ),
    "checks": (
        ("rule", pa.string()),
        ("subject", pa.string()),
        ("status", pa.string()),
        ("severity", pa.string()),
        ("expected", pa.float64()),
        ("actual", pa.float64()),
        ("cells", pa.list_(pa.string())),
    ),
    "issues": (
        ("severity", pa.string()),
        ("rule", pa.string()),
        ("message", pa.string()),
        ("cells", pa.list_(pa.string())),
        ("location", pa.string()),
    ),
    "report_parts": (
        ("part", pa.int32()),
        ("heading", pa.string()),
        ("text", pa.string()),
        ("location", pa.string()),
    ),
}
#: The columns of ``reports`` a report fills itself (the writer adds its number, its
#: agency, when it was loaded and whether it is current).
_REPORT_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("year", pa.int32()),
    ("template", pa.string()),
    ("published", pa.date32()),
    ("source_path", pa.string()),
    ("source_format", pa.string()),
    ("sha256", pa.string()),
    ("parser_version", pa.string()),
    ("error_count", pa.int32()),
    ("warning_count", pa.int32()),
    ("agency_name", pa.string()),
    ("agency_from", pa.string()),
    ("published_from", pa.string()),
    ("scope", pa.string()),
    ("scope_sentence", pa.string()),
)
_WRITER_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("report_id", pa.int32()),
    ("agency_id", pa.int32()),
    ("loaded_at", pa.timestamp("us")),
    ("is_current", pa.bool_()),
    ("superseded_at", pa.timestamp("us")),
    ("superseded_by", pa.int32()),
)
TABLES = tuple(_COLUMNS)
#: Columns of those tables that no parsed report fills: the checks across years set them.
FILLED_LATER = {"checks": ("related_report_id",)}


@dataclass(frozen=True)
class ReportRows:
    """One report's rows: its own row of ``reports`` and, per table, its columns as an
    Arrow batch (none yet where a worker made it: its columns travel in a bundle)."""

    source: str
    sha256: str
    agency: str | None
    year: int | None
    report: tuple[object, ...]  # in the order of _REPORT_COLUMNS
    tables: dict[str, pa.RecordBatch]  # table -> its rows, without report_id


Columns = tuple[list[object], ...]


@dataclass(frozen=True)
class RowsBundle:
    """Several reports' rows sent as one: each report without its tables, and per table
    one Arrow batch of all their rows with how many rows each report has in it."""

    reports: list[ReportRows]
    tables: dict[str, pa.RecordBatch]
    counts: dict[str, list[int]]

    def opened(self) -> list[ReportRows]:
        """Each report with its own rows again (zero-copy slices of the bundle's batches)."""
        starts = {name: np.concatenate(([0], np.cumsum(counts))).tolist() for name, counts in self.counts.items()}
        return [
            replace(
                report,
                tables={name: batch.slice(starts[name][i], self.counts[name][i]) for name, batch in self.tables.items()},
            )
            for i, report in enumerate(self.reports)
        ]


def rows_of(report: ParsedReport, parser_version: str) -> ReportRows:
    """The rows of one parsed report, without the numbers only the writer can give."""
    return bundled([columns_of(report, parser_version)]).opened()[0]


def bundled(reports: list[tuple[ReportRows, dict[str, Columns]]]) -> RowsBundle:
    """Reports' rows (as ``columns_of`` gives them) as one bundle, converted to Arrow once.
    No reports (a chunk of files loaded before) send no batches at all: re-ingesting an unchanged
    folder makes nothing but hashes."""
    if not reports:
        return RowsBundle([], {}, {})
    tables: dict[str, pa.RecordBatch] = {}
    counts: dict[str, list[int]] = {}
    for name in TABLES:
        schema = _schema(name)
        counts[name] = [len(columns[name][0]) for _, columns in reports]
        arrays = [
            pa.array(list(chain.from_iterable(columns[name][index] for _, columns in reports)), type)
            for index, type in enumerate(schema.types)
        ]
        tables[name] = pa.RecordBatch.from_arrays(arrays, schema=schema)
    return RowsBundle([report for report, _ in reports], tables, counts)


def columns_of(report: ParsedReport, parser_version: str) -> tuple[ReportRows, dict[str, Columns]]:
    """One parsed report's own row (with no tables yet) and its tables' columns as lists."""
    errors = sum(issue.severity == "error" for issue in report.issues)
    own = (
        report.year,
        report.template,
        report.published,
        report.source,
        report.format,
        report.sha256,
        parser_version,
        errors,
        len(report.issues) - errors,
        report.agency,
        report.agency_from or None,
        report.published_from or None,
        report.scope,
        report.scope_sentence or None,
    )
    cells = list(report.cells.values())
    boxes = [cell.box for cell in cells]
    columns: dict[str, Columns] = {
        "cells": (
            [cell.key for cell in cells],
            [cell.value for cell in cells],
            [cell.raw for cell in cells],
            [cell.read_as for cell in cells],
            [cell.location for cell in cells],
            [cell.note for cell in cells],
            [None if box is None else box.page for box in boxes],
            [None if box is None else [round(v, 1) for v in (box.x0, box.top, box.x1, box.bottom)] for box in boxes],
        ),
        "checks": tuple(
            list(column)
            for column in _columns(
                [(c.rule, c.subject, c.status, c.severity, c.expected, c.actual, list(c.cells)) for c in report.checks], 7
            )
        ),
        "issues": tuple(
            list(column)
            for column in _columns([(i.severity, i.rule, i.message, list(i.cells), i.location) for i in report.issues], 5)
        ),
        "report_parts": tuple(
            list(column) for column in _columns([(p.number, p.heading, p.text, p.location) for p in report.parts], 4)
        ),
    }
    return ReportRows(report.source, report.sha256, report.agency, report.year, own, {}), columns


@cache
def _schema(name: str) -> pa.Schema:
    return pa.schema(list(_COLUMNS[name]))


def schemas() -> dict[str, pa.Schema]:
    """Every table's rows as the writer inserts them, ``report_id`` and the writer's
    columns included: what a test holds against the SQL schema, so that a column added to
    one and not the other fails there rather than stays NULL."""
    found = {name: pa.schema([("report_id", pa.int32()), *_COLUMNS[name]]) for name in TABLES}
    found["reports"] = pa.schema([*_WRITER_COLUMNS, *_REPORT_COLUMNS])
    return found


def _columns(rows: list[tuple[object, ...]], width: int) -> list[tuple[object, ...]]:
    return list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]


def table_batch(name: str, reports: list[ReportRows], ids: list[int]) -> pa.Table:
    """One table's rows of many reports as one Arrow table, each row with its report's
    number (the batches are joined, not copied row by row)."""
    batches = [rows.tables[name] for rows in reports]
    counts = [batch.num_rows for batch in batches]
    table = pa.Table.from_batches(batches, schema=_schema(name))
    numbers = pa.array(np.repeat(np.asarray(ids, dtype=np.int32), counts), pa.int32())
    # One chunk: DuckDB reads a table of many small batches much more slowly than one.
    return table.add_column(0, "report_id", numbers).combine_chunks()


def report_batch(reports: list[ReportRows], writer_values: list[tuple[object, ...]]) -> pa.Table:
    """The ``reports`` rows: what the writer gives (in the order of _WRITER_COLUMNS) and
    what each report filled itself."""
    columns = (*_WRITER_COLUMNS, *_REPORT_COLUMNS)
    rows = [(*given, *report.report) for report, given in zip(reports, writer_values, strict=True)]
    values = _columns(rows, len(columns))
    return pa.Table.from_arrays(
        [pa.array(list(column), type) for column, (_, type) in zip(values, columns, strict=True)],
        names=[name for name, _ in columns],
    )
