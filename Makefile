# The README's commands. Everything installs into .venv on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
WB := $(VENV)/bin/workbench
PORT ?= 8501
ADDRESS ?= localhost

.PHONY: setup dev run test lint format bench screenshots clean

$(VENV)/.runtime: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.runtime

dev: $(VENV)/.dev

## run: install, create/upgrade db/workbench.db, load seeds/ and serve on $(ADDRESS):$(PORT)
##      (make run ADDRESS=0.0.0.0 lets teammates on the network open it)
run: setup
	$(WB) init
	$(WB) ingest seeds
	$(WB) relink
	$(WB) serve --port $(PORT) --address $(ADDRESS)

## test: lint, type-check and the whole test suite
test: dev lint
	$(PY) -m pytest

lint: dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: every benchmark; results land in benchmarks/results/*.json
bench: dev
	$(PY) -m benchmarks

## screenshots: run the browser tests and save docs/screenshots/*.png of the main pages
screenshots: dev
	WORKBENCH_SCREENSHOTS=1 $(PY) -m pytest -q tests/e2e

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
