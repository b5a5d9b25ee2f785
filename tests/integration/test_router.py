"""Vast's serverless router as the simulator serves it (`POST /route/`, its backend file)."""

from __future__ import annotations

import requests

from pulumi_vast_serverless import VastClient
from tests.support.keys import KEY_A, KEY_B


def route(sim_url: str, body: dict[str, object], key: str = KEY_A) -> requests.Response:
    autoscaler = sim_url.removesuffix("/api/v0")
    headers = {"Authorization": f"Bearer {key}"}
    return requests.post(autoscaler + "/route/", json=body, headers=headers, timeout=10)


def test_a_stopped_endpoint_or_one_without_ready_workers_answers_a_status(
    sim_url: str, client: VastClient
) -> None:
    stopped = client.create_endpoint(endpoint_name="asleep", endpoint_state="stopped")
    answer = route(sim_url, {"endpoint_id": stopped, "cost": 1})
    assert answer.status_code == 200
    assert answer.json()["status"] == "endpoint stopped"
    assert "url" not in answer.json()
    client.create_endpoint(endpoint_name="empty")
    assert route(sim_url, {"endpoint": "empty"}).json()["status"] == (
        "no worker ready yet (0 starting or cold)"
    )


def test_what_the_router_refuses(sim_url: str, client: VastClient) -> None:
    client.create_endpoint(endpoint_name="mine")
    unknown = route(sim_url, {"endpoint": "nobody"})
    assert unknown.status_code == 400
    assert unknown.json()["error_msg"] == "endpoint nobody not found for this api_key"
    # Another account's key does not reach this account's endpoint.
    assert route(sim_url, {"endpoint": "mine"}, key=KEY_B).status_code == 400
    negative = route(sim_url, {"endpoint": "mine", "cost": -1})
    assert negative.json()["error_msg"] == "cost must be a number of 0 or more; got -1"
    assert route(sim_url, {}).json()["error_msg"] == "give endpoint (its name) or endpoint_id"
    assert route(sim_url, {"endpoint": "mine"}, key="").status_code == 401
