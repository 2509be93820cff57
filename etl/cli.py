"""The command line: ``python -m etl parse|ingest|export|agencies|name|upgrade|audit``. It prints; the library does not."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from etl.agencies_csv import overrides_csv
from etl.agency_inference import JSON_FIELDS
from etl.audit import SEVERITIES
from etl.audit.listing import Scope, coverage, findings, issue_list_xlsx
from etl.audit.listing import as_json as as_json_records
from etl.audit.review_document import review_docx
from etl.audit.timeliness import load_deadlines
from etl.document import ReadError
from etl.edits import rename_report_agency, upgrade
from etl.export import ExportFormat
from etl.export import export as export_table
from etl.ingest import FileOutcome, find_files, ingest
from etl.parse import parse_file
from etl.readers import read_source
from etl.warehouse import SCHEMA_VERSION, WarehouseError, agency_table, connect_readonly, needs_upgrade
from etl.words import STATUS_WORDS

F = TypeVar("F", bound=Callable[..., Any])


class Failure(click.ClickException):
    """A command that cannot do what was asked: its one sentence on stderr, exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


def db_option(must_exist: bool = False) -> Callable[[F], F]:
    """The warehouse file every command but ``parse`` works on."""
    return click.option(
        "--db", "db_path", required=True, type=click.Path(exists=must_exist, path_type=Path), help="The DuckDB warehouse file."
    )


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Show log messages.")
def main(verbose: bool) -> None:
    """Read government information disclosure annual reports into a DuckDB warehouse."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the stable contract).")
def parse(file: Path, as_json: bool) -> None:
    """Parse one report and print its cells and issues.

    Example: python -m etl parse data/samples/zhuzhou-audit-2019.txt --json
    """
    try:
        report = parse_file(file)
    except (ReadError, Exception) as error:  # noqa: B014 - a parser bug too ends in the contract's JSON, not a traceback
        if not isinstance(error, ReadError):
            logging.getLogger(__name__).exception("unexpected error while parsing %s", file)
            error = ReadError(f"{file}：解析时出现内部错误（{type(error).__name__}）")
        if as_json:
            click.echo(json.dumps(_unreadable(file, str(error)), ensure_ascii=False, indent=2))
        else:
            click.echo(str(error), err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{report.agency} {report.year} 年报告（{report.template} 版模板），发布日期 {report.published or '未知'}")
    filled = sum(cell.value is not None for cell in report.cells.values())
    click.echo(f"读取 {filled}/{len(report.cells)} 个单元格；{len(report.issues)} 个问题")
    for issue in report.issues:
        click.echo(f"  [{issue.severity}] {issue.message} {issue.location}".rstrip())


def _unreadable(file: Path, reason: str) -> dict[str, object]:
    import hashlib

    try:
        digest: str | None = hashlib.sha256(read_source(file)).hexdigest()
    except ReadError:
        digest = None
    return {
        "source": str(file),
        "sha256": digest,
        "agency": None,
        "year": None,
        "template": None,
        "published": None,
        "cells": {},
        "issues": [{"severity": "error", "rule": "not_a_report", "message": reason, "cells": [], "location": ""}],
    }


@main.command(name="ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option()
@click.option("--generated", is_flag=True, help="Mark these agencies as generated demo data.")
@click.option("--workers", type=int, default=2, show_default=True, help="Processes that parse in parallel.")
@click.option(
    "--agencies",
    "agencies_csv",
    type=click.Path(exists=True, path_type=Path),
    help="agencies.csv: region, level and kind that win over inference.",
)
@click.option(
    "--wait",
    type=float,
    default=600,
    show_default=True,
    help="Seconds to wait for another ingest into the same warehouse before giving up.",
)
def ingest_command(
    paths: tuple[Path, ...], db_path: Path, generated: bool, workers: int, agencies_csv: Path | None, wait: float
) -> None:
    """Load report files and folders (recursively) into the warehouse.

    Example: python -m etl ingest data/samples --db warehouse.duckdb --agencies data/agencies.csv
    """
    files = find_files(paths)
    if not files:
        click.echo("没有找到报告文件。", err=True)
        sys.exit(1)
    show_bar = sys.stderr.isatty()
    stream: Any = sys.stderr if show_bar else _Null()
    with click.progressbar(length=len(files), label="导入报告", file=stream) as bar:

        def advance(path: Path, outcome: FileOutcome) -> None:
            bar.label = "导入报告"
            bar.update(1)

        def page_read(path: Path, done: int, total: int) -> None:
            bar.label = f"文字识别 {path.name} 第 {done}/{total} 页"
            bar.render_progress()

        try:
            summary = ingest(
                files,
                db_path,
                progress=advance,
                on_page=page_read,
                generated=generated,
                workers=workers,
                agencies_csv=agencies_csv,
                wait=wait,
                on_wait=lambda holder: click.echo(
                    f"另一个导入（进程 {holder or '未知'}）正在写入 {db_path}，等待它完成（最多 {wait:g} 秒）…", err=True
                ),
            )
        except (WarehouseError, ValueError) as error:
            raise Failure(str(error)) from error
    counts = summary.counts
    parts = [f"{STATUS_WORDS[s]} {counts.get(s, 0)}" for s in ("loaded", "replaced", "unchanged", "failed")]
    click.echo(f"读取 {len(files)} 个文件：" + "，".join(parts))
    for failure in summary.failures:
        click.echo(f"  失败：{failure.reason}")
    if counts.get("failed") == len(files):
        sys.exit(1)


class _Null:
    """A file that swallows the progress bar when stderr is not a terminal."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False


@main.command(name="export")
@db_option()
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet"]), default="csv", show_default=True)
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Where to write the table.")
@click.option(
    "--labels",
    type=click.Choice(["keys", "zh"]),
    default="keys",
    show_default=True,
    help="Column headers: stable keys or Chinese labels.",
)
def export_command(db_path: Path, fmt: ExportFormat, out: Path, labels: str) -> None:
    """Write every current report's cells in wide form (one row per report).

    Example: python -m etl export --db warehouse.duckdb --format xlsx --labels zh --out reports.xlsx
    """
    try:
        count = export_table(db_path, fmt, out, chinese_labels=labels == "zh")
    except WarehouseError as error:
        raise Failure(str(error)) from error
    click.echo(f"已导出 {count} 份报告到 {out}")


@main.command(name="agencies")
@db_option()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(path_type=Path),
    help="Write an agencies.csv to correct and give back to ingest --agencies.",
)
@click.option("--uncertain", "only_uncertain", is_flag=True, help="Only the agencies whose guesses need checking.")
def agencies_command(db_path: Path, as_json: bool, csv_out: Path | None, only_uncertain: bool) -> None:
    """List each agency's inferred region, level and kind, and which guesses are uncertain.

    Example: python -m etl agencies --db warehouse.duckdb --uncertain --csv agencies.csv
    """
    try:
        connection = connect_readonly(db_path)
    except WarehouseError as error:
        raise Failure(str(error)) from error
    try:
        table = agency_table(connection)
    finally:
        connection.close()
    if only_uncertain:
        table = table[table["uncertain"]]
    records: list[dict[str, Any]] = [{str(k): _plain(v) for k, v in row.items()} for row in table.to_dict("records")]
    if csv_out is not None:
        csv_out.write_bytes(overrides_csv(records))
        click.echo(f"已写出 {len(records)} 个机关到 {csv_out}；修改后用 ingest --agencies {csv_out} 导入")
        return
    if as_json:
        click.echo(json.dumps([{k: r[k] for k in JSON_FIELDS} for r in records], ensure_ascii=False, indent=2))
        return
    for record in records:
        mark = f"（待确认：{record['note']}）" if record["uncertain"] else ""
        place = "".join(filter(None, (record["province"], record["city"], record["county"]))) or "地区未知"
        also = f"；也写作 {'、'.join(record['aliases'])}" if record["aliases"] else ""
        click.echo(f"{record['name']}：{place}，{record['level'] or '级别未知'}，{record['kind'] or '类别未知'}{also}{mark}")


def _plain(value: object) -> object:
    """pandas' missing values and numpy scalars as JSON's null and plain Python values."""
    if isinstance(value, list | tuple):
        return list(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    return None if value is None or value != value else value  # NaN is not equal to itself


@main.command(name="name")
@db_option(must_exist=True)
@click.argument("report_id", type=int)
@click.argument("agency")
def name_command(db_path: Path, report_id: int, agency: str) -> None:
    """Name the agency of a report (one flagged 待命名, or one named wrongly).

    Example: python -m etl name --db warehouse.duckdb 12 株洲市审计局
    """
    try:
        rename_report_agency(db_path, report_id, agency)
    except (WarehouseError, LookupError) as error:
        raise Failure(str(error.args[0] if error.args else error)) from error
    click.echo(f"报告 {report_id} 的机关已设为 {agency}")


@main.command(name="upgrade")
@db_option(must_exist=True)
def upgrade_command(db_path: Path) -> None:
    """Bring a warehouse written by an older version up to this one's schema.

    Example: python -m etl upgrade --db warehouse.duckdb
    """
    try:
        upgraded = upgrade(db_path)
    except WarehouseError as error:
        raise Failure(str(error)) from error
    click.echo(
        f"{db_path} 已升级到第 {SCHEMA_VERSION} 版结构" if upgraded else f"{db_path} 已是最新结构（第 {SCHEMA_VERSION} 版）"
    )


@main.command(name="audit")
@db_option(must_exist=True)
@click.option("--year", type=int, help="Only this year's reports (and missing reports).")
@click.option("--province", help="Only bodies in this province, e.g. 湖南省.")
@click.option("--city", help="Only bodies in this city, e.g. 株洲市.")
@click.option("--county", help="Only bodies in this county or district.")
@click.option("--search", help="Only bodies whose name contains this (a town or street too).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as one JSON list (the stable contract).")
@click.option("--xlsx", "xlsx_out", type=click.Path(path_type=Path), help="Write the 问题清单 as an Excel file.")
@click.option("--docx", "docx_out", type=click.Path(path_type=Path), help="Write a printable review in Word.")
@click.option("--by-region", is_flag=True, help="In the Word review, group bodies under their region.")
@click.option(
    "--deadlines",
    "deadlines_csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A province's own deadlines (CSV: body, province, month, day, severity, basis); they win over the statutory ones.",
)
def audit_command(
    db_path: Path,
    year: int | None,
    province: str | None,
    city: str | None,
    county: str | None,
    search: str | None,
    as_json: bool,
    xlsx_out: Path | None,
    docx_out: Path | None,
    by_region: bool,
    deadlines_csv: Path | None,
) -> None:
    """The annual review (年报审查): every body's findings, and who has not reported.

    Example: python -m etl audit --db warehouse.duckdb --year 2024 --xlsx 问题清单.xlsx
    """
    scope = Scope(year, province, city, county, search)
    try:
        if needs_upgrade(db_path):
            raise Failure(f"{db_path} 是旧版结构，请先运行：python -m etl upgrade --db {db_path}")
        deadlines = load_deadlines(deadlines_csv) if deadlines_csv is not None else None
        connection = connect_readonly(db_path)
        try:
            frame, covered = findings(connection, scope, deadlines), coverage(connection, scope, deadlines)
        finally:
            connection.close()
        if xlsx_out is not None:
            xlsx_out.parent.mkdir(parents=True, exist_ok=True)
            xlsx_out.write_bytes(issue_list_xlsx(frame, scope))
        if docx_out is not None:
            docx_out.parent.mkdir(parents=True, exist_ok=True)
            docx_out.write_bytes(review_docx(frame, scope, covered, by_region))
    except (WarehouseError, OSError, ValueError) as error:
        raise Failure(str(error)) from error
    if as_json:
        click.echo(json.dumps(as_json_records(frame), ensure_ascii=False, indent=1))
        return
    click.echo(f"年报审查（{scope.describe()}）")
    for row in covered.itertuples(index=False):
        click.echo(f"  {row[0]} 年度：应报 {row[1]}，已报 {row[2]}，未报 {row[3]}，按时 {row[4]}，逾期 {row[5]}")
    counts = frame["severity"].value_counts()
    click.echo(f"问题 {len(frame)} 条：" + "，".join(f"{s} {int(counts.get(s, 0))}" for s in SEVERITIES))
    for out in (xlsx_out, docx_out):
        if out is not None:
            click.echo(f"已写入 {out}")
