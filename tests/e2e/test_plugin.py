"""The providers as a Pulumi provider plugin (``pulumi-resource-vast``), through the real
CLI: its schema, the YAML quick start's whole life, `pulumi import`, and bad input."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, VastClient, Workergroup
from pulumi_vast_serverless.plugin._schema import schema
from pulumi_vast_serverless.providers import ENDPOINT, TEMPLATE, WORKERGROUP
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = Path(sys.executable).parent / "pulumi-resource-vast"


@pytest.fixture(scope="module")
def yaml_host() -> str:
    """The directory of Pulumi's YAML language host (found or built, as users would)."""
    done = subprocess.run(
        [str(ROOT / "scripts" / "ensure-pulumi-yaml")],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


@dataclass
class Project:
    directory: Path
    env: dict[str, str]
    api_url: str

    def pulumi(self, *args: str, ok: bool = True) -> str:
        done = subprocess.run(
            ["pulumi", *args],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        output = done.stdout + done.stderr
        assert (done.returncode == 0) is ok, output
        return output


@pytest.fixture
def project(engine_dir: str, yaml_host: str, tmp_path: Path) -> Iterator[Project]:
    directory = tmp_path / "yaml-quickstart"
    shutil.copytree(ROOT / "examples" / "yaml-quickstart", directory)
    state = tmp_path / "state"
    state.mkdir()
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(PLUGIN.parent), engine_dir, yaml_host, os.environ["PATH"]]),
        "PULUMI_HOME": str(tmp_path / "home"),
        "PULUMI_BACKEND_URL": f"file://{state}",
        "PULUMI_CONFIG_PASSPHRASE": "local",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }
    env.pop("VAST_API_KEY", None)
    with run_simulator() as url:
        made = Project(directory, env, url)
        made.pulumi("stack", "init", "dev")
        # The stack's config file as `pulumi config set` writes it (two CLI calls fewer;
        # the key is the simulator's, so it need not be encrypted here).
        (directory / "Pulumi.dev.yaml").write_text(
            f"config:\n  vast:apiUrl: {url}\n  vast:apiKey: {KEY_A}\n"
        )
        yield made


def test_the_plugin_prints_the_schema_built_from_the_tables(
    engine_dir: str, tmp_path: Path
) -> None:
    env = {**os.environ, "PULUMI_HOME": str(tmp_path), "PULUMI_SKIP_UPDATE_CHECK": "true"}
    done = subprocess.run(
        [str(Path(engine_dir) / "pulumi"), "package", "get-schema", str(PLUGIN)],
        capture_output=True, text=True, timeout=120, env=env, check=True,
    )  # fmt: skip
    printed = json.loads(done.stdout)
    assert printed == schema()
    tables = [("Template", TEMPLATE), ("Endpoint", ENDPOINT), ("Workergroup", WORKERGROUP)]
    for token, table in tables:
        resource = printed["resources"][f"vast:index:{token}"]
        for prop in table.props:
            name = "".join(w.title() if i else w for i, w in enumerate(prop.name.split("_")))
            assert name in resource["properties"], name
            if prop.secret:
                assert resource["inputProperties"][name]["secret"] is True
    assert printed["resources"]["vast:index:Workergroup"]["inputProperties"]["endpointId"][
        "replaceOnChanges"
    ]


def test_the_yaml_quick_start_previews_ups_updates_refreshes_and_destroys(
    project: Project,
) -> None:
    assert "+ 3 to create" in project.pulumi("preview")
    up = project.pulumi("up", "--yes")
    assert "+ 3 created" in up
    assert SimulatorControl(project.api_url).object_counts()["workergroups"] == 1
    assert "3 unchanged" in project.pulumi("up", "--yes")
    pulumi_yaml = project.directory / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text().replace("maxWorkers: 4", "maxWorkers: 6"))
    assert "~ 1 updated" in project.pulumi("up", "--yes")
    client = VastClient(KEY_A, base_url=project.api_url)
    assert client.list_endpoints(fresh=True)[0]["max_workers"] == 6
    assert "3 unchanged" in project.pulumi("refresh", "--yes")
    assert "- 3 deleted" in project.pulumi("destroy", "--yes")
    assert SimulatorControl(project.api_url).object_counts()["endpoints"] == 0


def made_by_hand(client: VastClient) -> dict[str, str]:
    """One object of each kind, made outside Pulumi (as the console or a script would)."""
    endpoint_id = client.create_endpoint(
        endpoint_name="console-made", max_workers=3, cold_workers=1, min_load=5
    )
    template, _ = client.create_template(
        name="console-template", image="vllm/vllm-openai", tag="v0.6.3", env="-e A=1"
    )
    group_id = client.create_workergroup(
        endpoint_id=endpoint_id,
        template_hash=template["hash_id"],
        search_params="gpu_name=RTX_4090 gpu_ram>=24 verified=True rentable=True rented=False",
        gpu_ram=24,
    )
    return {
        "Endpoint": str(endpoint_id),
        "Workergroup": str(group_id),
        "Template": str(template["id"]),
    }


@pytest.mark.parametrize("kind", ["Endpoint", "Workergroup", "Template"])
def test_an_import_writes_code_that_leaves_nothing_to_change(project: Project, kind: str) -> None:
    ids = made_by_hand(VastClient(KEY_A, base_url=project.api_url))
    imported = project.pulumi(
        "import", f"vast:index:{kind}", "made", ids[kind],
        "--yes", "--protect=false", "--out", "imported.yaml",
    )  # fmt: skip
    assert "= 1 imported" in imported
    code = (project.directory / "imported.yaml").read_text()
    assert f"type: vast:{kind}" in code
    # The code pulumi import wrote, pasted into the program: nothing to change.
    resources = code.split("resources:\n", 1)[1]
    pulumi_yaml = project.directory / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text().replace("outputs:\n", resources + "outputs:\n"))
    made = f"urn:pulumi:dev::vast-yaml-quickstart::vast:index:{kind}::made"
    up = project.pulumi("up", "--yes", "--expect-no-changes", "--target", made)
    assert f"vast:index:{kind} made" not in up  # no row: nothing to do to it
    if kind == "Template":  # its env is a secret: the state keeps it encrypted
        state = project.pulumi("stack", "export")
        assert "-e A=1" not in state


def test_bad_input_fails_the_preview_in_one_line_naming_the_property(project: Project) -> None:
    pulumi_yaml = project.directory / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text().replace("maxWorkers: 4", "maxWorkers: -1"))
    output = project.pulumi("preview", ok=False)
    assert "max_workers must be zero or more; got -1" in output
    assert "Traceback" not in output
    assert SimulatorControl(project.api_url).requests() == [] or all(
        r["method"] == "GET" for r in SimulatorControl(project.api_url).requests()
    )


def vast_import(project: Project, *args: str) -> str:
    env = {**project.env, "VAST_API_KEY": KEY_A, "VAST_API_URL": project.api_url}
    done = subprocess.run(
        [str(PLUGIN.parent / "vast-import"), *args],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout


def test_a_whole_account_imports_from_one_file_with_a_clean_preview_after(
    project: Project,
) -> None:
    made_by_hand(VastClient(KEY_A, base_url=project.api_url))
    (project.directory / "import.json").write_text(vast_import(project))
    names = [
        r["name"] for r in json.loads((project.directory / "import.json").read_text())["resources"]
    ]
    assert sorted(names) == ["console-made", "console-made-group-1", "console-template"]
    imported = project.pulumi(
        "import", "--file", "import.json", "--yes", "--protect=false", "--out", "code.yaml"
    )
    assert "= 3 imported" in imported
    # A program of exactly the generated code: nothing to change.
    code = (project.directory / "code.yaml").read_text()
    (project.directory / "Pulumi.yaml").write_text(
        "name: vast-yaml-quickstart\nruntime: yaml\n" + code
    )
    project.pulumi("preview", "--expect-no-changes")
    assert SimulatorControl(project.api_url).object_counts() == {
        "endpoints": 1, "workergroups": 1, "templates": 1,
    }  # fmt: skip


def test_a_whole_account_is_adopted_by_the_python_program_it_writes(
    project: Project, engine_dir: str, tmp_path: Path
) -> None:
    made_by_hand(VastClient(KEY_A, base_url=project.api_url))
    code = vast_import(project, "--python")
    assert "adopt_existing=True" in code

    def program() -> None:
        exec(compile(code, "adopt.py", "exec"), {"__name__": "__main__"})  # noqa: S102

    stack = local_stack(
        program, state_dir=tmp_path / "py", api_url=project.api_url, api_key=KEY_A,
        pulumi_bin_dir=engine_dir,
    )  # fmt: skip
    assert stack.up().summary.resource_changes == {"create": 3}  # the stack, 2 adopted
    assert SimulatorControl(project.api_url).object_counts() == {
        "endpoints": 1, "workergroups": 1, "templates": 1,
    }  # fmt: skip
    assert stack.preview().change_summary == {auto.OpType.SAME: 3}


def grid(plugin: bool, endpoints: int = 5, groups: int = 2) -> Callable[[], None]:
    """An N x G stack, written for the dynamic providers or for the plugin."""

    def program() -> None:
        for e in range(endpoints):
            if plugin:
                ep: Any = pulumi.CustomResource(
                    "vast:index:Endpoint", f"ep{e}", {"endpointName": f"grid-{e}", "maxWorkers": 2}
                )
            else:
                ep = Endpoint(f"ep{e}", endpoint_name=f"grid-{e}", max_workers=2)
            for g in range(groups):
                search = f"gpu_ram>={24 * (g + 1)}"
                if plugin:
                    props = {"endpointId": ep.id, "templateHash": "h", "searchParams": search}
                    pulumi.CustomResource("vast:index:Workergroup", f"wg{e}-{g}", props)
                else:
                    Workergroup(
                        f"wg{e}-{g}", endpoint_id=ep.id, template_hash="h", search_params=search
                    )

    return program


def test_the_plugin_sends_the_requests_the_dynamic_providers_send(
    engine_dir: str, tmp_path: Path
) -> None:
    env = {"PATH": os.pathsep.join([str(PLUGIN.parent), engine_dir, os.environ["PATH"]])}
    counts = []
    for plugin in (False, True):
        with run_simulator() as url:
            stack = local_stack(
                grid(plugin), state_dir=tmp_path / str(plugin), api_url=url, api_key=KEY_A,
                pulumi_bin_dir=engine_dir, env=env,
            )  # fmt: skip
            result = stack.up(refresh=False)  # a new stack: nothing to refresh
            assert result.summary.resource_changes == {"create": 16}
            routes = Counter(
                f"{r['method']} {re.sub(r'/[0-9]+/', '/{id}/', r['path'])}"
                for r in SimulatorControl(url).requests()
                if r["status"] != 429
            )
            counts.append(routes)
    dynamic, plugin_counts = counts
    # The writes are the same, request for request; lists share differently with timing.
    writes = {route for route in dynamic if not route.startswith("GET")}
    assert {r: plugin_counts[r] for r in writes} == {r: dynamic[r] for r in writes}
    assert plugin_counts["POST /api/v0/autojobs/"] == 10
    assert plugin_counts["POST /api/v0/endptjobs/"] == 5


READINESS_YAML = """  ready:
    type: vast:index:Readiness
    properties:
      workergroupId: ${llm-workers.id}
      minReady: 1
      timeout: 120
outputs:
"""


def with_readiness(project: Project) -> None:
    pulumi_yaml = project.directory / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text().replace("outputs:\n", READINESS_YAML))


def test_a_readiness_wait_through_the_plugin_ends_once_workers_are_ready(
    project: Project,
) -> None:
    SimulatorControl(project.api_url).set_worker_speed(100)
    with_readiness(project)
    up = project.pulumi("up", "--yes")
    assert "+ 4 created" in up


def test_ctrl_c_through_the_plugin_ends_a_wait_within_seconds(project: Project) -> None:
    with_readiness(project)  # workers at the simulator's own pace: a minute to load
    running = subprocess.Popen(
        ["pulumi", "up", "--yes"],
        cwd=project.directory,
        env=project.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert running.stdout is not None
    seen = []
    for line in running.stdout:
        seen.append(line)
        if "waiting for workers" in line:
            break
    started = time.monotonic()
    running.send_signal(signal.SIGINT)
    rest, _ = running.communicate(timeout=60)
    assert time.monotonic() - started < 15, "".join(seen) + rest
    assert "was cancelled (Ctrl-C)" in rest


def test_an_unknown_vast_config_key_fails_the_preview_naming_the_right_one(
    project: Project,
) -> None:
    project.pulumi("config", "set", "vast:apiUrll", project.api_url)
    output = project.pulumi("preview", ok=False)
    assert "did you mean vast:apiUrl?" in output
    assert SimulatorControl(project.api_url).requests() == []


def test_an_explicit_provider_resource_carries_the_key_and_url(project: Project) -> None:
    project.pulumi("config", "rm", "vast:apiUrl")
    project.pulumi("config", "rm", "vast:apiKey")
    pulumi_yaml = project.directory / "Pulumi.yaml"
    text = pulumi_yaml.read_text().replace(
        "resources:\n",
        "resources:\n"
        "  vast-account:\n"
        "    type: pulumi:providers:vast\n"
        "    properties:\n"
        f"      apiUrl: {project.api_url}\n"
        f"      apiKey: {KEY_A}\n",
    )
    for name in ("llm", "llm-workers"):
        text = text.replace(
            f"  {name}:\n", f"  {name}:\n    options:\n      provider: ${{vast-account}}\n"
        )
    pulumi_yaml.write_text(text)
    assert "+ 4 created" in project.pulumi("up", "--yes")
    assert SimulatorControl(project.api_url).object_counts()["workergroups"] == 1


def test_a_spend_ceiling_a_plugin_program_cannot_honour_fails_the_preview(
    project: Project,
) -> None:
    project.pulumi("config", "set", "vast:maxHourlySpend", "50")
    output = project.pulumi("preview", ok=False)
    assert "would limit nothing" in output
    assert SimulatorControl(project.api_url).requests() == []
