"""Taking over an endpoint that already exists, through the real engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, VastClient
from pulumi_vast_serverless.simulator import SimulatorControl
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A


def test_an_existing_name_is_refused_then_adopted(
    engine_dir: str, module_sim_url: str, tmp_path: Path
) -> None:
    client = VastClient(KEY_A, base_url=module_sim_url)
    existing = client.create_endpoint(endpoint_name="legacy", min_load=1)
    adopt = {"enabled": False}

    def program() -> None:
        Endpoint(
            "legacy", endpoint_name="legacy", min_load=30, adopt_existing=adopt["enabled"] or None
        )

    stack = local_stack(
        program,
        state_dir=tmp_path,
        api_url=module_sim_url,
        api_key=KEY_A,
        stack_name="adopt",
        pulumi_bin_dir=engine_dir,
    )
    with pytest.raises(auto.CommandError) as caught:
        stack.up()
    message = str(caught.value)
    assert message.startswith(
        "Endpoint 'legacy': VastConflictError: an endpoint named 'legacy' already exists"
    )
    assert "Set adopt_existing=True" in message
    assert client.list_endpoints(fresh=True)[0]["min_load"] == 1.0  # nothing changed

    adopt["enabled"] = True
    stack.up()
    (row,) = client.list_endpoints(fresh=True)
    assert (row["id"], row["min_load"]) == (existing, 30.0)
    assert stack.up().summary.resource_changes == {"same": 2}

    stack.destroy()
    assert SimulatorControl(module_sim_url).object_counts()["endpoints"] == 0
    client.close()
