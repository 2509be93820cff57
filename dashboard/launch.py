"""Start the dashboard with what its pages import already imported.

Streamlit runs ``app.py`` only when the first visitor comes, so that visitor waited for
pandas, plotly, DuckDB and the dashboard's own modules to load: 1.3 s more than the next
visitor on a two-core server, before a chart showed. Here they are imported before the
server starts listening (in this thread: two threads importing one package's modules at
once can deadlock on the import locks), and plotly draws one figure it throws away (its
first figure loads the checks for every property it has).

``python -m dashboard.launch ARGS`` is ``streamlit run ARGS`` with that done first.
"""

from __future__ import annotations

import ast
import importlib
import logging
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
#: The scripts Streamlit runs; what they import at their top is what a first visit loads.
SCRIPTS = (ROOT / "app.py", *sorted((ROOT / "views").glob("*.py")))


def imported_by(scripts: tuple[Path, ...] = SCRIPTS) -> list[str]:
    """The modules the scripts import at their top level (a page's lazy imports stay lazy:
    they are lazy because few visits need them), each once, in order."""
    names: dict[str, None] = {}
    for script in scripts:
        for node in ast.parse(script.read_text("utf-8")).body:
            if isinstance(node, ast.Import):
                names.update(dict.fromkeys(alias.name for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module != "__future__":
                names[node.module] = None
    return list(names)


def warm(modules: list[str]) -> float:
    """Import ``modules`` and draw a figure; the seconds it took. A module that fails to
    import is left for the page that needs it to report, as it would have."""
    started = time.perf_counter()
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # the page importing it shows the error to its visitor
            log.warning("could not import %s ahead of the first visit", name, exc_info=True)
    try:
        import plotly.express as px

        px.bar(x=[1, 2], y=[1, 2], color=["a", "b"]).to_plotly_json()
    except Exception:
        log.warning("could not draw a figure ahead of the first visit", exc_info=True)
    return time.perf_counter() - started


def main(arguments: list[str]) -> None:
    """``streamlit run`` with ``arguments``, once the pages' modules are loaded."""
    warm(imported_by())
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *arguments]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
