# One entry point for every job: `make test` (the README's test command), `make check`,
# `make demo`, `make demo-destroy`, `make simulator`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test check lint format demo demo-destroy simulator engine clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package metadata changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[simulator,dev]"
	touch $(STAMP)

# The lifecycle suite needs the engine: find or build it first (progress on stderr).
test: $(STAMP)
	scripts/ensure-pulumi >/dev/null
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m mypy

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

check: lint test

engine:
	scripts/ensure-pulumi

demo: $(STAMP)
	$(PY) scripts/demo.py up

demo-destroy: $(STAMP)
	$(PY) scripts/demo.py destroy

simulator: $(STAMP)
	$(PY) -m pulumi_vast_serverless.simulator

clean:
	rm -rf $(VENV) .demo .mypy_cache .ruff_cache .pytest_cache
