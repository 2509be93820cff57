# The README's commands and .ci/run use these targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := data/demo.duckdb

.PHONY: install run demo test test-fast lint bench clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,ocr]'
	touch $(BIN)/activate

install: $(BIN)/activate

$(DEMO_DB): | $(BIN)/activate
	$(BIN)/python -m corpus demo --db $(DEMO_DB)

demo: $(DEMO_DB)

run: demo
	$(BIN)/python -m etl upgrade --db $(DEMO_DB)
	$(BIN)/python -m dashboard.launch app.py --server.address=localhost --server.maxUploadSize=$${GOV_REPORTS_UPLOAD_MB:-50}

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# Everything but the real-browser tests, for the edit-test loop; CI runs `make test`.
test-fast: lint
	$(BIN)/pytest -m "not browser"

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB).lock
