"""The dashboard's start: what the pages import at their top is imported before the first
visit (the browser tests start the dashboard this way, as `make run` does)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from dashboard.launch import SCRIPTS, imported_by, warm


def test_a_first_visit_loads_what_the_scripts_import_at_their_top_and_nothing_they_import_late(tmp_path: Path) -> None:
    first, second = tmp_path / "first.py", tmp_path / "second.py"
    first.write_text(
        "from __future__ import annotations\nimport pandas as pd, json\nfrom dashboard import answers\n"
        "from . import sibling\n\ndef later():\n    import zipfile\n",
        "utf-8",
    )
    second.write_text("import json\nfrom etl.template import tables\n", "utf-8")
    assert imported_by((first, second)) == ["pandas", "json", "dashboard", "etl.template"]


def test_the_real_pages_libraries_and_the_dashboards_modules_are_imported_ahead(caplog: pytest.LogCaptureFixture) -> None:
    assert len(SCRIPTS) > 10 and SCRIPTS[0].name == "app.py"
    modules = imported_by()
    assert {"streamlit", "pandas", "plotly.express", "dashboard.answers", "dashboard.charts"} <= set(modules)
    with caplog.at_level(logging.WARNING, logger="dashboard.launch"):
        assert warm(modules) >= 0
    assert caplog.records == []  # every one of them imports, and the figure draws
    assert all(name in sys.modules for name in modules)


def test_a_module_that_cannot_be_imported_is_named_and_the_others_are_still_imported(caplog: pytest.LogCaptureFixture) -> None:
    assert "tabnanny" not in sys.modules
    with caplog.at_level(logging.WARNING, logger="dashboard.launch"):
        warm(["no_such_module_anywhere", "tabnanny"])
    assert "tabnanny" in sys.modules
    assert [record.getMessage() for record in caplog.records] == [
        "could not import no_such_module_anywhere ahead of the first visit"
    ]
