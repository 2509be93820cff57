"""Paths to the real sample reports and fixtures, and small helpers the tests share."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import answers
from etl.warehouse import connect_readonly

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ZHUZHOU = SAMPLES / "zhuzhou-audit-2019.txt"
PINGTAN = SAMPLES / "pingtan-2021.txt"
APP = str(ROOT / "app.py")


def truth(name: str) -> dict[str, object]:
    return json.loads((FIXTURES / f"{name}.truth.json").read_text("utf-8"))


def sql(db: Path, query: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    connection = connect_readonly(db)
    try:
        return connection.execute(query, params or []).fetchall()
    finally:
        connection.close()


def open_page(
    db: Path,
    page: str,
    monkeypatch: pytest.MonkeyPatch,
    state: dict[str, object] | None = None,
    params: dict[str, str] | None = None,
) -> AppTest:
    monkeypatch.setenv("GOV_REPORTS_DB", str(db))
    answers.forget()
    app = AppTest.from_file(APP, default_timeout=90)
    for key, value in (state or {}).items():
        app.session_state[key] = value
    app.run()
    app.switch_page(f"views/{page}.py")
    for key, value in (params or {}).items():  # as a shared link opens the page
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app
