"""The README's quick start program, run as written, with the commands it shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from pulumi_vast_serverless.simulator import SimulatorControl
from tests.support.process import run_ok

README = Path(__file__).resolve().parents[2] / "README.md"


def quickstart_program() -> str:
    found = re.search(r"<!-- quickstart.py -->\n```python\n(.*?)```", README.read_text(), re.S)
    assert found, "the README lost its quickstart.py block"
    return found.group(1)


def test_the_readme_quick_start_previews_creates_and_destroys(
    engine_dir: str, tmp_path: Path
) -> None:
    (tmp_path / "quickstart.py").write_text(quickstart_program())
    simulator = subprocess.Popen(
        [str(Path(sys.executable).parent / "vast-simulator"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert simulator.stdout is not None
        url = simulator.stdout.readline().strip()
        env = {
            **os.environ,
            "PATH": engine_dir + os.pathsep + os.environ["PATH"],
            "VAST_API_URL": url,
        }
        env.pop("VAST_API_KEY", None)

        def run(action: str) -> str:
            return run_ok([sys.executable, "quickstart.py", action], cwd=tmp_path, env=env)

        assert "+ 3 to create" in run("preview")
        up = run("up")
        assert "+ 3 created" in up
        assert 'endpoint_id: "1"' in up
        assert SimulatorControl(url).object_counts() == {
            "endpoints": 1,
            "workergroups": 1,
            "templates": 0,
        }
        assert "- 3 deleted" in run("destroy")
        assert SimulatorControl(url).object_counts() == {
            "endpoints": 0,
            "workergroups": 0,
            "templates": 0,
        }
    finally:
        simulator.terminate()
        simulator.communicate(timeout=10)
