"""A stack written by version 0.1.0 (before the package moved) still refreshes, updates
and destroys: its state names the provider classes by module path (pickled by reference).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, VastClient, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import local_stack

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "state-0.1.0.json"
CAPTURE_KEY = "legacy-capture-key"  # the (fake) key the fixture was written with


def legacy_deployment(api_url: str) -> dict[str, Any]:
    """The captured state, its provider pointed at this run's simulator."""
    state: dict[str, Any] = json.loads(FIXTURE.read_text())
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
        stack = local_stack(
            program,
            state_dir=tmp_path,
            api_url=url,
            api_key=CAPTURE_KEY,
            stack_name="legacy",
            project_name="vast-legacy",
            pulumi_bin_dir=engine_dir,
        )
        state = legacy_deployment(url)
        stack.import_stack(
            auto.Deployment(version=state["version"], deployment=state["deployment"])
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
