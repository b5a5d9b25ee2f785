"""Interrupting the real engine as a CI cancel does, and driving the CLI as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from pulumi import automation as auto

from tests.support.process import run_ok

ROOT = Path(__file__).resolve().parents[2]


def kill_engine() -> list[str]:
    """SIGKILL every process this test started (the `pulumi` CLI and its provider)."""
    killed = []
    for process in psutil.Process().children(recursive=True):
        try:
            killed.append(process.name())
            process.kill()
        except psutil.NoSuchProcess:
            continue
    return killed


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


_UP = """
import sys
from pulumi_vast_serverless.testing import local_stack
from tests.support.crash_program import program

state_dir, api_url, api_key, stack_name, engine_dir = sys.argv[1:]
local_stack(program, state_dir=state_dir, api_url=api_url, api_key=api_key,
            stack_name=stack_name, pulumi_bin_dir=engine_dir).up()
"""


class UpProcess:
    """``pulumi up`` of ``crash_program`` in a process of its own, as a CI job runs it.

    The inline program's language host lives in that process, so killing it (and the
    CLI and provider under it) leaves the test process untouched.
    """

    def __init__(
        self, *, state_dir: str, api_url: str, api_key: str, stack_name: str, engine_dir: str
    ) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _UP, state_dir, api_url, api_key, stack_name, engine_dir],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait(self) -> int:
        return self.process.wait(timeout=120)


def pulumi_cli(stack: auto.Stack, engine_dir: str, *args: str) -> str:
    """Run ``pulumi ARGS`` on the stack's workspace, as a user in its project would."""
    return run_ok(
        [f"{engine_dir}/pulumi", *args, "--stack", stack.name, "--non-interactive"],
        cwd=stack.workspace.work_dir,
        env={**os.environ, **stack.workspace.env_vars},
    )


def pending_creates(stack: auto.Stack) -> list[dict[str, Any]]:
    """The resources the state says were being created when the CLI died."""
    deployment = stack.export_stack().deployment or {}
    return [
        op["resource"]
        for op in deployment.get("pending_operations") or []
        if op.get("type") == "creating"
    ]
