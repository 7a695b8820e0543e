# Every target creates .venv when it is missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out
SHARED ?= ../shared/data/kyrgyzstan

.PHONY: setup demo test lint bench clean

$(BIN)/aimak: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/aimak

setup: $(BIN)/aimak

demo: setup
	$(BIN)/aimak demo --source $(SHARED) --out $(OUT)/demo

test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -n 2 -q

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(OUT) .pytest_cache build *.egg-info
