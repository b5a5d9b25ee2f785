"""The providers as a Pulumi provider plugin (``pulumi-resource-vast``), through the real
CLI: its schema, the YAML quick start's whole life, `pulumi import`, and bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.plugin._schema import schema
from pulumi_vast_serverless.providers import ENDPOINT, TEMPLATE, WORKERGROUP
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
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
        made.pulumi("config", "set", "vast:apiUrl", url)
        made.pulumi("config", "set", "--secret", "vast:apiKey", KEY_A)
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


def test_an_endpoint_is_imported_with_code_that_leaves_nothing_to_change(
    project: Project,
) -> None:
    client = VastClient(KEY_A, base_url=project.api_url)
    endpoint_id = client.create_endpoint(
        endpoint_name="console-made", max_workers=3, cold_workers=1, min_load=5
    )
    imported = project.pulumi(
        "import", "vast:index:Endpoint", "made", str(endpoint_id),
        "--yes", "--protect=false", "--out", "imported.yaml",
    )  # fmt: skip
    assert "= 1 imported" in imported
    code = (project.directory / "imported.yaml").read_text()
    assert "endpointName: console-made" in code
    assert "maxWorkers: 3" in code
    # The code pulumi import wrote, pasted into the program: nothing to change.
    resources = code.split("resources:\n", 1)[1]
    pulumi_yaml = project.directory / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text().replace("outputs:\n", resources + "outputs:\n"))
    made = "urn:pulumi:dev::vast-yaml-quickstart::vast:index:Endpoint::made"
    preview = project.pulumi("preview", "--expect-no-changes", "--target", made)
    assert "unchanged" in preview
    assert "vast:index:Endpoint made" not in preview  # no row: nothing to do to it


def test_bad_input_fails_the_preview_in_one_line_naming_the_property(project: Project) -> None:
    pulumi_yaml = project.directory / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text().replace("maxWorkers: 4", "maxWorkers: -1"))
    output = project.pulumi("preview", ok=False)
    assert "max_workers must be zero or more; got -1" in output
    assert "Traceback" not in output
    assert SimulatorControl(project.api_url).requests() == [] or all(
        r["method"] == "GET" for r in SimulatorControl(project.api_url).requests()
    )
