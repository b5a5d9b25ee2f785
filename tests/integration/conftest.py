"""Fixtures of the integration suite: provider processes on the test simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.blobs import resource_provider_blobs
from tests.support.keys import KEY_A, assert_no_key
from tests.support.provider_fixtures import clean_env, configured_host
from tests.support.provider_host import ProviderHost


@pytest.fixture(scope="session")
def blobs() -> dict[str, str]:
    """The ``__provider`` values real resources register (with a key in the environment)."""
    return resource_provider_blobs({**clean_env(), "VAST_API_KEY": KEY_A})


@pytest.fixture
def host(sim_url: str) -> Iterator[ProviderHost]:
    """A provider process configured for tenant A on the test simulator."""
    provider = configured_host(sim_url)
    yield provider
    assert_no_key(provider.close())
