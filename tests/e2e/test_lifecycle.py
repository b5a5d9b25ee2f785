"""The full lifecycle through the real Pulumi engine (Automation API, file:// backend).

The steps run in order, in one test, and share one stack; each asserts on stack outputs
and on the simulator's request log.
"""

from __future__ import annotations

import base64
import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, VastClient, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A, assert_no_key

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
ENDPOINT_TYPE = "pulumi-python:dynamic/vast:Endpoint"
WORKERGROUP_TYPE = "pulumi-python:dynamic/vast:Workergroup"


@dataclass
class Spec:
    """What the inline program declares; steps change it between runs."""

    endpoint: dict[str, Any] = field(
        default_factory=lambda: {
            "endpoint_name": "qwen3-8b",
            "min_load": 10,
            "target_util": 0.9,
            "cold_workers": 5,
            "max_workers": 20,
        }
    )
    group_a: dict[str, Any] = field(
        default_factory=lambda: {
            "template_hash": "hash-a",
            "gpu_ram": 24,
            "search_params": "gpu_name=RTX_4090 num_gpus=1",
            "launch_args": "--env HF_TOKEN=hf_demo",
        }
    )
    group_b: dict[str, Any] = field(
        default_factory=lambda: {
            "template_hash": "hash-b",
            "gpu_ram": 80,
            "search_params": "gpu_ram>=80 num_gpus=1",
        }
    )


@dataclass
class Lifecycle:
    stack: auto.Stack
    spec: Spec
    control: SimulatorControl
    client: VastClient
    state_dir: Path
    engine_dir: str
    seen: int = 0

    def new_requests(self) -> list[str]:
        """API requests since the last call, as 'METHOD path status'."""
        log = self.control.requests()
        fresh, self.seen = log[self.seen :], len(log)
        return [f"{r['method']} {r['path'].removeprefix('/api/v0')} {r['status']}" for r in fresh]


def writes(requests: list[str]) -> list[str]:
    return [r for r in requests if not r.startswith("GET")]


@pytest.fixture
def life(
    engine_dir: str, module_sim_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Lifecycle]:
    spec = Spec()

    def program() -> None:
        endpoint = Endpoint("llm", **spec.endpoint)
        group_a = Workergroup("workers-a", endpoint_id=endpoint.id, **spec.group_a)
        group_b = Workergroup("workers-b", **{"endpoint_id": endpoint.id, **spec.group_b})
        pulumi.export("endpoint_id", endpoint.id)
        pulumi.export("min_load", endpoint.min_load)
        pulumi.export("group_ids", [group_a.id, group_b.id])
        pulumi.export("group_endpoint_id", group_a.endpoint_id)
        pulumi.export(
            "group_endpoint_id_type", group_a.endpoint_id.apply(lambda v: type(v).__name__)
        )

    state_dir = tmp_path_factory.mktemp("pulumi-state")
    stack = local_stack(
        program,
        state_dir=state_dir,
        api_url=module_sim_url,
        api_key=KEY_A,
        stack_name="e2e",
        project_name="vast-e2e",
        pulumi_bin_dir=engine_dir,
    )
    client = VastClient(KEY_A, base_url=module_sim_url)
    yield Lifecycle(stack, spec, SimulatorControl(module_sim_url), client, state_dir, engine_dir)
    client.close()


def step_01_preview_of_a_fresh_stack_calls_no_api(life: Lifecycle) -> None:
    events: list[auto.EngineEvent] = []
    result = life.stack.preview(on_event=events.append)
    assert result.change_summary == {auto.OpType.CREATE: 4}
    groups = [
        e.resource_pre_event.metadata
        for e in events
        if e.resource_pre_event and e.resource_pre_event.metadata.type == WORKERGROUP_TYPE
    ]
    assert len(groups) == 2
    assert all(g.new and (g.new.inputs or {}).get("endpoint_id") == UNKNOWN for g in groups)
    # Nothing with the key: one public offer search per distinct search, for the estimate.
    assert life.new_requests() == ["POST /bundles/ 200", "POST /bundles/ 200"]


def step_02_up_creates_the_endpoint_before_its_workergroups(life: Lifecycle) -> None:
    result = life.stack.up()
    assert result.summary.resource_changes == {"create": 4}
    outputs = {k: v.value for k, v in result.outputs.items()}
    endpoint_id = outputs["endpoint_id"]
    assert endpoint_id.isdigit()
    assert outputs["group_endpoint_id"] == int(endpoint_id)
    # The program sees an int, not the wire's float (JSON outputs could not tell).
    assert outputs["group_endpoint_id_type"] == "int"
    assert outputs["min_load"] == 10
    assert all(str(i).isdigit() for i in outputs["group_ids"])
    sent = life.new_requests()
    # A new account: Vast answers its endpoint list with 400 "No endpoints for user N
    # found.", which is an empty list, not a failure.
    assert sent[0] == "GET /endptjobs/ 400"
    posts = [r for r in writes(sent) if r.startswith("POST")]
    assert posts == ["POST /endptjobs/ 200", "POST /autojobs/ 200", "POST /autojobs/ 200"]
    assert len(life.client.list_endpoints(fresh=True)) == 1
    assert len(life.client.list_workergroups(fresh=True)) == 2


def step_03_an_unchanged_up_writes_nothing(life: Lifecycle) -> None:
    result = life.stack.up()
    assert result.summary.resource_changes == {"same": 4}
    assert writes(life.new_requests()) == []


def step_04_changing_min_load_updates_in_place_with_one_put(life: Lifecycle) -> None:
    life.spec.endpoint["min_load"] = 25
    preview = life.stack.preview()
    assert preview.change_summary == {auto.OpType.UPDATE: 1, auto.OpType.SAME: 3}
    life.new_requests()
    result = life.stack.up()
    endpoint_id = result.outputs["endpoint_id"].value
    assert result.outputs["min_load"].value == 25
    assert writes(life.new_requests()) == [f"PUT /endptjobs/{endpoint_id}/ 200"]


def step_05_moving_a_group_to_another_endpoint_creates_the_new_one_then_deletes_the_old(
    life: Lifecycle,
) -> None:
    before = life.stack.outputs()["group_ids"].value
    other = life.client.create_endpoint(endpoint_name="elsewhere")
    life.spec.group_b["endpoint_id"] = other  # not in Vast's workergroup PUT: replace
    preview = life.stack.preview()
    assert preview.change_summary == {auto.OpType.REPLACE: 1, auto.OpType.SAME: 3}
    life.new_requests()
    result = life.stack.up()
    after = result.outputs["group_ids"].value
    assert after[0] == before[0]
    assert after[1] != before[1]
    assert writes(life.new_requests()) == [
        "POST /autojobs/ 200",
        f"DELETE /autojobs/{before[1]}/ 200",
    ]
    # Back onto the stack's endpoint, for the steps that follow.
    del life.spec.group_b["endpoint_id"]
    assert life.stack.up().summary.resource_changes == {"replace": 1, "same": 3}
    life.client.delete_endpoint(other)


def step_06_refresh_sees_out_of_band_changes_and_up_restores_them(life: Lifecycle) -> None:
    outputs = life.stack.outputs()
    endpoint_id = int(outputs["endpoint_id"].value)
    group_b = int(outputs["group_ids"].value[1])
    life.client.delete_workergroup(group_b)
    life.client.update_endpoint(endpoint_id, min_load=99)
    life.new_requests()

    refreshed = life.stack.refresh()
    assert refreshed.summary.resource_changes == {"delete": 1, "update": 1, "same": 2}
    assert writes(life.new_requests()) == []
    state = (life.stack.export_stack().deployment or {})["resources"]
    endpoint = next(r for r in state if r["type"] == ENDPOINT_TYPE)
    assert endpoint["outputs"]["min_load"] == 99
    assert len([r for r in state if r["type"] == WORKERGROUP_TYPE]) == 1

    result = life.stack.up()
    assert result.outputs["min_load"].value == 25
    assert sorted(writes(life.new_requests())) == [
        "POST /autojobs/ 200",
        f"PUT /endptjobs/{endpoint_id}/ 200",
    ]
    assert len(life.client.list_workergroups(fresh=True)) == 2
    assert life.client.list_endpoints(fresh=True)[0]["min_load"] == 25


def step_07_a_bad_value_fails_the_preview_before_any_api_call(life: Lifecycle) -> None:
    life.new_requests()
    life.spec.endpoint["target_util"] = 5
    try:
        with pytest.raises(auto.CommandError) as caught:
            life.stack.preview()
    finally:
        life.spec.endpoint["target_util"] = 0.9
    assert "target_util must be in (0, 1]; got 5" in str(caught.value)
    assert [r for r in life.new_requests() if not r.startswith("POST /bundles/")] == []


def step_08_the_state_holds_the_api_key_nowhere(life: Lifecycle) -> None:
    exported = subprocess.run(
        [f"{life.engine_dir}/pulumi", "stack", "export", "--stack", "e2e"],
        cwd=life.stack.workspace.work_dir,
        env={**life.stack.workspace.env_vars},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert_no_key(exported)
    for path in life.state_dir.rglob("*"):
        if path.is_file():
            assert_no_key(path.read_text(errors="replace"))
    deployment = json.loads(exported)["deployment"]
    for resource in deployment["resources"]:
        blob = resource.get("inputs", {}).get("__provider")
        if blob is not None:
            raw = base64.b64decode(blob)
            assert KEY_A.encode() not in raw
            assert raw.startswith(b"\x80")  # a plain pickle: no secret was captured
    # launch_args may carry tokens: encrypted in inputs and outputs alike.
    (group,) = [
        r
        for r in deployment["resources"]
        if r["type"] == WORKERGROUP_TYPE and "launch_args" in r["inputs"]
    ]
    assert "ciphertext" in json.dumps(group["inputs"]["launch_args"])
    assert "ciphertext" in json.dumps(group["outputs"]["launch_args"])
    assert "hf_demo" not in exported


def step_09_destroy_deletes_workergroups_before_the_endpoint(life: Lifecycle) -> None:
    endpoint_id = life.stack.outputs()["endpoint_id"].value
    life.new_requests()
    life.stack.destroy()
    deletes = writes(life.new_requests())
    assert len(deletes) == 3
    assert deletes[-1] == f"DELETE /endptjobs/{endpoint_id}/ 200"
    assert all(d.startswith("DELETE /autojobs/") for d in deletes[:2])
    assert life.control.object_counts() == {"endpoints": 0, "workergroups": 0, "templates": 0}


def step_10_a_create_committed_then_dropped_converges_to_one_endpoint(life: Lifecycle) -> None:
    life.new_requests()
    life.control.fault("POST /endptjobs/", "drop_after_commit")
    first = life.stack.up()  # the provider settles the lost answer by listing: no failure
    assert first.summary.resource_changes == {"create": 4}  # destroy removed the stack too
    again = life.stack.up()
    assert again.summary.resource_changes == {"same": 4}
    assert len(life.client.list_endpoints(fresh=True)) == 1
    assert len(life.client.list_workergroups(fresh=True)) == 2
    posts = [r for r in life.new_requests() if r.startswith("POST /endptjobs/")]
    assert len(posts) == 1
    life.stack.destroy()
    assert life.control.object_counts() == {"endpoints": 0, "workergroups": 0, "templates": 0}


STEPS = (
    step_01_preview_of_a_fresh_stack_calls_no_api,
    step_02_up_creates_the_endpoint_before_its_workergroups,
    step_03_an_unchanged_up_writes_nothing,
    step_04_changing_min_load_updates_in_place_with_one_put,
    step_05_moving_a_group_to_another_endpoint_creates_the_new_one_then_deletes_the_old,
    step_06_refresh_sees_out_of_band_changes_and_up_restores_them,
    step_07_a_bad_value_fails_the_preview_before_any_api_call,
    step_08_the_state_holds_the_api_key_nowhere,
    step_09_destroy_deletes_workergroups_before_the_endpoint,
    step_10_a_create_committed_then_dropped_converges_to_one_endpoint,
)


def test_a_stack_from_its_first_preview_to_destroy_and_a_lost_answer_after(
    life: Lifecycle,
) -> None:
    """One stack's life, step by step: each step starts from where the one before left it
    (one test, so no order between tests matters)."""
    for step in STEPS:
        step(life)
