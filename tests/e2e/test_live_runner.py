"""`make test-live` as a user runs it: against a simulator process here, Vast in real use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pulumi_vast_serverless.simulator import SimulatorControl
from tests.support.keys import KEY_A
from tests.support.sim_process import simulator_process

ROOT = Path(__file__).resolve().parents[2]
RUNNER = [sys.executable, str(ROOT / "scripts" / "test_live.py")]


def runner_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VAST_", "PYTEST_"))}
    return {**env, **extra}


def test_the_live_suite_passes_against_a_simulator_and_leaves_nothing() -> None:
    with simulator_process("--api-key", KEY_A) as url:
        done = subprocess.run(
            RUNNER,
            env=runner_env(VAST_API_KEY=KEY_A, VAST_API_URL=url),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        counts = SimulatorControl(url).object_counts()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "2 passed" in done.stdout
    assert "test-live: nothing left behind" in done.stdout
    assert counts == {"endpoints": 0, "workergroups": 0, "templates": 0}
    assert KEY_A not in done.stdout + done.stderr


def test_the_live_suite_refuses_to_start_without_a_key() -> None:
    done = subprocess.run(
        RUNNER, env=runner_env(), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert "test-live: VAST_API_KEY is not set" in done.stderr


def test_the_live_tests_refuse_to_run_outside_the_runner() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/live", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=runner_env(VAST_LIVE_PREFIX="x-"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "the live suite needs VAST_API_KEY" in done.stdout + done.stderr
