"""Benchmarks with figures for the notes: `python scripts/bench.py NAME [ARGS]`.

- `scale [N] [G]` (default 10 2): an N x G stack (N endpoints, G workergroups each)
  through the real engine against a simulator process enforcing Vast's documented limits
  (`--reading`: interval, token-bucket or per-second; `--penalty` tokens; `--strict X`:
  the simulator's thresholds X times the documented ones while the client paces to the
  documented ones, as when Vast is stricter than its files).
  For each step (up, unchanged up, preview, refresh, update of every endpoint, destroy)
  it prints the wall time, the requests by route, the 429s, the floor the limits allow
  for those requests, and the ratio wall / (floor + engine), where "engine" is the wall
  time of an empty program's `up` measured in the same run.
- `quickstart`: examples/quickstart's `up` against the same empty-program `up`, and where
  the time goes in one traced `up` (provider start, requests, pacing, provider exit).
- `concurrency`: 8 threads create 40 endpoints through one client; requests, 429s, wall
  time and the minimum the limits allow.
- `concurrent [K] [N] [G]` (default 4 5 2): K stacks of N x G deployed and destroyed at
  once by K processes with one key (`bench_concurrent.py`); `--alone` stops the processes
  sharing one pacing budget (they adapt from Vast's answers only).
- `cost`: a few stacks' preview cost estimates against what the simulator bills them in a
  simulated hour (`bench_cost.py`); the worst case is never below the bill.
- `learning [N] [G]` (default 10 2): two `up`s of an N x G stack on a machine that has
  learned nothing (a new pacing directory), against a simulator `--strict` times (default
  2) as strict as documented, on one port: the first run's 429s, then the second's (it
  starts at what the first learned).

Everything runs at Vast's own scale (no VAST_RATE_LIMIT_SCALE), each command with a pacing
directory of its own (nothing learned before).

The simulator runs as its own process (`VAST_BENCH_SIMULATOR_PYTHONPATH` chooses which
package provides it, `VAST_BENCH_SIMULATOR_ARGS` adds options), so the package under test
can be another checkout (PYTHONPATH), e.g. an older one for a before/after table.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

import pulumi
from bench_simulator import (  # scripts/, beside this file
    KEY,
    READING,
    ROOT,
    Simulator,
    engine_dir,
    floor_seconds,
    route_of,
    simulator,
)
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, VastClient, Workergroup
from pulumi_vast_serverless.testing import local_stack


@dataclass
class Step:
    name: str
    wall: float
    routes: Counter[str]
    throttled: int
    floor: float


@dataclass
class Rounds:
    """One step over several rounds: each round's wall and ratio, its last round's routes."""

    name: str
    walls: list[float]
    ratios: list[float]
    last: Step

    def line(self) -> str:
        sent = sum(self.last.routes.values())
        by_route = ", ".join(f"{r} {n}" for r, n in sorted(self.last.routes.items()))
        return (
            f"{self.name:<14} wall {median(self.walls):6.2f}s ({min(self.walls):.2f}-"
            f"{max(self.walls):.2f})  requests {sent:3d}  429s {self.last.throttled:2d} "
            f"({self.last.throttled / max(1, sent + self.last.throttled):.0%})  floor "
            f"{self.last.floor:5.2f}s  ratio {median(self.ratios):4.2f} ({min(self.ratios):.2f}-"
            f"{max(self.ratios):.2f})  [{by_route}]"
        )


def collect(rounds: list[tuple[float, list[Step]]]) -> tuple[list[float], list[Rounds]]:
    """Per-step medians over rounds of (engine time, steps)."""
    engines = [engine for engine, _ in rounds]
    table = []
    for index, step in enumerate(rounds[-1][1]):
        walls = [steps[index].wall for _, steps in rounds]
        ratios = [steps[index].wall / (steps[index].floor + e) for e, steps in rounds]
        table.append(Rounds(step.name, walls, ratios, step))
    return engines, table


def report(title: str, engines: list[float], table: list[Rounds]) -> None:
    print(
        f"{title}: {len(engines)} rounds; empty-program up (engine) median {median(engines):.2f}s "
        f"({min(engines):.2f}-{max(engines):.2f}); ratio = wall / (floor + engine)"
    )
    for row in table:
        print("  " + row.line())


def timed(name: str, sim: Simulator, action: Callable[[], object]) -> Step:
    before = len(sim.log())
    started = time.monotonic()
    action()
    wall = time.monotonic() - started
    fresh = sim.log()[before:]
    routes = Counter(route_of(e) for e in fresh if e["status"] != 429)
    throttled = sum(1 for e in fresh if e["status"] == 429)
    return Step(name, wall, routes, throttled, floor_seconds(routes, sim.limits()))


def bench_stack(
    program: Callable[[], None], sim: Simulator, state: str, bin_dir: str, **options: Any
) -> auto.Stack:
    """A stack of ``program`` against ``sim``, its state in ``state``, run by ``bin_dir``."""
    return local_stack(
        program, state_dir=state, api_url=sim.url, api_key=KEY, pulumi_bin_dir=bin_dir, **options
    )


def empty_up(sim: Simulator, bin_dir: str, state: str) -> float:
    stack = bench_stack(lambda: None, sim, state, bin_dir, stack_name="empty")
    started = time.monotonic()
    stack.up()
    return time.monotonic() - started


def grid(endpoints: int, groups: int, spec: dict[str, float]) -> Callable[[], None]:
    """The program of an N x G stack; ``spec["min_load"]`` is read at each run."""

    def program() -> None:
        for n in range(endpoints):
            endpoint = Endpoint(f"ep{n}", endpoint_name=f"bench-{n}", min_load=spec["min_load"])
            for g in range(groups):
                Workergroup(
                    f"ep{n}-wg{g}",
                    endpoint_id=endpoint.id,
                    template_hash=f"template-{g}",
                    gpu_ram=24 * (g + 1),
                )
        pulumi.export("n", endpoints)

    return program


def scale(endpoints: int = 10, groups: int = 2, rounds: int = 3) -> None:
    spec = {"min_load": 1.0}
    program = grid(endpoints, groups, spec)
    bin_dir = engine_dir()
    results = []
    for _ in range(rounds):
        spec["min_load"] = 1.0
        with simulator() as sim, tempfile.TemporaryDirectory() as state:
            engine = empty_up(sim, bin_dir, state)
            stack = bench_stack(program, sim, state, bin_dir)
            steps = [
                timed("up", sim, stack.up),
                timed("unchanged up", sim, stack.up),
                timed("preview", sim, stack.preview),
                timed("refresh", sim, stack.refresh),
            ]
            spec["min_load"] = 2.0
            steps.append(timed("update all", sim, stack.up))
            steps.append(timed("destroy", sim, stack.destroy))
        results.append((engine, steps))
    report(f"scale {endpoints} x {groups} ({describe_reading()})", *collect(results))


def describe_reading() -> str:
    strict = f", {READING['strict']:g}x the documented thresholds" if READING["strict"] != 1 else ""
    penalty = f", penalty {READING['penalty']:g}" if READING["penalty"] else ""
    return f"{READING['reading']}{strict}{penalty}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def learning(endpoints: int = 10, groups: int = 2) -> None:
    """A first and a second `up` on a machine that learned nothing before the first."""
    spec = {"min_load": 1.0}
    program = grid(endpoints, groups, spec)
    bin_dir = engine_dir()
    port = free_port()  # one host for both runs: what is learned is kept per API host
    results = []
    with tempfile.TemporaryDirectory() as state:
        for run in ("first up", "second up"):
            with simulator(port) as sim:
                engine = empty_up(sim, bin_dir, state)
                stack = bench_stack(program, sim, state, bin_dir)
                step = timed(run, sim, stack.up)
                stack.destroy()
                stack.workspace.remove_stack(stack.name)
            results.append((engine, [step]))
    print(f"learning {endpoints} x {groups} ({describe_reading()}), one pacing directory:")
    for engine, (step,) in results:
        report(step.name, *collect([(engine, [step])]))


# Stands in for the interpreter that runs the provider process, to time it: when the
# engine started it, signalled it (SIGINT) and saw it end.
_HOST_CLOCK = """
import json, os, signal, subprocess, sys, time
marks = {"start": time.time()}
signal.signal(signal.SIGINT, lambda *_: marks.setdefault("signal", time.time()))
host = subprocess.Popen([os.environ["VAST_BENCH_PYTHON"], *sys.argv[1:]])
host.wait()
marks["end"] = time.time()
with open(os.environ["VAST_BENCH_HOST_MARKS"], "w") as out:
    json.dump(marks, out)
sys.exit(host.returncode)
"""


def quickstart_program() -> None:
    runpy.run_path(str(ROOT / "examples" / "quickstart" / "__main__.py"), run_name="__main__")


def seconds_of(code: str, rounds: int = 5) -> float:
    """Median of what ``code`` prints (a number of seconds), each run in a new interpreter."""
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(rounds)
    ]
    return median(runs)


HOST_READY = """
import subprocess, sys, time
started = time.monotonic()
host = subprocess.Popen([sys.executable, "-u", "-m", "pulumi.dynamic"], stdout=subprocess.PIPE)
host.stdout.readline()
print(time.monotonic() - started)
host.kill()
"""
OUR_IMPORTS = """
import time, dill, grpc, pulumi.dynamic
started = time.monotonic()
import pulumi_vast_serverless.providers, pulumi_vast_serverless.client._client
print(time.monotonic() - started)
"""


def where_the_time_goes(bin_dir: str) -> None:
    """One traced quickstart `up`: the provider process's start, signal and end between
    the engine's start, the API requests and the end (the clock adds a python start)."""
    marks: dict[str, float] = {}

    def program() -> None:
        marks["program"] = time.time()
        quickstart_program()

    with simulator() as sim, tempfile.TemporaryDirectory() as state:
        clock, host_marks = Path(state, "host-clock"), Path(state, "host-marks.json")
        clock.write_text(f"#!{sys.executable}\n{_HOST_CLOCK}")
        clock.chmod(0o755)
        env = {
            "PULUMI_PYTHON_CMD": str(clock),
            "VAST_BENCH_PYTHON": sys.executable,
            "VAST_BENCH_HOST_MARKS": str(host_marks),
        }
        stack = bench_stack(program, sim, state, bin_dir, env=env)
        marks["began"] = time.time()
        stack.up()
        marks["returned"] = time.time()
        times = [e["time"] for e in sim.log()]
        marks.update(first=times[0], last=times[-1], **json.loads(host_marks.read_text()))
    phases = [
        ("engine start to program", "began", "program"),
        ("program to provider start", "program", "start"),
        ("provider start to first request", "start", "first"),
        ("requests (with pacing)", "first", "last"),
        ("last request to SIGINT", "last", "signal"),
        ("SIGINT to provider exit", "signal", "end"),
        ("provider exit to up's end", "end", "returned"),
    ]
    print("  where the time goes (one traced up):")
    for label, start, end in phases:
        print(f"    {label:<33} {marks[end] - marks[start]:5.2f}s")
    print(
        f"    of the provider's start: Pulumi's host alone {seconds_of(HOST_READY):.2f}s to "
        f"its port, this package's imports {seconds_of(OUR_IMPORTS):.2f}s"
    )


def quickstart(rounds: int = 5) -> None:
    bin_dir = engine_dir()
    results, spans = [], []
    for _ in range(rounds):
        with simulator() as sim, tempfile.TemporaryDirectory() as state:
            engine = empty_up(sim, bin_dir, state)
            stack = bench_stack(quickstart_program, sim, state, bin_dir)
            before = len(sim.log())
            step = timed("quickstart up", sim, stack.up)
            times = [e["time"] for e in sim.log()[before:]]
        results.append((engine, [step]))
        spans.append(times[-1] - times[0])
    engines, table = collect(results)
    report("quickstart", engines, table)
    versus_empty = [steps[0].wall / engine for engine, steps in results]
    print(
        f"  wall / empty-program up: median {median(versus_empty):.2f} ({min(versus_empty):.2f}-"
        f"{max(versus_empty):.2f}); first to last API request median {median(spans):.2f}s"
    )
    where_the_time_goes(bin_dir)


def concurrency(threads: int = 8, per_thread: int = 5) -> None:
    with simulator() as sim:
        client = VastClient(KEY, base_url=sim.url)
        lock = threading.Lock()
        errors: list[str] = []

        def work(worker: int) -> None:
            for n in range(per_thread):
                try:
                    client.create_endpoint(endpoint_name=f"bench-{worker}-{n}")
                except Exception as exc:  # counted, reported
                    with lock:
                        errors.append(str(exc))

        step = timed(
            "40 creates",
            sim,
            lambda: list(ThreadPoolExecutor(threads).map(work, range(threads))),
        )
    print(f"concurrency: {threads} threads x {per_thread} creates, errors {len(errors)}")
    report("concurrency", *collect([(0.0, [step])]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "which", choices=("scale", "quickstart", "concurrency", "concurrent", "cost", "learning")
    )
    parser.add_argument("args", nargs="*", type=int, help="scale: N and G; concurrent: K N G")
    parser.add_argument("--rounds", type=int, help="rounds to take medians over")
    parser.add_argument("--alone", action="store_true", help="concurrent: no shared budget")
    parser.add_argument(
        "--reading",
        choices=("interval", "token-bucket", "per-second"),
        default="interval",
        help="how the simulator enforces Vast's thresholds (default interval)",
    )
    parser.add_argument("--penalty", type=float, default=0.0, help="token-bucket penalty tokens")
    parser.add_argument(
        "--strict", type=float, help="the simulator's thresholds times this (learning: 2)"
    )
    args = parser.parse_args()
    READING.update(
        reading=args.reading,
        penalty=args.penalty,
        strict=args.strict or (2.0 if args.which == "learning" else 1.0),
    )
    # Nothing learned before this command, nothing it learns kept after it.
    os.environ["VAST_PACING_DIR"] = tempfile.mkdtemp(prefix="vast-bench-pacing-")
    os.environ.pop("VAST_RATE_LIMIT_SCALE", None)
    if args.which == "scale":
        scale(*args.args, **({"rounds": args.rounds} if args.rounds else {}))
    elif args.which == "quickstart":
        quickstart(**({"rounds": args.rounds} if args.rounds else {}))
    elif args.which == "concurrent":
        import bench_concurrent  # scripts/, beside this file

        stacks, endpoints, groups = [*args.args, *[4, 5, 2][len(args.args) :]][:3]
        bench_concurrent.run(stacks, endpoints, groups, rounds=args.rounds or 3, alone=args.alone)
    elif args.which == "learning":
        learning(*args.args)
    elif args.which == "cost":
        import bench_cost  # scripts/, beside this file

        bench_cost.run(engine_dir())
    else:
        concurrency()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
