# The README's two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck cfn-lint sam-validate pytest datumsweep faketime chromium valgrind bench generate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --group dev --editable .
	touch $(STAMP)

# The loket's stylesheet from npm's NL Design System packages (package-lock.json pins them; axe-core
# for the browser tests comes along): `npm ci` when the lock changed, then one CSS file per theme,
# of which the loket function serves its setting's (functions/loket/static/<thema>.css, not
# committed; docs/loket.md). The default theme's file stands for them all; the templates' classes
# decide which rules are kept.
NPM_STAMP := node_modules/.package-lock.json
STIJL := functions/loket/static/voorbeeld.css
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; \
		else \
			echo "make: het loket heeft npm nodig: sudo apt-get install npm" >&2; exit 1; \
		fi; }
	npm ci --ignore-scripts --no-audit --no-fund
$(STIJL): $(STAMP) $(NPM_STAMP) local/vil_local/stijl.py layers/vil/vil/loket/loket.css \
		layers/vil/vil/loket/themas.py $(wildcard layers/vil/vil/loket/sjablonen/*.html)
	$(BIN)/python -m vil_local.stijl

## run: set up, then start the local stack (API, loket, moto, fake government) on port 3000;
## `make run PORT=4300 NU=2026-12-31T23:30` picks the port and the moment its clock starts at
run: $(STAMP) $(STIJL)
	$(BIN)/vil local $(if $(PORT),--port $(PORT)) $(if $(NU),--nu $(NU))

## test: set up, then every check CI runs (the date sweep too)
test: lint typecheck cfn-lint sam-validate pytest datumsweep

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

cfn-lint: $(STAMP)
	$(BIN)/cfn-lint template.yaml

# AWS SAM CLI in a tool environment of its own: it pins another boto3 than the project's .venv.
# `sam validate --lint` runs the SAM transform and cfn-lint on it, offline: no AWS account, no
# credentials, no network (a region is all it needs; telemetry off).
SAM_VENV := .venv-sam
SAM_STAMP := $(SAM_VENV)/.installed
$(SAM_STAMP):
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet "aws-sam-cli>=1.170,<2"
	touch $(SAM_STAMP)

sam-validate: $(SAM_STAMP)
	AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1 SAM_CLI_TELEMETRY=0 \
		$(SAM_VENV)/bin/sam validate --lint --template template.yaml

pytest: $(STAMP) $(STIJL) chromium valgrind
	$(BIN)/pytest -q

# The date sweep: the tests whose outcome depends on the date run again with the whole process
# clock (libfaketime) just before this year's end, so that the run crosses midnight into the new
# year, and early in the next January. Their domain clock is set by the tests themselves; the
# sweep proves nothing reads the wall clock for domain time (docs/decisions.md).
DATUMTESTS := tests/integration/test_maandcheck.py tests/integration/test_loket.py \
	tests/integration/test_local_klok.py tests/integration/test_demo.py \
	tests/integration/test_readme.py
datumsweep: $(STAMP) faketime
	@jaar=$$(date -u +%Y); \
	for moment in "$$jaar-12-31 22:57:00" "$$((jaar + 1))-01-02 08:00:00"; do \
		echo "datumsweep: de klok op $$moment UTC"; \
		TZ=UTC faketime -f "@$$moment" $(BIN)/pytest -q -p no:cacheprovider $(DATUMTESTS) || exit 1; \
	done

# A Debian package the tests need, installed when missing (as root), else a clear stop:
# $(call debian,package,what needs it).
debian = @command -v $(1) >/dev/null || { \
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
	else \
		echo "make test: $(1) is nodig voor $(2): sudo apt-get install $(1)" >&2; \
		exit 1; \
	fi; }

# libfaketime, for the date sweep.
faketime:
	$(call debian,faketime,de datumsweep)

# chromium, for the loket's browser tests (Playwright drives it; `playwright install`
# downloads a browser of its own and is never used).
chromium:
	$(call debian,chromium,de browsertests)

# valgrind, whose callgrind counts the engine's instructions (`vil bench --instructions`).
valgrind:
	$(call debian,valgrind,de instructietelling)

## bench: speed and memory of the rules engine (figures go in the README), then the engine's
## again on Lambda's Python (LAMBDA_PYTHON, below) when the machine has it; with valgrind,
## the engine's instructions per household on each (`vil bench --instructions`)
bench: $(STAMP)
	$(BIN)/vil bench --batch
	$(BIN)/vil local bench
	@if command -v "$(LAMBDA_PYTHON)" >/dev/null; then \
		$(MAKE) --no-print-directory $(LAMBDA_STAMP) && $(LAMBDA_VENV)/bin/vil bench --batch; \
	else \
		echo "make bench: geen $(LAMBDA_PYTHON), dus niet op Lambda's Python (LAMBDA_PYTHON=...)"; \
	fi
	@if command -v valgrind >/dev/null; then \
		$(BIN)/vil bench --instructions && if command -v "$(LAMBDA_PYTHON)" >/dev/null; then \
			$(LAMBDA_VENV)/bin/vil bench --instructions; fi; \
	else \
		echo "make bench: geen valgrind, dus geen instructies per huishouden (apt install valgrind)"; \
	fi

## bench-debian: `vil bench --batch` on Debian 13's python3.13, built with PGO and LTO as
## distributions build it, in a Debian 13 root in .bench-debian/ (needs root; local/bench-debian.sh)
.PHONY: bench-debian
bench-debian:
	local/bench-debian.sh

## generate: regenerate what is generated from the code (tests fail when these drift)
generate: $(STAMP)
	$(BIN)/python tests/generated.py

## build: every function and both layers into build/ for Lambda (python3.13, arm64), without
## Docker, the vil layer with its bytecode when LAMBDA_PYTHON is a Python 3.13; prints the sizes
## and fails above the budget. Needs the package index, so not part of `test`.
LAMBDA_PYTHON ?= python3.13
LAMBDA_VENV := .venv-lambda
LAMBDA_STAMP := $(LAMBDA_VENV)/.installed
.PHONY: build
build: $(STAMP) $(STIJL)
	$(BIN)/python -m vil_local.build --python "$(LAMBDA_PYTHON)"

# The package and what Lambda gives it, on Lambda's Python: for `make bench`.
$(LAMBDA_STAMP): pyproject.toml
	"$(LAMBDA_PYTHON)" -m venv $(LAMBDA_VENV)
	$(LAMBDA_VENV)/bin/python -m pip install --quiet --upgrade "pip>=25.1"
	$(LAMBDA_VENV)/bin/python -m pip install --quiet --group lambda-runtime --editable .
	touch $@

clean:
	rm -rf $(VENV) $(SAM_VENV) $(LAMBDA_VENV) .pytest_cache .mypy_cache .ruff_cache node_modules $(STIJL)
