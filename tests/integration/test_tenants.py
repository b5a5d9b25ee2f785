"""Each API key is a tenant that never sees or changes another's objects."""

from __future__ import annotations

import pytest

from pulumi_vast_serverless import (
    VastAuthError,
    VastClient,
    VastNotFoundError,
    VastValidationError,
)
from pulumi_vast_serverless.simulator import run_simulator
from tests.support.keys import KEY_A, KEY_B, assert_no_key


def test_tenants_are_isolated(sim_url: str, client: VastClient) -> None:
    other = VastClient(KEY_B, base_url=sim_url)
    endpoint_id = client.create_endpoint(endpoint_name="mine")
    group_id = client.create_workergroup(endpoint_id=endpoint_id, template_hash="h")
    assert other.list_endpoints() == []
    assert other.list_workergroups() == []
    with pytest.raises(VastNotFoundError):
        other.update_endpoint(endpoint_id, min_load=1)
    with pytest.raises(VastNotFoundError):
        other.delete_endpoint(endpoint_id)
    with pytest.raises(VastNotFoundError):
        other.delete_workergroup(group_id)
    with pytest.raises(VastValidationError, match="valid endpoint identifier"):
        other.create_workergroup(endpoint_id=endpoint_id, template_hash="h")
    assert len(client.list_endpoints()) == 1
    assert len(client.list_workergroups()) == 1


def test_listed_keys_are_the_only_ones_accepted() -> None:
    with run_simulator(api_keys=[KEY_A]) as url:
        VastClient(KEY_A, base_url=url).list_endpoints()
        with pytest.raises(VastAuthError) as caught:
            VastClient(KEY_B, base_url=url).list_endpoints()
    assert caught.value.status == 401
    assert "VAST_API_KEY" in str(caught.value)
    assert_no_key(str(caught.value) + repr(caught.value))


def test_missing_bearer_is_401(sim_url: str) -> None:
    import requests

    response = requests.get(sim_url + "/endptjobs/", timeout=5)
    assert response.status_code == 401
    assert response.json()["success"] is False
