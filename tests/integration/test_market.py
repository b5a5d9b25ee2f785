"""Offers, spend and bills: the simulator's marketplace and money routes, and our client.

Shapes follow the backend files (``auto_post_api_v0_bundles``, ``..._serverless_*_spend``,
``..._users_spend_rate``); figures follow the engine's bills by worker state.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from pulumi_vast_serverless import (
    VastClient,
    VastLookupError,
    get_endpoint_spend,
    get_spend_rate,
    get_workergroup_spend,
)
from pulumi_vast_serverless.client._offer_query import OFFER_LIMIT
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from tests.support.keys import KEY_A


@pytest.fixture
def sim_url() -> Iterator[str]:
    """A simulator without rate limits: these tests send raw requests back to back."""
    with run_simulator(rate_limits="off") as url:
        yield url


def search(url: str, body: Any, **kwargs: Any) -> requests.Response:
    return requests.post(url + "/bundles/", json=body, timeout=10, **kwargs)


def test_the_offer_search_answers_as_its_backend_file_says(sim_url: str) -> None:
    answer = search(
        sim_url,
        {"gpu_name": {"eq": "RTX 4090"}, "num_gpus": {"eq": 1}, "order": [["dph_total", "asc"]]},
    )
    assert answer.status_code == 200  # no key needed
    offers = answer.json()["offers"]
    assert offers
    prices = [o["dph_total"] for o in offers]
    assert prices == sorted(prices)
    first = offers[0]
    # dph_total is the GPU price plus the disk the search allocates (8 GB by default).
    assert first["dph_total"] == pytest.approx(
        first["dph_base"] + first["storage_cost"] * 8 / 720, abs=1e-5
    )
    assert {o["gpu_name"] for o in offers} == {"RTX 4090"}
    # The search's defaults: verified, rentable, not rented by the caller.
    assert all(o["verified"] and o["rentable"] and not o["rented"] for o in offers)
    unverified = search(sim_url, {"gpu_name": {"eq": "RTX 4090"}, "verified": {"eq": False}})
    assert unverified.json()["offers"]
    assert not any(o["verified"] for o in unverified.json()["offers"])
    # GPU memory in MB in the JSON form; the GET form carries the same query as ?q=.
    big = requests.get(
        sim_url + "/bundles/",
        params={"q": json.dumps({"gpu_ram": {"gte": 80000}, "limit": 5})},
        timeout=10,
    ).json()["offers"]
    assert len(big) == 5
    assert all(o["gpu_ram"] >= 80000 for o in big)
    refused = search(sim_url, {"gpu_name": "RTX 4090"})
    assert (refused.status_code, refused.json()["msg"]) == (
        400,
        "Invalid query: must be dict of conditions",
    )


def test_the_client_searches_as_vasts_client_does_without_its_key(
    client: VastClient, control: SimulatorControl
) -> None:
    offers = client.search_offers("gpu_name=H100_SXM num_gpus=1 gpu_ram>=80", storage_gb=64)
    assert offers[0]["dph_total"] == max(o["dph_total"] for o in offers)  # priciest first
    assert all(o["gpu_ram"] >= 80_000 for o in offers)  # GB in the query, MB on offers
    client.search_offers("gpu_name=H100_SXM num_gpus=1 gpu_ram>=80", storage_gb=64)
    client.search_offers("gpu_name=H100_SXM num_gpus=1 gpu_ram>=80", storage_gb=8)
    sent = [r for r in control.requests() if r["path"].endswith("/bundles/")]
    assert len(sent) == 2  # one request per distinct search
    assert [r["keyed"] for r in sent] == [False, False]
    assert sent[0]["body"]["limit"] == OFFER_LIMIT
    assert sent[0]["body"]["allocated_storage"] == 64.0


def working_endpoint(client: VastClient, control: SimulatorControl) -> tuple[int, int]:
    """An endpoint with one group whose two cold workers have loaded their model."""
    control.set_worker_speed(100)
    endpoint_id = client.create_endpoint(endpoint_name="billed", max_workers=2, cold_workers=2)
    group_id = client.create_workergroup(
        endpoint_id=endpoint_id, template_hash="h", search_params="gpu_name=RTX_4090 num_gpus=1"
    )
    deadline = time.monotonic() + 10
    while [w["status"] for w in client.workergroup_workers(group_id)] != ["stopped", "stopped"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return endpoint_id, group_id


def test_spend_routes_answer_in_their_documented_shapes_null_before_any_worker(
    client: VastClient, control: SimulatorControl, sim_url: str
) -> None:
    idle = client.create_endpoint(endpoint_name="idle")
    assert client.endpoint_spend() == {idle: None}  # no data yet: null
    endpoint_id, group_id = working_endpoint(client, control)
    spend = client.endpoint_spend()
    # Two cold workers bill their disks only (the pricing guide).
    workers = [w for w in client.workergroup_workers(group_id)]
    assert len(workers) == 2
    assert spend[idle] is None
    cold = spend[endpoint_id]
    assert cold is not None
    assert 0 < cold < 0.1
    assert client.workergroup_spend() == {group_id: spend[endpoint_id]}
    rate = client.spend_rate()
    assert rate["gpu_cost_per_hour"] == 0.0
    assert rate["container_storage_cost_per_hour"] == pytest.approx(spend[endpoint_id])
    assert rate["has_active_resources"] is True
    raw = requests.get(
        sim_url + "/serverless/endpoints/spend",
        headers={"Authorization": f"Bearer {KEY_A}"},
        timeout=10,
    ).json()
    assert set(raw) == {"success", "endpoints", "data_timestamp"}
    # Serving workers bill their GPUs too.
    client.update_endpoint(endpoint_id, min_load=100)  # two active workers now
    deadline = time.monotonic() + 10
    while client.spend_rate()["gpu_cost_per_hour"] == 0.0:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_the_spend_functions_read_the_routes_outside_a_program(
    client: VastClient, control: SimulatorControl, sim_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint_id, group_id = working_endpoint(client, control)
    monkeypatch.setenv("VAST_API_KEY", KEY_A)
    monkeypatch.setenv("VAST_API_URL", sim_url)
    assert get_endpoint_spend(endpoint_id) == client.endpoint_spend()[endpoint_id]
    assert get_workergroup_spend(str(group_id)) == client.workergroup_spend()[group_id]
    rate = get_spend_rate()
    assert rate.total_per_hour == pytest.approx(client.endpoint_spend()[endpoint_id] or 0.0)
    with pytest.raises(VastLookupError, match=r"^no endpoint with id 999 in this Vast account"):
        get_endpoint_spend(999)  # not this account's


def test_a_simulated_hour_is_billed_by_worker_state() -> None:
    with run_simulator() as url:
        control = SimulatorControl(url)
        client = VastClient(KEY_A, base_url=url)
        endpoint_id, group_id = working_endpoint(client, control)
        control.set_worker_speed(3600)  # an hour a second
        time.sleep(1.0)
        billed = control.billing()
        hours = billed["engine_seconds"] / 3600
        endpoint = billed["endpoints"][str(endpoint_id)]
        # Cold workers: 40 s of loading on the GPU each, then disks only.
        assert endpoint == billed["workergroups"][str(group_id)]
        assert endpoint["gpu"] > 0
        spend_now = client.endpoint_spend()[endpoint_id] or 0.0
        assert endpoint["storage"] == pytest.approx(spend_now * hours, rel=0.05)
        client.close()
