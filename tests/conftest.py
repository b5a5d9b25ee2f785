"""Fixtures shared by every suite: a real simulator on loopback and clients of it."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from tests.support.keys import KEY_A, assert_no_key

# The live suite runs through scripts/test_live.py (make test-live), which sets its prefix;
# tests/e2e/test_live_runner.py runs that runner against a simulator in every `make test`.
collect_ignore = [] if os.environ.get("VAST_LIVE_PREFIX") else ["live"]


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
