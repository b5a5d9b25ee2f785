"""Fixtures shared by every suite: a real simulator on loopback and clients of it."""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.client._budget import PACING_DIR_ENV
from pulumi_vast_serverless.client._routes import SCALE_ENV
from pulumi_vast_serverless.providers.readiness import GRACE_SCALE_ENV
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from tests.support.keys import KEY_A, assert_no_key

# The live suite runs through scripts/test_live.py (make test-live), which sets its prefix;
# tests/e2e/test_live_runner.py runs that runner against a simulator in every `make test`.
collect_ignore = [] if os.environ.get("VAST_LIVE_PREFIX") else ["live"]


ROOT = Path(__file__).resolve().parents[1]
# Vast's thresholds (seconds between requests) at a sixteenth, for every simulator and
# client of the run (they read it alike): a workergroup create every 0.25 s. Tests that pin
# pacing at Vast's own scale set it to 1 for themselves.
TEST_LIMIT_SCALE = "0.0625"
os.environ[SCALE_ENV] = TEST_LIMIT_SCALE
# The readiness wait's graces (worker errors 20 s, an unknown new group 30 s) at a tenth:
# the simulators of the run can run their engine fast, and no test waits out Vast's time.
os.environ[GRACE_SCALE_ENV] = "0.1"


def _changed_paths() -> set[str] | None:
    """What `git status` lists in the checkout (None outside a git checkout)."""
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return None
    return set(done.stdout.splitlines()) if done.returncode == 0 else None


@pytest.fixture(scope="session", autouse=True)
def _nothing_written_into_the_repository() -> Iterator[None]:
    """Tests run examples from copies: a run that writes into the checkout (a stack file
    in examples/, say) fails here, naming what it wrote."""
    before = _changed_paths()
    yield
    after = _changed_paths()
    if before is not None and after is not None:
        assert after - before == set(), f"the tests wrote into the repository: {after - before}"


@pytest.fixture(scope="session", autouse=True)
def _pacing_budgets_of_this_run(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The processes of this run share pacing budgets in a directory of its own, not the
    user's cache (so a run leaves nothing there, and another run cannot slow it)."""
    os.environ[PACING_DIR_ENV] = str(tmp_path_factory.mktemp("pacing"))


@pytest.fixture
def sim_url() -> Iterator[str]:
    """A fresh simulator with Vast's documented rate limits; yields its base URL."""
    with run_simulator() as base_url:
        yield base_url


@pytest.fixture
def control(sim_url: str) -> SimulatorControl:
    """The simulator's /_sim/ controls."""
    return SimulatorControl(sim_url)


@pytest.fixture
def client(sim_url: str) -> Iterator[VastClient]:
    """A client of tenant A."""
    vast = VastClient(KEY_A, base_url=sim_url)
    yield vast
    vast.close()


@pytest.fixture(autouse=True)
def _no_key_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test runs with debug logging captured, and no API key may appear in it."""
    caplog.set_level(logging.DEBUG)
    yield
    assert_no_key(caplog.text)
