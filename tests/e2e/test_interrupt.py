"""Ctrl-C at a terminal on a script shaped like the Quick start: the whole process group
gets SIGINT, mid-create and mid-wait. The engine cancels cleanly: no lock left, no
process of the run left, the state tracks what exists, and the next `up` converges with
no duplicate."""

from __future__ import annotations

import os
import pty
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pulumi
import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, Readiness, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import StackError, local_stack
from tests.support.keys import KEY_A

ROOT = Path(__file__).resolve().parents[2]
# A script shaped like the Quick start, run at a terminal (the program is this module's).
DRIVER = """
import sys
sys.path.insert(0, sys.argv[6])
from pulumi_vast_serverless.testing import StackError, local_stack
from tests.e2e.test_interrupt import program_for

url, state, bin_dir, during, key = sys.argv[1:6]
stack = local_stack(program_for(during), state_dir=state, api_url=url, api_key=key,
                    pulumi_bin_dir=bin_dir)
try:
    stack.up(on_output=print)
except Exception as exc:
    print(f"DRIVER: {type(exc).__name__}: {exc}", flush=True)
    sys.exit(3)
"""


def program_for(during: str) -> Callable[[], None]:
    """The driver's program (and the next `up`'s): an endpoint and two groups, and for
    ``during="wait"`` a wait for the endpoint's two cold workers."""

    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="ctrl-c", cold_workers=2, max_workers=4)
        groups = [
            Workergroup(f"wg-{name}", endpoint_id=endpoint.id, template_hash=name)
            for name in ("a", "b")
        ]
        if during == "wait":
            Readiness(
                "served",
                endpoint_id=endpoint.id,
                min_ready=2,
                opts=pulumi.ResourceOptions(depends_on=groups),
            )

    return program


def read_all(fd: int, until: float) -> str:
    """What the pseudo-terminal shows until the driver ends (or ``until``)."""
    seen = b""
    while time.monotonic() < until:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    return seen.decode(errors="replace")


def run_interrupted(
    url: str,
    state: Path,
    engine_dir: str,
    wait: str,
    ready: Callable[[], bool],
    times: int = 1,
) -> tuple[int, str, list[int]]:
    """The driver in a terminal of its own; SIGINT to its process group once ``ready``
    (``times`` times, a moment apart)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a new session, this terminal its controlling one
        os.execv(  # noqa: S606 (the interpreter itself, no shell involved)
            sys.executable,
            [sys.executable, "-c", DRIVER, url, str(state), engine_dir, wait, KEY_A, str(ROOT)],
        )
    descendants: set[int] = set()
    deadline = time.monotonic() + 60
    while not ready() and time.monotonic() < deadline:
        descendants |= {p.pid for p in psutil.Process(pid).children(recursive=True)}
        time.sleep(0.05)
    descendants |= {p.pid for p in psutil.Process(pid).children(recursive=True)}
    for press in range(times):
        if press:
            time.sleep(0.3)
        os.killpg(pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    shown = read_all(fd, time.monotonic() + 60)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown, sorted(descendants)


def alive(pids: list[int]) -> list[int]:
    def running(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    return [pid for pid in pids if running(pid)]


@pytest.mark.timeout(240)
@pytest.mark.parametrize("during", ["create", "wait"])
def test_one_ctrl_c_cancels_cleanly_and_the_next_up_converges(
    during: str, engine_dir: str, tmp_path: Path
) -> None:
    with run_simulator() as url:
        control = SimulatorControl(url)
        if during == "create":
            # The second group's create is slow: Ctrl-C lands while it is under way.
            control.fault("POST /autojobs/", "latency", seconds=3.0, times=2)

            def ready() -> bool:
                return control.inflight().get("POST /autojobs/", 0) > 0
        else:
            control.set_worker_speed(0.5)  # a worker takes minutes: the wait goes on

            def ready() -> bool:
                return any("get_endpoint_workers" in r["path"] for r in control.requests())

        code, shown, processes = run_interrupted(url, tmp_path, engine_dir, during, ready)
        assert code == 3, shown
        assert "DRIVER: StackError: cancelled (Ctrl-C)" in shown, shown
        assert "Traceback" not in shown
        assert "I/O operation on closed file" not in shown
        # No lock left, no process of the run left.
        assert list((tmp_path / ".pulumi" / "locks").rglob("*.json")) == []
        time.sleep(0.5)
        assert alive(processes) == [], shown

        # The next up converges: what exists is tracked or found, nothing twice.
        control.set_worker_speed(100)
        stack = local_stack(
            program_for(during),
            state_dir=tmp_path,
            api_url=url,
            api_key=KEY_A,
            pulumi_bin_dir=engine_dir,
        )
        stack.up()
        assert control.object_counts() == {"endpoints": 1, "workergroups": 2, "templates": 0}
        assert auto.OpType.CREATE not in stack.preview().change_summary
        stack.destroy()


@pytest.mark.timeout(240)
def test_a_second_ctrl_c_stops_at_once_and_says_what_to_run(
    engine_dir: str, tmp_path: Path
) -> None:
    with run_simulator() as url:
        control = SimulatorControl(url)
        control.fault("POST /autojobs/", "latency", seconds=3.0, times=2)

        def ready() -> bool:
            return control.inflight().get("POST /autojobs/", 0) > 0

        code, shown, _ = run_interrupted(url, tmp_path, engine_dir, "create", ready, times=2)
        assert code == 3, shown
        assert "DRIVER: StackError: stopped (Ctrl-C twice)" in shown, shown
        assert "run `stack.cancel()`, then `up()`" in shown
        assert "Traceback" not in shown
        # What it says to run works: the lock goes, and nothing is created twice.
        stack = local_stack(
            program_for("create"),
            state_dir=tmp_path,
            api_url=url,
            api_key=KEY_A,
            pulumi_bin_dir=engine_dir,
        )
        stack.cancel()
        assert list((tmp_path / ".pulumi" / "locks").rglob("*.json")) == []
        time.sleep(3.5)  # the create the engine stopped waiting for lands on Vast
        # The group whose create the stop cut off exists on Vast, not in the state: the
        # next up names it rather than make a second one.
        with pytest.raises(StackError, match=r"already runs this template.*adopt_existing=True"):
            stack.up()
        assert control.object_counts() == {"endpoints": 1, "workergroups": 2, "templates": 0}
