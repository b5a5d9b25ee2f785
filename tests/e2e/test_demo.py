"""`make demo`, `make demo-full` and `make demo-destroy` as the README runs them."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from tests.support.process import run_ok

ROOT = Path(__file__).resolve().parents[2]


def demo(tmp_path: Path, port: int, *args: str) -> str:
    env = {**os.environ, "VAST_DEMO_DIR": str(tmp_path), "VAST_DEMO_PORT": str(port)}
    return run_ok([sys.executable, str(ROOT / "scripts" / "demo.py"), *args], env=env)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_demos_create_converge_and_tear_down(tmp_path: Path) -> None:
    port = free_port()
    first = demo(tmp_path, port, "up")
    assert "+ 4 created" in first
    assert "holds 0 template(s), 1 endpoint(s), 2 workergroup(s)" in first
    assert first.count("workers: 3 creating") == 2  # the autoscaler starts the cold workers
    assert "4 unchanged" in demo(tmp_path, port, "up")
    full = demo(tmp_path, port, "up", "--example", "full-deployment")
    assert "+ 5 created" in full
    assert "holds 1 template(s), 2 endpoint(s), 4 workergroup(s)" in full
    demo(tmp_path, port, "destroy")
    gone = demo(tmp_path, port, "destroy", "--example", "full-deployment")
    assert "holds 0 template(s), 0 endpoint(s), 0 workergroup(s)" in gone
