"""Fixtures for driving the providers through a real provider process."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.blobs import resource_provider_blobs
from tests.support.keys import KEY_A, assert_no_key
from tests.support.provider_host import ProviderHost, secret

ENDPOINT_TYPE = "pulumi-python:dynamic/vast:Endpoint"
WORKERGROUP_TYPE = "pulumi-python:dynamic/vast:Workergroup"


def clean_env() -> dict[str, str]:
    """The environment without any Vast settings, so tests choose them explicitly."""
    return {k: v for k, v in os.environ.items() if not k.startswith("VAST_")}


@pytest.fixture(scope="session")
def blobs() -> dict[str, str]:
    """The ``__provider`` values real resources register (with a key in the environment)."""
    return resource_provider_blobs({**clean_env(), "VAST_API_KEY": KEY_A})


@pytest.fixture
def host(sim_url: str) -> Iterator[ProviderHost]:
    """A provider process configured for tenant A on the test simulator."""
    provider = ProviderHost(env=clean_env())
    provider.configure({"vast:apiKey": secret(KEY_A), "vast:apiUrl": sim_url})
    yield provider
    assert_no_key(provider.close())


def with_provider(blob: str, **props: Any) -> dict[str, Any]:
    """Props as the engine sends them: the inputs plus ``__provider``."""
    return {"__provider": blob, **props}


def decoded(blob: str) -> bytes:
    """The pickled bytes of a ``__provider`` value."""
    return base64.b64decode(blob)
