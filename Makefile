# make check: everything CI runs. make test: the tests alone.
PY ?= .venv/bin/python
BIN := $(dir $(PY))

.PHONY: check lint typecheck imports test venv

venv:
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]'

check: lint typecheck imports test

lint:
	$(BIN)ruff check src tests bench scripts
	$(BIN)ruff format --check src tests bench scripts

typecheck:
	$(BIN)mypy

imports:
	$(BIN)lint-imports

test:
	$(PY) -m pytest
