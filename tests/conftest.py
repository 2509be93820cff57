"""Fixtures the tests share: real warehouses built from the sample reports and the corpus."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from corpus.agencies import all_agencies
from corpus.generate import generate, write
from etl.ingest import find_files, ingest
from tests.helpers import FIXTURES, ROOT, SAMPLES


@pytest.fixture(autouse=True)
def _no_warming(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard's watcher asks nothing again in tests that do not test it: a test
    counting questions, or republishing a warehouse, would race with it
    (``tests/test_warming.py`` turns it on)."""
    monkeypatch.setenv("GOV_REPORTS_WARM", "0")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def v1_warehouse(tmp_path: Path) -> Path:
    """A warehouse written by schema 1: 株洲市审计局 2019 and 湖南省株洲市审计局 2020 held apart."""
    source = FIXTURES / "warehouse-v1"
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as connection:
        connection.execute((source / "schema.sql").read_text("utf-8"))
        connection.execute((source / "load.sql").read_text("utf-8").replace("@DIR@", str(source)))
    return db


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real samples plus three years of a few generated agencies."""
    folder = tmp_path_factory.mktemp("corpus")
    agencies = [a for a in all_agencies() if a.city == "株洲市" and a.name != "株洲市审计局"][:12]
    for report in generate(3, agencies=agencies):
        write(report, folder)
    db = folder / "warehouse.duckdb"
    ingest(find_files([SAMPLES]), db, agencies_csv=ROOT / "data" / "agencies.csv")
    ingest(find_files([folder]), db, generated=True, workers=2)
    return db
