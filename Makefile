# The README's two commands (`make run`, `make test`) and helpers. Everything installs from here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ARCHIVE ?= archive

.PHONY: setup run test lint typecheck unit golden eval a11y screenshot previews bench load clean

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
	@echo "archive: $(ARCHIVE)/  exports and catalog: dist/  reading room: $(BIN)/archiver --archive $(ARCHIVE) serve, then open http://127.0.0.1:8080/"

## test: lint, type check and the test suite
test: setup lint typecheck unit

lint:
	$(BIN)/ruff check archiver tests scripts
	$(BIN)/ruff format --check archiver tests scripts

typecheck:
	$(BIN)/mypy archiver

unit:
	$(BIN)/pytest -q

## eval: ingest the labelled corpus (tests/eval/truth.tsv, ../shared/eval-corpus) and score it (EVAL_ARGS="--slice 24 --json")
eval: setup
	$(BIN)/python scripts/eval.py $(EVAL_ARGS)

## a11y: DAISY Ace (npm @daisy/ace-cli, Debian chromium) on the edition of everything: no violations
a11y: run
	bash scripts/system-deps.sh browser
	cd tools/ace && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	rm -rf build/ace
	PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium tools/ace/node_modules/.bin/ace-cli -f -s -o build/ace $(firstword $(wildcard dist/*.epub))
	$(BIN)/python scripts/ace_check.py build/ace/report.json

## screenshot: the seed article as an e-reader page (docs/img/seed-ereader.png)
screenshot: run
	bash scripts/system-deps.sh browser
	$(BIN)/python scripts/ereader_screenshot.py dist/epub/2019-04_*_a0c17ae2.epub docs/img/seed-ereader.png

## previews: PNG pages of the PDFs for the docs (cover, contents, the seed's first page)
previews: run
	bash scripts/pdf_previews.sh

## bench: whole-process time and memory for 1 to 20,000 articles beside pandoc, WeasyPrint and calibre, then `load` (about 40 minutes)
bench: setup
	bash scripts/system-deps.sh bench
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python scripts/bench.py --json build/bench.json --chart docs/img/bench.png
	$(BIN)/python scripts/load.py --json build/load.json

## load: the reading room on 127.0.0.1 under 50 users, 10,000 articles (about 5 minutes; LOAD_ARGS="--articles 1000 --seconds 10")
load: setup
	$(BIN)/python scripts/load.py $(LOAD_ARGS)

## golden: regenerate golden files (XML, XHTML, EPUB tree, PDF facts), then review them with `git diff tests/golden`
golden: setup
	$(BIN)/pytest -q tests/ingest/test_golden.py tests/export -k golden --update-golden

clean:
	rm -rf $(VENV) $(ARCHIVE) build tools/ace/node_modules dist/*.epub dist/epub dist/*.pdf dist/pdf dist/*.json \
		.mypy_cache .ruff_cache .pytest_cache
