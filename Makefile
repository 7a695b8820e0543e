# Every target creates .venv (and node_modules) when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out
SHARED ?= ../shared/data/kyrgyzstan
# The platform's embedded database, uploads and static files.
export AIMAK_DATA_DIR ?= $(abspath $(OUT))/web

.PHONY: setup demo test test-web-sqlite lint audit bench clean

$(BIN)/aimak: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[web,dev]'
	touch $(BIN)/aimak

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

setup: $(BIN)/aimak node_modules/.package-lock.json
	$(BIN)/aimak-web compile_translations

# The territory analysis and its report, then the platform on the embedded SQLite database,
# served at http://127.0.0.1:8000 (AIMAK_DEMO_SERVE=0 builds everything and exits).
demo: setup
	$(BIN)/aimak demo --source $(SHARED) --out $(OUT)/demo
	$(BIN)/aimak-web demo --results $(OUT)/demo

# Lint, the whole suite (web tests on a throwaway PostgreSQL), then the web tests on SQLite.
test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 -q
	$(MAKE) test-web-sqlite

test-web-sqlite: setup
	AIMAK_TEST_DB=sqlite $(BIN)/python -m pytest -n 2 -q tests/web -m "not browser"

# Known vulnerabilities with a fix in the Python and npm runtime dependencies fail (.ci/audit).
audit: setup
	bash .ci/audit

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: setup
	AIMAK_SOURCE=$(SHARED) $(BIN)/python -m benchmarks

clean:
	rm -rf $(OUT) .pytest_cache build *.egg-info
