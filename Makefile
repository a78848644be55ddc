# seci-kit: `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help env run test fuzz lab bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-7s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

env: $(STAMP) ## Create .venv from the lock file (only when absent or out of date)

run: $(STAMP) ## Run the whole study on the shipped data: data/processed/ and reports/
	$(BIN)/seci run

test: $(STAMP) ## Run the whole test suite (with a short fuzzing of the commands)
	$(BIN)/python -m pytest

fuzz: $(STAMP) ## Fuzz every input and command with the long profile (thousands of generated inputs; prints figures)
	SECI_FUZZ=long $(BIN)/python -m pytest -m fuzz -s -q -p no:cacheprovider --hypothesis-show-statistics

lab: $(STAMP) ## Open JupyterLab on notebooks/ with the project's kernel (options: make lab ARGS="--port 8890")
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root) $(ARGS)

bench: $(STAMP) ## Classifier speed, memory and start-up benchmark, 10 and 100 MB (ARGS="--quick": 10 MB only)
	$(BIN)/seci ingest >/dev/null
	$(BIN)/python benchmarks/bench.py $(ARGS)

clean: ## Delete generated outputs (data/processed/, reports/); raw data is never touched
	find data/processed reports -mindepth 1 ! -name README.md -delete
