"""Acceptance against a real Vast API (or the simulator): rents nothing, leaves nothing.

Every endpoint is created stopped, with max_workers 0, no cold workers and no load floor
(Vast's files allow 0 for each). Vast's engine reads scaling from the endpoint only, for
all its workergroups together: an endpoint that may run no worker recruits none, whatever
its groups search for, and nothing is billed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, VastClient, Workergroup
from pulumi_vast_serverless.testing import local_stack
from tests.live.conftest import Live
from tests.support.blobs import resource_provider_blobs
from tests.support.provider_fixtures import (
    ENDPOINT_TYPE,
    WORKERGROUP_TYPE,
    clean_env,
    with_provider,
)
from tests.support.provider_host import ProviderHost, secret

RENT_NOTHING_ENDPOINT: dict[str, Any] = {
    "endpoint_state": "stopped",
    "min_load": 0,
    "min_cold_load": 0,
    "cold_workers": 0,
    "max_workers": 0,
}
# Nothing here limits workers: the endpoint above does (a group has no cap of its own).
RENT_NOTHING_GROUP: dict[str, Any] = {
    "gpu_ram": 8,
    "search_params": "gpu_name=RTX_4090 num_gpus=1 gpu_ram>=8",
    "launch_args": "--image vastai/base-image",
}


def named(live: Live, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for row in rows if str(row.get("endpoint_name", "")).startswith(live.prefix)]


def test_the_providers_create_read_update_and_delete(live: Live, vast: VastClient) -> None:
    blobs = resource_provider_blobs({**clean_env(), "VAST_API_KEY": live.api_key})
    host = ProviderHost(env=clean_env())
    try:
        host.configure({"vast:apiKey": secret(live.api_key), "vast:apiUrl": live.api_url})
        name = f"{live.prefix}provider"
        ep_inputs, failures = host.check(
            with_provider(blobs[ENDPOINT_TYPE], endpoint_name=name, **RENT_NOTHING_ENDPOINT)
        )
        assert failures == []
        endpoint_id, ep_outs = host.create(ep_inputs)
        assert (ep_outs["endpoint_name"], ep_outs["endpoint_state"]) == (name, "stopped")
        assert host.read(endpoint_id, ep_outs)[0] == endpoint_id

        wg_inputs, failures = host.check(
            with_provider(blobs[WORKERGROUP_TYPE], endpoint_id=endpoint_id, **RENT_NOTHING_GROUP)
        )
        assert failures == []
        group_id, wg_outs = host.create(wg_inputs)
        assert wg_outs["endpoint_id"] == int(endpoint_id)
        assert host.diff(group_id, wg_outs, wg_inputs).changes == 1  # DIFF_NONE
        # The autoscaler's routes (read only): a group that may recruit nothing has no workers.
        assert vast.workergroup_workers(int(group_id)) == []
        assert vast.endpoint_workers(int(endpoint_id)) == []

        wg_changed = {**wg_inputs, "gpu_ram": 16.0}
        assert host.update(group_id, wg_outs, wg_changed)["gpu_ram"] == 16.0
        ep_changed = {**ep_inputs, "target_util": 0.8}
        assert host.update(endpoint_id, ep_outs, ep_changed)["target_util"] == 0.8

        host.delete(group_id, wg_outs)
        host.delete(endpoint_id, ep_outs)
        assert host.read(endpoint_id, ep_outs)[0] == ""
    finally:
        host.close()
    assert named(live, vast.list_endpoints(fresh=True)) == []


def test_the_engine_runs_preview_up_update_refresh_and_destroy(
    live: Live, vast: VastClient, engine_dir: str, tmp_path: Path
) -> None:
    spec: dict[str, Any] = {"target_util": 0.9}

    def program() -> None:
        endpoint = Endpoint(
            "acceptance",
            endpoint_name=f"{live.prefix}engine",
            target_util=spec["target_util"],
            **RENT_NOTHING_ENDPOINT,
        )
        Workergroup("acceptance-workers", endpoint_id=endpoint.id, **RENT_NOTHING_GROUP)
        pulumi.export("endpoint_id", endpoint.id)

    stack = local_stack(
        program,
        state_dir=tmp_path,
        api_url=live.api_url,
        api_key=live.api_key,
        stack_name="acceptance",
        project_name="vast-acceptance",
        pulumi_bin_dir=engine_dir,
    )
    assert stack.preview().change_summary == {auto.OpType.CREATE: 3}
    endpoint_id = int(stack.up().outputs["endpoint_id"].value)
    assert stack.up().summary.resource_changes == {"same": 3}
    spec["target_util"] = 0.7
    assert stack.up().summary.resource_changes == {"same": 2, "update": 1}
    assert stack.refresh().summary.resource_changes == {"same": 3}
    (row,) = named(live, vast.list_endpoints(fresh=True))
    assert (row["id"], row["target_util"], row["max_workers"]) == (endpoint_id, 0.7, 0)
    stack.destroy()
    assert named(live, vast.list_endpoints(fresh=True)) == []
    assert [g for g in vast.list_workergroups(fresh=True) if g["endpoint_id"] == endpoint_id] == []
