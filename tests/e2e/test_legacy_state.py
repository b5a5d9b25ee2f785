"""States written by earlier releases still refresh, update and destroy with today's code.

Version 0.1.0 (before the package moved) named the provider classes by other module
paths; 51a21d1 (before inputs Vast's engine ignores became ignored) recorded those inputs
on workergroups, where a change of two of them replaced the group.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, VastClient, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import local_stack

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE = FIXTURES / "state-0.1.0.json"
CAPTURE_KEY = "legacy-capture-key"  # the (fake) key the fixture was written with


def imported(
    fixture: Path, program: Callable[[], None], *, url: str, key: str, name: str, **kw: Any
) -> auto.Stack:
    """A stack named ``name`` (project ``vast-<name>``) holding the captured state."""
    stack = local_stack(
        program, api_url=url, api_key=key, stack_name=name, project_name=f"vast-{name}", **kw
    )
    state = legacy_deployment(url, fixture)
    stack.import_stack(auto.Deployment(version=state["version"], deployment=state["deployment"]))
    return stack


def legacy_deployment(api_url: str, fixture: Path = FIXTURE) -> dict[str, Any]:
    """The captured state, its provider pointed at this run's simulator."""
    state: dict[str, Any] = json.loads(fixture.read_text())
    for resource in state["deployment"]["resources"]:
        if resource["type"].startswith("pulumi:providers:"):
            for props in (resource["inputs"], resource["outputs"]):
                props["vast:apiUrl"] = api_url
    return state


def program() -> None:
    """The program that wrote the fixture, with one change: min_load 10 -> 15."""
    endpoint = Endpoint("llm", endpoint_name="legacy-llm", min_load=15, max_workers=20)
    Workergroup(
        "workers-a",
        endpoint_id=endpoint.id,
        template_hash="hash-a",
        gpu_ram=24,
        search_params="gpu_name=RTX_4090 num_gpus=1",
        launch_args="--env HF_TOKEN=hf_legacy",
    )
    Workergroup("workers-b", endpoint_id=endpoint.id, template_hash="hash-b", max_workers=4)
    pulumi.export("endpoint_id", endpoint.id)


def test_a_state_from_version_0_1_0_refreshes_updates_and_destroys(
    engine_dir: str, tmp_path: Path
) -> None:
    with run_simulator() as url:
        client = VastClient(CAPTURE_KEY, base_url=url)
        endpoint_id = client.create_endpoint(
            endpoint_name="legacy-llm", min_load=10, max_workers=20
        )
        client.create_workergroup(
            endpoint_id=endpoint_id,
            template_hash="hash-a",
            gpu_ram=24,
            search_params="gpu_name=RTX_4090 num_gpus=1",
            launch_args="--env HF_TOKEN=hf_legacy",
        )
        client.create_workergroup(endpoint_id=endpoint_id, template_hash="hash-b", max_workers=4)
        stack = imported(
            FIXTURE,
            program,
            url=url,
            key=CAPTURE_KEY,
            name="legacy",
            state_dir=tmp_path,
            pulumi_bin_dir=engine_dir,
        )
        control = SimulatorControl(url)
        setup = len(control.requests())

        assert stack.refresh().summary.resource_changes == {"same": 4}
        # The program's change, and Vast's default offer filters, which 0.1.0 did not add
        # to workers-a's search: both show in the preview and apply as one PUT each.
        result = stack.up()
        assert result.summary.resource_changes == {"same": 2, "update": 2}
        writes = [
            f"{r['method']} {r['path']}" for r in control.requests()[setup:] if r["method"] != "GET"
        ]
        assert sorted(writes) == [
            "PUT /api/v0/autojobs/1/",
            f"PUT /api/v0/endptjobs/{endpoint_id}/",
        ]
        assert stack.preview().change_summary == {auto.OpType.SAME: 4}

        stack.destroy()
        assert control.object_counts() == {"endpoints": 0, "workergroups": 0, "templates": 0}
        client.close()


KNOBS_FIXTURE = FIXTURES / "state-51a21d1-knobs.json"
KNOBS_KEY = "knobs-capture-key"
GROUP_KNOBS: dict[str, Any] = {
    "min_load": 10,
    "target_util": 0.8,
    "cold_mult": 2.0,
    "cold_workers": 3,
    "test_workers": 2,
    "max_workers": 4,
}


def knobs_program(knobs: dict[str, Any], h100_knobs: dict[str, Any]) -> Callable[[], None]:
    """The program that wrote the 51a21d1 fixture, with the workergroups' knobs given."""

    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="knobs-llm", max_workers=20, cold_workers=2)
        Workergroup(
            "rtx4090",
            endpoint_id=endpoint.id,
            template_hash="hash-a",
            gpu_ram=24,
            search_params="gpu_name=RTX_4090 num_gpus=1",
            **knobs,
        )
        Workergroup(
            "h100",
            endpoint_id=endpoint.id,
            template_hash="hash-b",
            search_params="gpu_name=H100_SXM num_gpus=1",
            **h100_knobs,
        )
        pulumi.export("endpoint_id", endpoint.id)

    return program


def test_a_state_with_knobs_on_workergroups_upgrades_with_no_replace_and_no_write(
    engine_dir: str, tmp_path: Path
) -> None:
    with run_simulator() as url:
        client = VastClient(KNOBS_KEY, base_url=url)
        # What 51a21d1 sent when it made them (the knobs included).
        endpoint_id = client.create_endpoint(
            endpoint_name="knobs-llm", max_workers=20, cold_workers=2
        )
        client.create_workergroup(
            endpoint_id=endpoint_id,
            template_hash="hash-a",
            gpu_ram=24,
            search_params="gpu_name=RTX_4090 num_gpus=1 verified=True rentable=True rented=False",
            **GROUP_KNOBS,
        )
        client.create_workergroup(
            endpoint_id=endpoint_id,
            template_hash="hash-b",
            search_params="gpu_name=H100_SXM num_gpus=1 verified=True rentable=True rented=False",
            cold_workers=1,
            max_workers=2,
        )
        control = SimulatorControl(url)
        as_written = knobs_program(GROUP_KNOBS, {"cold_workers": 1, "max_workers": 2})
        stack = imported(
            KNOBS_FIXTURE,
            as_written,
            url=url,
            key=KNOBS_KEY,
            name="knobs",
            state_dir=tmp_path,
            pulumi_bin_dir=engine_dir,
        )
        setup = len(control.requests())

        assert stack.refresh().summary.resource_changes == {"same": 4}
        # The same program; then with the knobs changed (cold_workers and max_workers used
        # to replace the group); then without them: nothing changes, nothing is written.
        changed = {**GROUP_KNOBS, "cold_workers": 5, "max_workers": 8, "min_load": 50}
        for knobs, h100 in ((GROUP_KNOBS, {}), (changed, {"max_workers": 3}), ({}, {})):
            stack.workspace.program = knobs_program(knobs, h100)
            assert stack.preview().change_summary == {auto.OpType.SAME: 4}
            assert stack.up().summary.resource_changes == {"same": 4}
        # (Previews search offers for their cost estimate: public reads, without the key.)
        writes = [r for r in control.requests()[setup:] if r["method"] != "GET" and r["keyed"]]
        assert writes == []
        # The last program ran: the state records the group's inputs without the knobs.
        resources = (stack.export_stack().deployment or {})["resources"]
        rtx = next(r for r in resources if r["urn"].endswith("::rtx4090"))
        assert not set(GROUP_KNOBS) & set(rtx["inputs"])

        stack.destroy()
        assert control.object_counts() == {"endpoints": 0, "workergroups": 0, "templates": 0}
        client.close()
