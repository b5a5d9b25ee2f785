"""The live acceptance suite: the providers and the engine against the API at VAST_API_URL.

Run it through ``make test-live`` (``scripts/test_live.py``), which gives this run a unique
name prefix and sweeps everything with that prefix afterwards, whatever the outcome.
Nothing here may rent a GPU: see the ``RENT_NOTHING_*`` settings of the tests.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.testing import sweep
from tests.support.engine import pulumi_bin_dir


@dataclass(frozen=True)
class Live:
    """Where the suite runs and the prefix every object it creates is named with."""

    api_url: str
    api_key: str = field(repr=False)
    prefix: str


def pytest_configure(config: pytest.Config) -> None:
    """Refuse to run without what the runner sets: never a silent skip."""
    missing = [name for name in ("VAST_API_KEY", "VAST_LIVE_PREFIX") if not os.environ.get(name)]
    if missing:
        pytest.exit(
            f"the live suite needs {' and '.join(missing)}: run it with `make test-live` "
            "(VAST_API_KEY=<key> [VAST_API_URL=<url>])",
            returncode=2,
        )


@pytest.fixture(scope="session")
def live() -> Live:
    return Live(
        api_url=os.environ.get("VAST_API_URL") or "https://console.vast.ai/api/v0",
        api_key=os.environ["VAST_API_KEY"],
        prefix=os.environ["VAST_LIVE_PREFIX"],
    )


@pytest.fixture(scope="session")
def engine_dir() -> str:
    return pulumi_bin_dir()


@pytest.fixture
def vast(live: Live, request: pytest.FixtureRequest) -> Iterator[VastClient]:
    """A client for checks; after the test, everything the test named is swept."""
    client = VastClient(live.api_key, base_url=live.api_url)
    yield client
    sweep(client, live.prefix)
    client.close()


@pytest.fixture(autouse=True)
def _live_key_never_logged(live: Live, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    yield
    assert live.api_key not in caplog.text, "the API key leaked into a log"
