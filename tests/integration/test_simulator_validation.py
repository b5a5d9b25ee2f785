"""The simulator refuses what Vast refuses, with Vast's error shape."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from pulumi_vast_serverless import VastClient, VastValidationError
from pulumi_vast_serverless.simulator import SimulatorControl
from tests.support.keys import KEY_A

HEADERS = {"Authorization": f"Bearer {KEY_A}"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"min_load": -1}, "min_load must not be negative"),
        ({"min_load": "lots"}, "min_load must be a number"),
        ({"max_workers": 2.5}, "max_workers must be an integer"),
        ({"max_workers": 20.0}, "max_workers must be an integer"),
        ({"cold_workers": True}, "cold_workers must be an integer"),
        ({"target_util": 0}, "target_util must be a fraction"),
        ({"target_util": 1.01}, "target_util must be a fraction"),
        ({"endpoint_name": "no spaces"}, "endpoint_name must match"),
        ({"endpoint_state": "paused"}, "endpoint_state must be one of"),
    ],
)
def test_bad_endpoint_fields_are_400_invalid_args(
    sim_url: str, fields: dict[str, Any], message: str
) -> None:
    response = requests.post(
        sim_url + "/endptjobs/", json={"endpoint_name": "x", **fields}, headers=HEADERS, timeout=5
    )
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert body["error"] == "invalid_args"
    assert message in body["msg"]


def test_the_client_raises_validation_errors_with_vasts_message(client: VastClient) -> None:
    with pytest.raises(
        VastValidationError, match=r"POST http://.*/endptjobs/ -> HTTP 400: target_util"
    ):
        client.create_endpoint(endpoint_name="x", target_util=5)
    assert client.list_endpoints() == []


def test_workergroup_needs_an_existing_endpoint(client: VastClient) -> None:
    with pytest.raises(VastValidationError, match="valid endpoint identifier"):
        client.create_workergroup(endpoint_id=12345, template_hash="h")
    with pytest.raises(VastValidationError, match="valid endpoint identifier"):
        client.create_workergroup(template_hash="h")


def test_workergroup_needs_a_template_or_search_params(client: VastClient) -> None:
    endpoint_id = client.create_endpoint(endpoint_name="x")
    with pytest.raises(VastValidationError, match="template_hash, template_id or search_params"):
        client.create_workergroup(endpoint_id=endpoint_id, gpu_ram=24)


def test_negative_workergroup_numbers_are_refused(client: VastClient) -> None:
    endpoint_id = client.create_endpoint(endpoint_name="x")
    with pytest.raises(VastValidationError, match="gpu_ram must not be negative"):
        client.create_workergroup(endpoint_id=endpoint_id, template_hash="h", gpu_ram=-24)


def test_missing_trailing_slash_redirects(sim_url: str) -> None:
    response = requests.put(
        sim_url + "/endptjobs/1", json={}, headers=HEADERS, timeout=5, allow_redirects=False
    )
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/endptjobs/1/")


def test_http_200_with_success_false_is_an_error(
    client: VastClient, control: SimulatorControl
) -> None:
    endpoint_id = client.create_endpoint(endpoint_name="x", min_load=1)
    control.fault("PUT /endptjobs/{id}/", "success_false")
    with pytest.raises(VastValidationError, match="HTTP 200: simulated refusal"):
        client.update_endpoint(endpoint_id, min_load=3)
    assert client.list_endpoints()[0]["min_load"] == 1.0


def test_malformed_json_is_400(sim_url: str) -> None:
    response = requests.post(sim_url + "/endptjobs/", data="{not json", headers=HEADERS, timeout=5)
    assert response.status_code == 400
