"""`make demo`, `make demo-full` and `make demo-destroy` as the README runs them."""

from __future__ import annotations

import os
import socket
import subprocess
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
    # The preview's cost estimate comes before the up, what it spends after it.
    assert first.index("worst case") < first.index("+ 4 created")
    assert "spending now: $" in first
    assert "+ 4 created" in first
    assert "holds 0 template(s), 1 endpoint(s), 2 workergroup(s)" in first
    # The engine keeps the endpoint's cold_workers (5), over both groups together.
    assert "cold_workers=5 max_workers=20: 5 worker(s) in all" in first
    assert "4 unchanged" in demo(tmp_path, port, "up")
    full = demo(tmp_path, port, "up", "--example", "full-deployment")
    assert "+ 5 created" in full
    assert "holds 1 template(s), 2 endpoint(s), 4 workergroup(s)" in full
    # Its endpoint's max_workers (4) caps its two groups together.
    assert "max_workers=4: 4 worker(s) in all" in full
    demo(tmp_path, port, "destroy")
    gone = demo(tmp_path, port, "destroy", "--example", "full-deployment")
    assert "holds 0 template(s), 0 endpoint(s), 0 workergroup(s)" in gone


def test_a_second_demo_on_a_taken_port_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        env = {**os.environ, "VAST_DEMO_DIR": str(tmp_path), "VAST_DEMO_PORT": str(port)}
        done = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "demo.py"), "up"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1:] == [
        f"demo: port {port} is taken (another `make demo` running?): stop it, or choose "
        f"another port, e.g. VAST_DEMO_PORT={port + 1} make demo"
    ]
    assert "Traceback" not in done.stderr
