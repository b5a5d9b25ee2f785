"""The simulator as users run it: a process, its first line, its state file."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.simulator import run_simulator
from tests.support.keys import KEY_A


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_vast_serverless.simulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=10)  # also closes the pipes


def test_first_line_is_the_base_url_and_state_survives_a_restart(tmp_path: Path) -> None:
    state = str(tmp_path / "vast.sqlite")
    process, url = start("--state", state, "--api-key", KEY_A)
    try:
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/api/v0")
        VastClient(KEY_A, base_url=url).create_endpoint(endpoint_name="kept")
    finally:
        stop(process)
    assert process.returncode == 0

    process, url = start("--state", state)
    try:
        rows = VastClient(KEY_A, base_url=url).list_endpoints()
        assert [row["endpoint_name"] for row in rows] == ["kept"]
    finally:
        stop(process)


def test_in_memory_state_is_gone_after_a_restart() -> None:
    with run_simulator() as url:
        VastClient(KEY_A, base_url=url).create_endpoint(endpoint_name="lost")
    with run_simulator() as url:
        assert VastClient(KEY_A, base_url=url).list_endpoints() == []


def test_rate_limits_can_be_turned_off() -> None:
    with run_simulator(rate_limits="off") as url:
        client = VastClient(KEY_A, base_url=url, rate_limits=None)
        for _ in range(10):
            client.list_workergroups(fresh=True)
