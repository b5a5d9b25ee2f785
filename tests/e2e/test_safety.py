"""Safety rails for teams, through the real engine: no destroy cascades into another stack's
workergroups, a stack whose shared endpoint vanished says so in one line, and ``up`` sees
what changed outside Pulumi."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, VastClient, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import StackError, local_stack
from tests.support.examples import example_stack
from tests.support.keys import KEY_A


def test_destroying_an_endpoint_another_stack_serves_is_refused_until_allowed(
    engine_dir: str, tmp_path: Path
) -> None:
    with run_simulator() as url:
        control = SimulatorControl(url)
        platform = example_stack(
            "multi-stack/platform", "dev", tmp=tmp_path, api_url=url, engine_dir=engine_dir
        )
        app = example_stack(
            "multi-stack/app", "dev", tmp=tmp_path, api_url=url, engine_dir=engine_dir
        )
        endpoint_id = int(platform.up().outputs["endpoint_id"].value)
        group_id = int(app.up().outputs["workergroup_ids"].value[0])

        with pytest.raises(StackError) as caught:
            platform.destroy()
        assert str(caught.value) == (
            f"Endpoint 'llm': VastConflictError: endpoint {endpoint_id} (llm-dev) still serves "
            f"workergroup {group_id}, which this stack does not manage (another stack's, the "
            "console's, or left by an interrupted up): Vast would delete them with it. Destroy "
            "the stacks that own them first, or set allow_cascade_delete=True on this Endpoint "
            "and run `pulumi up` before destroying."
        )
        assert control.object_counts()["workergroups"] == 1  # the app's group lives on

        # Opted in, the platform's destroy takes the app's group along, as Vast does.
        platform.set_config("vast-platform:allowCascadeDelete", auto.ConfigValue("true"))
        platform.up()
        platform.destroy()
        assert control.object_counts() == {"endpoints": 0, "workergroups": 0, "templates": 0}

        # The app's next up says in one line what vanished, not a traceback.
        with pytest.raises(StackError) as caught:
            app.up()
        assert str(caught.value) == (
            "the platform stack organization/vast-platform/dev exports no endpoint_id: deploy "
            "it first (or it was destroyed)"
        )


def test_up_sees_an_endpoint_deleted_outside_pulumi_and_makes_it_again(
    engine_dir: str, tmp_path: Path
) -> None:
    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="outside")
        Workergroup("workers", endpoint_id=endpoint.id, template_hash="h")
        pulumi.export("endpoint_id", endpoint.id)

    with run_simulator() as url:
        stack = local_stack(
            program, state_dir=tmp_path, api_url=url, api_key=KEY_A, pulumi_bin_dir=engine_dir
        )
        endpoint_id = int(stack.up().outputs["endpoint_id"].value)
        with VastClient(KEY_A, base_url=url) as client:
            client.delete_endpoint(endpoint_id)  # in the console: its group goes with it
        # Without its refresh, up trusts the state: "unchanged", with nothing on Vast.
        assert stack.up(refresh=False).summary.resource_changes == {"same": 3}
        # As local_stack runs it (and refresh: always in the examples): made again.
        assert stack.up().summary.resource_changes == {"create": 2, "same": 1}
        assert SimulatorControl(url).object_counts() == {
            "endpoints": 1,
            "workergroups": 1,
            "templates": 0,
        }
