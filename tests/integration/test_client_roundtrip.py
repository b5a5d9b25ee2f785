"""Every client call, over HTTP to the simulator."""

from __future__ import annotations

import pytest

from pulumi_vast_serverless import VastClient, VastNotFoundError
from pulumi_vast_serverless.simulator import SimulatorControl


def test_endpoint_round_trip(client: VastClient) -> None:
    endpoint_id = client.create_endpoint(endpoint_name="llm", min_load=5, max_workers=8)
    (row,) = client.list_endpoints()
    assert row["id"] == endpoint_id
    assert (row["endpoint_name"], row["min_load"], row["max_workers"]) == ("llm", 5.0, 8)
    assert row["endpoint_state"] == "active"
    assert row["cold_mult"] == 2.5  # a server default, filled in
    assert row["created_at"].endswith("Z")
    assert "api_key" not in row

    client.update_endpoint(endpoint_id, min_load=7, endpoint_state="suspended")
    (row,) = client.list_endpoints()
    assert (row["min_load"], row["endpoint_state"]) == (7.0, "suspended")

    client.delete_endpoint(endpoint_id)
    assert client.list_endpoints() == []


def test_workergroup_round_trip(client: VastClient) -> None:
    endpoint_id = client.create_endpoint(endpoint_name="llm")
    group_id = client.create_workergroup(
        endpoint_id=endpoint_id,
        template_hash="abc",
        gpu_ram=24,
        search_params="gpu_name=RTX_4090 num_gpus=1",
    )
    (row,) = client.list_workergroups()
    assert row["id"] == group_id
    assert row["endpoint_id"] == endpoint_id
    assert row["endpoint_name"] == "llm"
    # Vast reads `_` in a value as a space (its query language).
    assert row["search_query"] == {"gpu_name": {"eq": "RTX 4090"}, "num_gpus": {"eq": 1}}
    assert "api_key" not in row

    client.update_workergroup(group_id, endpoint_id=endpoint_id, gpu_ram=48, template_hash="def")
    (row,) = client.list_workergroups()
    assert (row["gpu_ram"], row["template_hash"]) == (48.0, "def")

    client.delete_workergroup(group_id)
    assert client.list_workergroups() == []


def test_workergroup_can_name_its_endpoint(client: VastClient) -> None:
    endpoint_id = client.create_endpoint(endpoint_name="by-name")
    client.create_workergroup(endpoint_name="by-name", search_params="gpu_ram>=24")
    assert client.list_workergroups()[0]["endpoint_id"] == endpoint_id


def test_deleting_a_missing_object_is_not_found(client: VastClient) -> None:
    with pytest.raises(VastNotFoundError, match=r"DELETE http://.*/endptjobs/999/ -> HTTP 404"):
        client.delete_endpoint(999)
    with pytest.raises(VastNotFoundError):
        client.delete_workergroup(999)
    with pytest.raises(VastNotFoundError, match="not found"):
        client.update_endpoint(999, min_load=1)


def test_concurrent_reads_share_one_list_request(
    client: VastClient, control: SimulatorControl
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    client.create_endpoint(endpoint_name="one")
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: client.list_endpoints(), range(16)))
    assert all(len(rows) == 1 for rows in results)
    lists = [r for r in control.requests() if r["method"] == "GET"]
    assert len(lists) == 1


def test_a_write_invalidates_the_cached_list(client: VastClient) -> None:
    assert client.list_endpoints() == []
    client.create_endpoint(endpoint_name="fresh")
    assert len(client.list_endpoints()) == 1
