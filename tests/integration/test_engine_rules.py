"""The providers held to what Vast's engine does, not only to what its API accepts.

A real provider process over gRPC against the simulator's model of the engine: inputs the
engine never reads, ``gpu_ram``, rolls as Vast starts them, and waits that end when they
cannot succeed.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.simulator import SimulatorControl
from tests.support.provider_fixtures import (
    ENDPOINT_TYPE,
    READINESS_TYPE,
    WORKERGROUP_TYPE,
    with_provider,
)
from tests.support.provider_host import ProviderHost

KNOBS = {
    "min_load": 10.0,
    "target_util": 0.8,
    "cold_mult": 2.0,
    "cold_workers": 3.0,
    "test_workers": 2.0,
    "max_workers": 4.0,
}


def sent(control: SimulatorControl, method: str, path_end: str) -> list[dict[str, Any]]:
    """The bodies of the requests of one kind the simulator received, in order."""
    return [
        r["body"]
        for r in control.requests()
        if r["method"] == method and r["path"].endswith(path_end)
    ]


def new_group(host: ProviderHost, blobs: dict[str, str], **props: Any) -> tuple[str, Any, Any]:
    """An endpoint and one workergroup on it, through the providers: (id, inputs, outputs)."""
    ep_inputs, _ = host.check(with_provider(blobs[ENDPOINT_TYPE], endpoint_name="rules"))
    endpoint_id, _ = host.create(ep_inputs)
    inputs, failures = host.check(
        with_provider(blobs[WORKERGROUP_TYPE], endpoint_id=endpoint_id, **props)
    )
    assert failures == []
    group_id, outs = host.create(inputs)
    return group_id, inputs, outs


def test_knobs_vasts_engine_ignores_are_accepted_never_sent_and_change_nothing(
    host: ProviderHost, blobs: dict[str, str], control: SimulatorControl
) -> None:
    group_id, inputs, outs = new_group(host, blobs, template_hash="h", **KNOBS)
    (body,) = sent(control, "POST", "/autojobs/")
    assert set(body) == {"endpoint_id", "template_hash", "search_params"}
    assert outs["max_workers"] == 4  # as declared, for programs that read it
    # A changed knob is no change: no update, no replace.
    for name in KNOBS:
        diff = host.diff(group_id, outs, {**inputs, name: 99.0})
        assert (diff.changes, list(diff.replaces)) == (1, [])
    # Dropping them all from the program is no change either.
    dropped = {k: v for k, v in inputs.items() if k not in KNOBS}
    assert host.diff(group_id, outs, dropped).changes == 1


@pytest.mark.parametrize(
    ("gpu_ram", "reason"),
    [
        (24000.0, "gpu_ram looks like MB; gpu_ram is in GB (e.g. 24 for a 24 GB card, 80 for "),
        (-1.0, "gpu_ram must be zero or more"),
    ],
)
def test_a_gpu_ram_in_mb_fails_the_preview(
    host: ProviderHost, blobs: dict[str, str], gpu_ram: float, reason: str
) -> None:
    props = with_provider(
        blobs[WORKERGROUP_TYPE], endpoint_id=1, template_hash="h", gpu_ram=gpu_ram
    )
    _, failures = host.check(props)
    assert [p for p, _ in failures] == ["gpu_ram"]
    assert failures[0][1].startswith(reason)


def test_a_new_template_hash_is_rolled_by_vast_with_no_trigger_of_ours(
    host: ProviderHost, blobs: dict[str, str], control: SimulatorControl
) -> None:
    group_id, inputs, outs = new_group(host, blobs, template_hash="v1")
    host.update(group_id, outs, {**inputs, "template_hash": "v2"})
    assert sent(control, "PUT", f"/autojobs/{group_id}/") == [
        {"endpoint_id": int(outs["endpoint_id"]), "template_hash": "v2"}
    ]
    assert sent(control, "POST", "/update_workers/") == []


def test_rolling_update_false_asks_vast_to_cancel_the_roll_it_starts(
    host: ProviderHost, blobs: dict[str, str], control: SimulatorControl
) -> None:
    group_id, inputs, outs = new_group(host, blobs, template_hash="v1", rolling_update=False)
    host.update(group_id, outs, {**inputs, "template_hash": "v2"})
    assert sent(control, "POST", "/update_workers/") == [
        {"workergroup_id": int(group_id), "cancel_update": True}
    ]
    # A change Vast does not roll on (gpu_ram) cancels nothing.
    host.update(group_id, outs, {**inputs, "gpu_ram": 48.0})
    assert len(sent(control, "POST", "/update_workers/")) == 1


@pytest.mark.parametrize(("rolling_update", "rolls"), [(True, 1), (False, 0)])
def test_a_template_named_by_id_whose_content_changed_is_rolled_once(
    host: ProviderHost,
    blobs: dict[str, str],
    control: SimulatorControl,
    rolling_update: bool,
    rolls: int,
) -> None:
    group_id, inputs, outs = new_group(
        host, blobs, template_id=7, template_revision="hash-v1", rolling_update=rolling_update
    )
    news = {**inputs, "template_revision": "hash-v2"}
    assert host.diff(group_id, outs, news).changes == 2  # the preview names it
    host.update(group_id, outs, news)
    assert sent(control, "PUT", f"/autojobs/{group_id}/") == []  # Vast sees no change
    assert sent(control, "POST", "/update_workers/") == [{"workergroup_id": int(group_id)}] * rolls


def cold_group(client: VastClient, *, workers: int = 1, max_workers: int = 4) -> int:
    endpoint_id = client.create_endpoint(
        endpoint_name="waits", max_workers=max_workers, cold_workers=workers
    )
    return client.create_workergroup(endpoint_id=endpoint_id, template_hash="h")


def wait_props(blobs: dict[str, str], **props: Any) -> dict[str, Any]:
    return with_provider(blobs[READINESS_TYPE], **props)


def test_min_ready_above_the_endpoints_max_workers_fails_at_check_and_at_the_wait(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, control: SimulatorControl
) -> None:
    _, failures = host.check(wait_props(blobs, endpoint_id=1, min_ready=3, endpoint_max_workers=2))
    assert failures == [
        (
            "min_ready",
            "min_ready 3 is above the endpoint's max_workers 2: Vast never runs more than "
            "max_workers workers on an endpoint, all its workergroups together. Lower "
            "min_ready (wait_for_ready on a Workergroup) or raise the Endpoint's max_workers.",
        )
    ]
    # Not declared in the program: the wait reads the endpoint and fails at once.
    group_id = cold_group(client, max_workers=1)
    inputs, _ = host.check(wait_props(blobs, workergroup_id=group_id, min_ready=2))
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as caught:
        host.create(inputs)
    assert time.monotonic() - started < 5
    assert caught.value.details().startswith(
        f"VastWaitError: workergroup {group_id}: min_ready 2 is above endpoint "
    )
    assert not [r for r in control.requests() if "workers" in r["path"]]


def test_a_wait_ends_when_every_worker_stays_in_error(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, control: SimulatorControl
) -> None:
    control.fail_workers()
    control.set_worker_speed(1000)
    group_id = cold_group(client, workers=2)
    inputs, _ = host.check(wait_props(blobs, workergroup_id=group_id, min_ready=1, timeout=600))
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as caught:
        host.create(inputs)
    # The grace (20 s, a tenth here: VAST_GRACE_SCALE), not the timeout (600 s).
    assert time.monotonic() - started < 10
    details = caught.value.details()
    assert details.startswith(
        f"VastWaitError: workergroup {group_id}: every worker has been in error for over 2 s "
        "(1001 error, 1002 error), so they will not become ready (Vast's log: "
    )
    assert "raise the timeout" not in details.lower()


def test_the_engines_cancel_ends_a_wait_within_seconds(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, control: SimulatorControl
) -> None:
    group_id = cold_group(client)  # at speed 1 a worker takes a minute: the wait goes on
    inputs, _ = host.check(wait_props(blobs, workergroup_id=group_id, min_ready=1, timeout=600))
    failure: list[grpc.RpcError] = []

    def wait() -> None:
        try:
            host.create(inputs)
        except grpc.RpcError as exc:
            failure.append(exc)

    waiting = threading.Thread(target=wait)
    waiting.start()
    time.sleep(1.0)
    cancelled_at = time.monotonic()
    host.stub.Cancel(empty_pb2.Empty())  # what the engine sends on Ctrl-C
    waiting.join(timeout=30)
    assert time.monotonic() - cancelled_at < 6
    assert failure[0].details() == (
        f"VastWaitError: the wait for workergroup {group_id} was cancelled (Ctrl-C): 0 of 1 "
        "workers ready. The workergroup stays as it is; the next `pulumi up` waits again."
    )


def test_not_found_in_a_new_groups_first_seconds_means_no_workers_yet(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, control: SimulatorControl
) -> None:
    control.set_variants(autoscaler_lag="new_groups")
    control.set_worker_speed(100)
    group_id = cold_group(client)
    with pytest.raises(Exception, match="not found"):
        client.workergroup_workers(group_id)  # what Vast's client comments on
    inputs, _ = host.check(wait_props(blobs, workergroup_id=group_id, min_ready=1, timeout=30))
    _, outs = host.create(inputs)
    assert outs["min_ready"] == 1
