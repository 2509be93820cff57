"""Shared paths and helpers for the tests: real sample reports and derived fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ZHUZHOU = SAMPLES / "zhuzhou-audit-2019.txt"
PINGTAN = SAMPLES / "pingtan-2021.txt"


def truth(name: str) -> dict[str, object]:
    return json.loads((FIXTURES / f"{name}.truth.json").read_text("utf-8"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"
