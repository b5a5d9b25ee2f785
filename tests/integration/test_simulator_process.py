"""The simulator as users run it: a process, its first line, its state file."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
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
        statuses = [entry["status"] for entry in SimulatorControl(url).requests()]
        limits = SimulatorControl(url).limits()
    assert statuses == [200] * 10
    assert limits == {"reading": "off", "scale": 1.0, "thresholds": {}}


def test_the_reading_and_scale_are_chosen_on_the_command_line() -> None:
    process, url = start("--rate-limits", "token-bucket", "--limit-scale", "0.5")
    try:
        limits = SimulatorControl(url).limits()
    finally:
        stop(process)
    assert limits["reading"] == "token-bucket"
    assert limits["scale"] == 0.5
    assert limits["thresholds"]["POST /autojobs/"] == 2.0


def test_a_scale_that_is_not_a_positive_number_is_refused_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_vast_serverless.simulator", "--limit-scale", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert "--limit-scale: must be a positive number such as 0.05; got '0'" in done.stderr
