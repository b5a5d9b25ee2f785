"""Every program under examples/ runs against the simulator as its README says."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from tests.support.examples import example_stack
from tests.support.keys import KEY_A


def test_quickstart_creates_one_endpoint_and_two_groups_then_converges(
    engine_dir: str, tmp_path: Path
) -> None:
    with run_simulator() as url:
        stack = example_stack("quickstart", "dev", tmp=tmp_path, api_url=url, engine_dir=engine_dir)
        assert stack.up().summary.resource_changes == {"create": 4}
        assert stack.up().summary.resource_changes == {"same": 4}
        assert SimulatorControl(url).object_counts() == {"endpoints": 1, "workergroups": 2}
        stack.destroy()
        assert SimulatorControl(url).object_counts() == {"endpoints": 0, "workergroups": 0}


@pytest.mark.parametrize(
    ("env", "max_workers", "groups"), [("dev", 2, ["rtx4090"]), ("prod", 20, ["rtx4090", "h100"])]
)
def test_multi_stack_app_attaches_to_the_platforms_endpoint_sized_per_environment(
    engine_dir: str, tmp_path: Path, env: str, max_workers: int, groups: list[str]
) -> None:
    with run_simulator() as url:
        client = VastClient(KEY_A, base_url=url)
        platform = example_stack(
            "multi-stack/platform", env, tmp=tmp_path, api_url=url, engine_dir=engine_dir
        )
        app = example_stack(
            "multi-stack/app", env, tmp=tmp_path, api_url=url, engine_dir=engine_dir
        )

        endpoint_id = int(platform.up().outputs["endpoint_id"].value)
        app_outputs = app.up().outputs
        (endpoint,) = client.list_endpoints(fresh=True)
        assert (endpoint["id"], endpoint["endpoint_name"]) == (endpoint_id, f"llm-{env}")
        assert endpoint["max_workers"] == max_workers
        assert app_outputs["endpoint_max_workers"].value == max_workers
        attached = client.list_workergroups(fresh=True)
        assert [row["endpoint_id"] for row in attached] == [endpoint_id] * len(groups)
        assert len(app_outputs["workergroup_ids"].value) == len(groups)

        # The app reads the endpoint but does not own it: its destroy leaves it alone.
        app.destroy()
        assert SimulatorControl(url).object_counts() == {"endpoints": 1, "workergroups": 0}
        platform.destroy()
        assert SimulatorControl(url).object_counts() == {"endpoints": 0, "workergroups": 0}
        client.close()
