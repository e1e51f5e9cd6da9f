# The README's two commands (`make run`, `make test`) and helpers. Everything installs from here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ARCHIVE ?= archive

.PHONY: setup run test lint typecheck unit golden clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

## run: sources/ -> archive/ -> dist/
run: setup
	mkdir -p dist
	$(BIN)/archiver --archive $(ARCHIVE) build sources/ --out dist
	$(BIN)/archiver --archive $(ARCHIVE) list --json > dist/catalog.json
	@echo "archive: $(ARCHIVE)/  exports and catalog: dist/"

## test: lint, type check and the test suite
test: setup lint typecheck unit

lint:
	$(BIN)/ruff check archiver tests scripts
	$(BIN)/ruff format --check archiver tests scripts

typecheck:
	$(BIN)/mypy archiver

unit:
	$(BIN)/pytest -q

## golden: regenerate golden files, then review them with `git diff tests/golden`
golden: setup
	$(BIN)/pytest -q tests/test_golden.py --update-golden

clean:
	rm -rf $(VENV) $(ARCHIVE) dist/*.epub dist/*.pdf dist/*.json .mypy_cache .ruff_cache .pytest_cache
