"""The quick start as an inline TypeScript program (examples/typescript-quickstart), run by
Pulumi's Node.js Automation API through the plugin: npm packages installed from its
lockfile, compiled with tsc, an up and a destroy against the simulator."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from tests.support.keys import KEY_A

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "typescript-quickstart"


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


@pytest.mark.slow
def test_an_inline_typescript_program_creates_and_destroys_through_the_plugin(
    engine_dir: str, tmp_path: Path
) -> None:
    if shutil.which("npm") is None:  # Node.js 20 and npm are part of this machine
        pytest.fail("npm is not on PATH: install Node.js 20 with npm")
    project = tmp_path / "typescript-quickstart"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("node_modules", "bin"))
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), engine_dir, os.environ["PATH"]]),
        "PULUMI_HOME": str(tmp_path / "home"),
        "PULUMI_CONFIG_PASSPHRASE": "local",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "npm_config_audit": "false",
        "npm_config_fund": "false",
    }
    run(["npm", "ci", "--no-audit", "--no-fund"], project, env)
    run(["npx", "tsc", "-p", "."], project, env)
    state = tmp_path / "state"
    state.mkdir()
    with run_simulator() as url:
        env |= {"VAST_API_URL": url, "VAST_API_KEY": KEY_A}
        up = run(["node", "bin/index.js", "up", str(state)], project, env)
        assert "+ 3 created" in up
        assert "endpointId=1" in up
        assert SimulatorControl(url).object_counts()["workergroups"] == 1
        assert "- 3 deleted" in run(["node", "bin/index.js", "destroy", str(state)], project, env)
        assert SimulatorControl(url).object_counts() == {
            "endpoints": 0, "workergroups": 0, "templates": 0,
        }  # fmt: skip
