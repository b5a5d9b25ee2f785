"""The readiness wait through a real provider process, against the simulator's workers."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.simulator import SimulatorControl
from tests.support.provider_fixtures import READINESS_TYPE, with_provider
from tests.support.provider_host import ProviderHost


@pytest.mark.parametrize(
    ("props", "prop", "reason"),
    [
        ({"min_ready": 1}, "workergroup_id", "set exactly one of workergroup_id and endpoint_id"),
        (
            {"workergroup_id": 1, "endpoint_id": 2},
            "workergroup_id",
            "set exactly one of workergroup_id and endpoint_id",
        ),
        ({"workergroup_id": 1, "min_ready": 0}, "min_ready", "min_ready must be 1 or more"),
        (
            {"workergroup_id": 1, "timeout": -5},
            "timeout",
            "timeout must be a number of seconds above 0",
        ),
        ({"workergroup_id": "abc"}, "workergroup_id", "workergroup_id must be a number"),
    ],
)
def test_bad_wait_inputs_fail_the_preview(
    host: ProviderHost, blobs: dict[str, str], props: dict[str, Any], prop: str, reason: str
) -> None:
    _, failures = host.check(with_provider(blobs[READINESS_TYPE], **props))
    assert [p for p, _ in failures] == [prop]
    assert failures[0][1].startswith(reason)


def group_with_workers(client: VastClient, workers: int = 2) -> int:
    """A group on an endpoint that keeps ``workers`` cold workers (no load, none serving)."""
    endpoint_id = client.create_endpoint(
        endpoint_name="ready", max_workers=4, cold_workers=workers, min_load=0
    )
    return client.create_workergroup(
        endpoint_id=endpoint_id, template_hash="h", search_params="num_gpus=1"
    )


def polls(control: SimulatorControl) -> int:
    return sum(r["path"] == "/get_workergroup_workers/" for r in control.requests())


def test_a_wait_polls_with_growing_pauses_and_ends_when_enough_serve(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, control: SimulatorControl
) -> None:
    group_id = group_with_workers(client)
    control.set_worker_speed(100)  # ready after 0.6 s; looks at 0, 0.25, 0.75 s
    props = with_provider(blobs[READINESS_TYPE], workergroup_id=str(group_id), min_ready=2)
    inputs, failures = host.check(props)
    assert failures == []
    _, outs = host.create(inputs)
    assert outs["min_ready"] == 2
    assert 2 <= polls(control) <= 4
    # Cold workers with the model loaded are ready (they start on the first request).
    assert [w["status"] for w in client.workergroup_workers(group_id)] == ["stopped", "stopped"]

    # Nothing on Vast: refresh reads nothing, destroy deletes nothing.
    before = len(control.requests())
    host.read("wait-id", outs)
    host.delete("wait-id", outs)
    assert len(control.requests()) == before


def test_a_wait_that_times_out_names_each_worker(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, control: SimulatorControl
) -> None:
    control.fail_workers()
    group_id = group_with_workers(client, workers=1)
    control.set_worker_speed(1000)
    props = with_provider(blobs[READINESS_TYPE], workergroup_id=group_id, min_ready=1, timeout=0.5)
    inputs, _ = host.check(props)
    with pytest.raises(grpc.RpcError) as caught:
        host.create(inputs)
    assert caught.value.details() == (
        f"VastWaitTimeoutError: workergroup {group_id}: 0 of 1 workers ready after 0.5 s "
        "(workers: 1001 error). The workergroup stays as it is; the next `pulumi up` waits "
        "again. Raise the timeout (ready_timeout on a Workergroup) if they are still loading, "
        "or look at the workers with get_workergroup_workers / get_endpoint_workers"
    )
