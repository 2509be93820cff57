"""``python -m corpus generate|demo``: write a generated corpus, or build the demo warehouse."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import click

from corpus.agencies import all_agencies
from corpus.generate import FORMATS, generate, write
from etl.ingest import find_files, ingest

ROOT = Path(__file__).resolve().parents[1]


@click.group()
def main() -> None:
    """Generated reports with known answers, for the demo, the tests and the benchmarks."""


@main.command(name="generate")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder to write reports and their truth into.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--formats", default="txt", show_default=True, help=f"Comma-separated, of {','.join(FORMATS)}.")
def generate_command(out: Path, seed: int, formats: str) -> None:
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    count = sum(1 for report in generate(seed, formats=chosen) if write(report, out))
    click.echo(f"已生成 {count} 份报告到 {out}")


@main.command(name="demo")
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=ROOT / "data" / "demo.duckdb", show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def demo_command(db_path: Path, seed: int) -> None:
    """Build the demo warehouse: the real sample reports plus a generated corpus (marked as generated)."""
    started = time.perf_counter()
    folder = db_path.parent / "generated" / "demo"
    shutil.rmtree(folder, ignore_errors=True)
    real = {"株洲市审计局", "淮安市人民政府"}  # the real samples' agencies are not generated over
    agencies = [agency for agency in all_agencies() if agency.name not in real]
    count = sum(1 for report in generate(seed, agencies=agencies) if write(report, folder))
    db_path.unlink(missing_ok=True)
    samples = ingest(find_files([ROOT / "data" / "samples"]), db_path, workers=2, agencies_csv=ROOT / "data" / "agencies.csv")
    # No agencies.csv for the generated agencies: their region, level and kind are inferred
    # from their names, as a user's would be (tests/test_agencies.py checks each one).
    generated = ingest(find_files([folder]), db_path, generated=True, workers=2)
    failed = samples.counts.get("failed", 0) + generated.counts.get("failed", 0)
    click.echo(
        f"演示数据库 {db_path}：真实样本 {samples.counts.get('loaded', 0)} 份，生成报告 {count} 份，失败 {failed} 份，用时 {time.perf_counter() - started:.0f} 秒"
    )
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
