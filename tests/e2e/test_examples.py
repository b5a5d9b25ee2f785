"""Every program under examples/ runs against the simulator as its README says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from tests.support.examples import example_stack
from tests.support.keys import KEY_A

# Pulumi's marker of a secret value in an exported state.
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # noqa: S105 (not a password)


def test_quickstart_creates_one_endpoint_and_two_groups_then_converges(
    engine_dir: str, tmp_path: Path
) -> None:
    with run_simulator() as url:
        stack = example_stack("quickstart", "dev", tmp=tmp_path, api_url=url, engine_dir=engine_dir)
        assert stack.up().summary.resource_changes == {"create": 4}
        assert stack.up().summary.resource_changes == {"same": 4}
        assert SimulatorControl(url).object_counts() == {
            "endpoints": 1,
            "workergroups": 2,
            "templates": 0,
        }
        stack.destroy()
        assert SimulatorControl(url).object_counts() == {
            "endpoints": 0,
            "workergroups": 0,
            "templates": 0,
        }


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
        assert SimulatorControl(url).object_counts() == {
            "endpoints": 1,
            "workergroups": 0,
            "templates": 0,
        }
        platform.destroy()
        assert SimulatorControl(url).object_counts() == {
            "endpoints": 0,
            "workergroups": 0,
            "templates": 0,
        }
        client.close()


def test_full_deployment_creates_the_chain_and_a_new_tag_updates_in_place(
    engine_dir: str, tmp_path: Path
) -> None:
    with run_simulator() as url:
        control = SimulatorControl(url)
        stack = example_stack(
            "full-deployment", "dev", tmp=tmp_path, api_url=url, engine_dir=engine_dir
        )

        first = stack.up()
        assert first.summary.resource_changes == {"create": 5}
        writes = [f"{r['method']} {r['path'].split('/')[3]}" for r in control.requests()]
        writes = [w for w in writes if not w.startswith("GET")]
        # The workergroups need the template's hash and the endpoint's id: both come first.
        assert writes.index("POST autojobs") > writes.index("POST template")
        assert writes.index("POST autojobs") > writes.index("POST endptjobs")
        assert control.object_counts() == {"endpoints": 1, "workergroups": 2, "templates": 1}
        old_hash = first.outputs["template_hash"].value
        # The template's env (often tokens) is a secret: encrypted in the state on disk.
        deployment = stack.export_stack().deployment or {}
        (template,) = [r for r in deployment["resources"] if r["type"].endswith(":Template")]
        assert SECRET_SIG in json.dumps(template["inputs"]["env"])
        assert SECRET_SIG in json.dumps(template["outputs"]["env"])
        for path in (tmp_path / "state").rglob("*.json"):
            assert "MODEL=Qwen" not in path.read_text()

        # A release: a new image tag edits the template and updates each group in place.
        stack.set_config("vast-full:imageTag", auto.ConfigValue("v0.6.4"))
        preview = stack.preview()
        assert preview.change_summary == {auto.OpType.UPDATE: 3, auto.OpType.SAME: 2}
        seen = len(control.requests())
        second = stack.up()
        assert second.summary.resource_changes == {"update": 3, "same": 2}
        writes = sorted(
            f"{r['method']} {r['path'].split('/')[3]}"  # /api/vN/<route>/...
            for r in control.requests()[seen:]
            if r["method"] != "GET"
        )
        # One PUT per group is Vast's signal to roll its workers onto the new template.
        assert writes == ["PUT autojobs", "PUT autojobs", "PUT template"]
        new_hash = second.outputs["template_hash"].value
        assert new_hash != old_hash
        groups = VastClient(KEY_A, base_url=url).list_workergroups(fresh=True)
        assert [g["template_hash"] for g in groups] == [new_hash, new_hash]
        assert stack.up().summary.resource_changes == {"same": 5}

        stack.destroy()
        assert control.object_counts() == {"endpoints": 0, "workergroups": 0, "templates": 0}
