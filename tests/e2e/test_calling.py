"""A deployed endpoint's first request, as the README shows it: Vast's router, then the
worker it names."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pulumi
import requests

from pulumi_vast_serverless import Endpoint, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A

HEADERS = {"Authorization": f"Bearer {KEY_A}"}


def routed(autoscaler: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = requests.post(autoscaler + "/route/", json=body, headers=HEADERS, timeout=10)
    answer.raise_for_status()
    return dict(answer.json())


def test_after_up_the_endpoint_routes_a_request_to_a_worker_that_answers(
    engine_dir: str, tmp_path: Path
) -> None:
    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="echo", min_load=50, cold_workers=1)
        Workergroup("llm-workers", endpoint_id=endpoint.id, template_hash="t", wait_for_ready=1)
        pulumi.export("endpoint_name", endpoint.endpoint_name)

    with run_simulator() as url:
        SimulatorControl(url).set_worker_speed(100)
        stack = local_stack(
            program, state_dir=tmp_path, api_url=url, api_key=KEY_A, pulumi_bin_dir=engine_dir
        )
        name = stack.up().outputs["endpoint_name"].value
        autoscaler = url.removesuffix("/api/v0")  # Vast: https://run.vast.ai
        route = routed(autoscaler, {"endpoint": name, "cost": 100})
        for _ in range(100):  # the serving worker may still load its model: a status says so
            if "url" in route:
                break
            assert route["status"].startswith("no worker ready yet"), route
            time.sleep(0.1)
            route = routed(autoscaler, {"endpoint": name, "cost": 100})
        answer = requests.post(
            route["url"] + "/generate",
            json={"auth_data": route, "payload": {"prompt": "Hello"}},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["echo"] == {"prompt": "Hello"}
        assert route["endpoint"] == "echo"
        assert isinstance(route["reqnum"], int)

        # Unsigned, or signed for another worker: the worker refuses.
        forged = {**route, "signature": "0" * 64}
        refused = requests.post(route["url"], json={"auth_data": forged}, timeout=10)
        assert refused.status_code == 401

        stack.destroy()
