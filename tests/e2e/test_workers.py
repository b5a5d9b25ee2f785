"""Workers through the real engine: rolls as Vast starts them, readiness waits, progress.

The simulator's engine runs its clock faster here (``set_worker_speed``): a worker takes
60 s of its time to load its model, so at speed 100 it is ready after 0.6 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import (
    Endpoint,
    Readiness,
    VastClient,
    Workergroup,
    get_workergroup_workers,
)
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A

WORKERS = 2


@pytest.fixture
def sim() -> Iterator[tuple[str, SimulatorControl]]:
    with run_simulator() as url:
        control = SimulatorControl(url)
        control.set_worker_speed(100)
        yield url, control


def stack_for(spec: dict[str, Any], url: str, engine_dir: str, tmp_path: Path) -> auto.Stack:
    """An endpoint that keeps two cold workers, and one group; ``spec`` steers the group."""

    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="workers", max_workers=4, cold_workers=WORKERS)
        group = Workergroup(
            "llm-workers",
            endpoint_id=endpoint.id,
            template_hash=spec["template_hash"],
            gpu_ram=spec.get("gpu_ram"),
            rolling_update=spec.get("rolling_update"),
            wait_for_ready=spec.get("wait_for_ready"),
            ready_timeout=spec.get("ready_timeout"),
        )
        if spec.get("endpoint_ready"):
            Readiness(
                "serving",
                endpoint_id=endpoint.id,
                min_ready=spec["endpoint_ready"],
                opts=pulumi.ResourceOptions(depends_on=[group]),
            )
        pulumi.export("group_id", group.id)

    return local_stack(
        program, state_dir=tmp_path, api_url=url, api_key=KEY_A, pulumi_bin_dir=engine_dir
    )


def worker_calls(control: SimulatorControl, since: int) -> list[str]:
    """The group writes and autoscaler calls sent since request ``since``, in order."""
    return [
        f"{r['method']} {r['path']}"
        for r in control.requests()[since:]
        if r["method"] == "PUT" or "workers" in r["path"]
    ]


def statuses(url: str, group_id: int) -> list[str]:
    with VastClient(KEY_A, base_url=url) as client:
        return [w["status"] for w in client.workergroup_workers(group_id)]


def wait_until(done: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_vast_rolls_a_new_template_by_itself_and_preview_names_the_property(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    url, control = sim
    spec: dict[str, Any] = {"template_hash": "tmpl-v1"}
    stack = stack_for(spec, url, engine_dir, tmp_path)
    group_id = int(stack.up().outputs["group_id"].value)
    wait_until(lambda: statuses(url, group_id) == ["stopped", "stopped"])

    spec["template_hash"] = "tmpl-v2"
    preview = stack.preview()
    assert "[diff: ~template_hash]" in preview.stdout

    control.set_worker_speed(10)  # one worker's roll lasts 4 s now: long enough to see
    since = len(control.requests())
    stack.up()
    # The PUT is Vast's signal to roll (its guide): nothing else is sent.
    assert worker_calls(control, since) == [f"PUT /api/v0/autojobs/{group_id}/"]
    assert any(status.startswith("update_") for status in statuses(url, group_id))

    # A change that does not touch what workers run rolls nothing.
    control.set_worker_speed(100)
    wait_until(lambda: statuses(url, group_id) == ["stopped", "stopped"])
    spec["gpu_ram"] = 48
    since = len(control.requests())
    stack.up()
    assert worker_calls(control, since) == [f"PUT /api/v0/autojobs/{group_id}/"]
    assert statuses(url, group_id) == ["stopped", "stopped"]


def test_rolling_update_false_cancels_the_roll_vast_starts(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    url, control = sim
    spec: dict[str, Any] = {"template_hash": "tmpl-v1", "rolling_update": False}
    stack = stack_for(spec, url, engine_dir, tmp_path)
    group_id = int(stack.up().outputs["group_id"].value)
    wait_until(lambda: statuses(url, group_id) == ["stopped", "stopped"])

    spec["template_hash"] = "tmpl-v2"
    control.set_worker_speed(1)  # the roll's first worker is still updating when it ends
    since = len(control.requests())
    stack.up()
    assert worker_calls(control, since) == [
        f"PUT /api/v0/autojobs/{group_id}/",
        "POST /update_workers/",
    ]
    (cancel,) = [r["body"] for r in control.requests() if r["path"] == "/update_workers/"]
    assert cancel == {"workergroup_id": group_id, "cancel_update": True}
    # The worker Vast began with finishes (it is `update_ready` for its first second, so
    # an `up` that quick finds it there); the other keeps what it ran.
    assert statuses(url, group_id)[1] == "stopped"
    wait_until(lambda: statuses(url, group_id) == ["update_rebooting", "stopped"], seconds=10)


def test_up_waits_until_workers_serve_and_shows_progress_on_the_wait(
    engine_dir: str,
    sim: tuple[str, SimulatorControl],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, _ = sim
    spec: dict[str, Any] = {"template_hash": "tmpl-v1", "wait_for_ready": 2, "endpoint_ready": 2}
    stack = stack_for(spec, url, engine_dir, tmp_path)
    events: list[auto.EngineEvent] = []
    result = stack.up(on_event=events.append)
    group_id = int(result.outputs["group_id"].value)
    # Cold workers with the model loaded count as ready (they start on the first request).
    assert statuses(url, group_id) == ["stopped", "stopped"]
    progress = [
        e.diagnostic_event
        for e in events
        if e.diagnostic_event is not None and e.diagnostic_event.ephemeral
    ]
    assert any(
        d.urn
        and d.urn.endswith("vast:Readiness::llm-workers-ready")
        and d.message.startswith("waiting for workers: 0 of 2 ready")
        for d in progress
    ), [(d.urn, d.message) for d in progress]
    assert "waiting for workers" not in result.stdout.split("Resources:")[-1]

    # A new template: Vast rolls the group's workers, and both waits (the group's, and
    # the endpoint's, which depends on the group) wait until the roll is done.
    spec["template_hash"] = "tmpl-v2"
    result = stack.up()
    assert result.summary.resource_changes == {"update": 3, "same": 2}
    assert statuses(url, group_id) == ["stopped", "stopped"]

    # Waits read nothing into state: a refresh finds no drift.
    refresh = stack.refresh()
    assert refresh.summary.resource_changes == {"same": 5}

    # Outside a program the lookups read the key and URL from the environment.
    monkeypatch.setenv("VAST_API_KEY", KEY_A)
    monkeypatch.setenv("VAST_API_URL", url)
    assert [w.ready for w in get_workergroup_workers(group_id)] == [True, True]


def test_a_wait_that_times_out_names_each_worker_and_the_next_up_waits_again(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    url, control = sim
    control.fail_workers()
    spec: dict[str, Any] = {"template_hash": "tmpl-v1", "wait_for_ready": 2, "ready_timeout": 2}
    stack = stack_for(spec, url, engine_dir, tmp_path)
    with pytest.raises(auto.CommandError) as caught:
        stack.up()
    text = str(caught.value)
    assert (
        "VastWaitTimeoutError: workergroup 1: 0 of 2 workers ready after 2 s (workers: "
        "1001 error, 1002 error). The workergroup stays as it is; the next `pulumi up` "
        "waits again." in text
    )
    assert "Traceback" not in text
    deployment = stack.export_stack().deployment or {}
    kept = [r["type"] for r in deployment["resources"]]
    assert "pulumi-python:dynamic/vast:Workergroup" in kept
    assert "pulumi-python:dynamic/vast:Readiness" not in kept

    control.fail_workers(failing=False)  # Vast replaces failed workers; these load
    result = stack.up()
    assert result.summary.resource_changes == {"create": 1, "same": 3}
    assert statuses(url, 1) == ["stopped", "stopped"]
