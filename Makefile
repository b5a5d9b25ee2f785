# One entry point for every job: `make test` (the README's test command), `make check`,
# `make demo`, `make demo-full`, `make demo-destroy`, `make simulator`, `make dist`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Each example is its own program (all named __main__.py, the root project's too): mypy
# checks them one by one.
EXAMPLES := __main__.py $(wildcard examples/*/__main__.py examples/*/*/__main__.py)

.PHONY: docs test test-quick test-random test-live check lint format check-wheel dist demo demo-full demo-destroy simulator engine clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package metadata changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[simulator,dev]"
	$(PY) -m compileall -q pulumi_vast_serverless
	touch $(STAMP)

# Every provider process imports this package. An editable install is never byte-compiled
# where PYTHONDONTWRITEBYTECODE is set (CI images often set it), so each process would
# compile it again: compile it before each run (files already compiled are skipped).
BYTECODE := $(PY) -m compileall -q pulumi_vast_serverless

# Tests run in 4 workers (pytest-xdist; each starts its own simulators and keeps its own
# state): most of a test's time is spent waiting (paced requests, engine round trips), so
# 4 on 2 cores beat 2 (152 s against 249 s here, 2 whole-module workers). The ten slowest
# are listed at the end, so growth shows where it happens.
TEST_WORKERS ?= 4
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist load --durations=10

# The lifecycle suite needs the engine: find or build it first (progress on stderr); the
# docs site's browser test needs Debian's chromium (installed where apt-get may).
test: $(STAMP)
	scripts/ensure-pulumi >/dev/null
	scripts/ensure-chromium >/dev/null || true
	$(BYTECODE)
	$(PYTEST)

# The documentation site, in strict mode (a broken link, anchor or page fails), into .site/.
docs: $(STAMP)
	$(PY) -m mkdocs build --strict

# The edit-run loop: unit tests and HTTP tests against the simulator, no engine.
test-quick: $(STAMP)
	$(BYTECODE)
	$(PYTEST) -m "not slow" tests/unit tests/integration tests/contract

# The whole suite in a random order (pytest-randomly; SEED=N repeats an order).
test-random: $(STAMP)
	scripts/ensure-pulumi >/dev/null
	$(BYTECODE)
	$(PYTEST) -p randomly $(if $(SEED),--randomly-seed=$(SEED),)

lint: $(STAMP)
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m mypy
	for example in $(EXAMPLES); do $(PY) -m mypy $$example || exit 1; done

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# The acceptance suite against the API at VAST_API_URL (default: Vast) with VAST_API_KEY.
# It rents nothing, and writes a conformance record (live-record.jsonl); see the README.
test-live: $(STAMP)
	scripts/ensure-pulumi >/dev/null
	$(BYTECODE)
	$(PY) scripts/test_live.py

# Build the sdist and wheel, install the wheel into a fresh virtualenv and use it.
check-wheel: $(STAMP)
	$(PY) scripts/check_wheel.py

check: lint check-wheel test

dist: $(STAMP)
	$(PY) -m build --sdist --wheel --outdir dist .

engine:
	scripts/ensure-pulumi

demo: $(STAMP)
	$(BYTECODE)
	$(PY) scripts/demo.py up

demo-destroy: $(STAMP)
	$(PY) scripts/demo.py destroy
	$(PY) scripts/demo.py destroy --example full-deployment

# The whole chain: a Template (image tag from Pulumi.dev.yaml), an Endpoint, two groups.
demo-full: $(STAMP)
	$(BYTECODE)
	$(PY) scripts/demo.py up --example full-deployment

simulator: $(STAMP)
	$(PY) -m pulumi_vast_serverless.simulator

clean:
	rm -rf $(VENV) .demo .mypy_cache .ruff_cache .pytest_cache dist
