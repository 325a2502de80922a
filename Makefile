# The README's two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck cfn-lint pytest bench generate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --group dev --editable .
	touch $(STAMP)

## run: set up, then start the local stack (API, moto, fake government) on port 3000
run: $(STAMP)
	$(BIN)/vil local

## test: set up, then every check CI runs
test: lint typecheck cfn-lint pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

cfn-lint: $(STAMP)
	$(BIN)/cfn-lint template.yaml

pytest: $(STAMP)
	$(BIN)/pytest -q

## bench: speed and memory of the rules engine (figures go in the README)
bench: $(STAMP)
	$(BIN)/vil bench
	$(BIN)/vil local bench

## generate: regenerate what is generated from the code (tests fail when these drift)
generate: $(STAMP)
	$(BIN)/python tests/generated.py

## build: every function and both layers into build/ for Lambda (python3.13, arm64), without
## Docker; prints the sizes and fails above 50 MB. Needs the package index, so not part of `test`.
.PHONY: build
build: $(STAMP)
	$(BIN)/python -m vil_local.build

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
