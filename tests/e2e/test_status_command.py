"""`vast-status`: a deployed stack's endpoints, groups and workers by state, from a
local_stack's state directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from pulumi_vast_serverless import Endpoint, VastClient, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A

STATUS = str(Path(sys.executable).parent / "vast-status")


def test_status_counts_each_groups_workers_by_state(engine_dir: str, tmp_path: Path) -> None:
    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="status", cold_workers=2, max_workers=2)
        Workergroup("rtx", endpoint_id=endpoint.id, template_hash="h")

    with run_simulator() as url:
        SimulatorControl(url).set_worker_speed(1000)
        stack = local_stack(
            program, state_dir=tmp_path, api_url=url, api_key=KEY_A, pulumi_bin_dir=engine_dir
        )
        stack.up()
        with VastClient(KEY_A, base_url=url) as client:
            deadline = time.monotonic() + 20
            while [w["status"] for w in client.workergroup_workers(1)] != ["stopped"] * 2:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        env = {**os.environ, "VAST_API_KEY": KEY_A, "VAST_API_URL": url}

        def status(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [STATUS, "--state-dir", str(tmp_path), *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=60,
                check=False,
            )

        shown = status()
        assert shown.returncode == 0, shown.stdout + shown.stderr
        assert shown.stdout.splitlines() == [
            "endpoint 1 status (llm): 2 workers (2 stopped)",
            "  workergroup 1 (rtx): 2 workers (2 stopped)",
        ]
        report = json.loads(status("--json").stdout)
        assert report == [
            {
                "id": 1,
                "name": "llm",
                "endpoint_name": "status",
                "workergroups": [{"id": 1, "name": "rtx", "workers": {"stopped": 2}}],
            }
        ]
        no_key = {k: v for k, v in env.items() if k != "VAST_API_KEY"}
        refused = subprocess.run(
            [STATUS, "--state-dir", str(tmp_path)], capture_output=True, text=True, env=no_key
        )
        assert (refused.returncode, refused.stdout.strip()) == (
            1,
            "vast-status: set VAST_API_KEY (the key of the account the stack deploys to)",
        )
        stack.destroy()
