"""Fixtures of the lifecycle suite: the engine, a simulator, and a stack on a file backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_vast_serverless.simulator import run_simulator
from tests.support.engine import pulumi_bin_dir


@pytest.fixture(scope="session")
def engine_dir() -> str:
    """The directory with `pulumi` and `pulumi-resource-pulumi-python`."""
    return pulumi_bin_dir()


@pytest.fixture(scope="module")
def module_sim_url() -> Iterator[str]:
    """One simulator, with documented rate limits, for a whole lifecycle module."""
    with run_simulator() as base_url:
        yield base_url
