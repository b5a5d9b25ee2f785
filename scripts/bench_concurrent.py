"""`python scripts/bench.py concurrent K N G`: K stacks of N x G at once, one account.

K processes (as a CI matrix or a monorepo's app stacks would run them) each open a stack of
N endpoints with G workergroups (select or create it, set its config, as a CI job does
before its `up`), then all `up` at the same moment, through the real engine, against one
simulator process with Vast's documented limits, all with one API key; then each destroys
its stack, again at once. Per step: the wall time from that moment to the last `up` (or
`destroy`) returning, the requests by route, the 429s, whether every stack ended as
declared, and the ratio wall / (floor + engine): "floor" is the least time the limits allow
for all the requests sent, "engine" an empty program's `up` in one such process, timed the
same way in the same round (as `scale` and `quickstart` time theirs).

`--alone` gives each process its own pacing budget (`VAST_PACING_DIR=off`): the pacers share
only through Vast's answers, as processes sharing one address without a shared directory
(runners behind one NAT address) would.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import pulumi
from bench_simulator import KEY, Simulator, engine_dir, floor_seconds, route_of, simulator

from pulumi_vast_serverless import Endpoint, VastClient, Workergroup
from pulumi_vast_serverless.testing import local_stack

SCRIPT = Path(__file__).resolve()


@dataclass
class Step:
    name: str
    wall: float
    requests: int
    throttled: int
    floor: float
    correct: bool
    routes: Counter[str]
    #: The least time the limits allow for the creates alone (the issue's measure).
    creates_floor: float = 0.0

    def ratio(self, engine: float) -> float:
        return self.wall / (self.floor + engine)

    def creates_ratio(self, engine: float) -> float:
        return self.wall / (self.creates_floor + engine)


def stack_program(index: int, endpoints: int, groups: int) -> None:
    for n in range(endpoints):
        endpoint = Endpoint(f"ep{n}", endpoint_name=f"c{index}-{n}")
        for g in range(groups):
            Workergroup(
                f"ep{n}-wg{g}", endpoint_id=endpoint.id, template_hash=f"t{g}", gpu_ram=24 * (g + 1)
            )
    pulumi.export("n", endpoints)


def one_stack(action: str, url: str, index: int, endpoints: int, groups: int, state: str) -> None:
    """The child process: open one stack, say "ready", wait for "go", `up` or `destroy`
    it, say "done"."""
    stack = local_stack(
        lambda: stack_program(index, endpoints, groups),
        state_dir=state,
        api_url=url,
        api_key=KEY,
        stack_name=f"s{index}",
        pulumi_bin_dir=os.environ["VAST_BENCH_BIN"],
    )
    print("ready", flush=True)
    sys.stdin.readline()
    getattr(stack, action)()
    print("done", flush=True)


def run_children(
    action: str, sim: Simulator, tmp: str, shape: list[tuple[int, int, int]], alone: bool
) -> tuple[float, bool]:
    """Start one process per (index, N, G); once every one has opened its stack, start
    them at once: the wall until the last is done, and whether every one succeeded."""
    env = {**os.environ, "VAST_BENCH_BIN": engine_dir()}
    if alone:
        env["VAST_PACING_DIR"] = "off"
    else:
        env["VAST_PACING_DIR"] = str(Path(tmp, "pacing"))
    children = [
        subprocess.Popen(
            [sys.executable, str(SCRIPT), action, sim.url, str(i), str(n), str(g), tmp + f"/s{i}"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, n, g in shape
    ]
    opened = [_said(child, "ready") for child in children]
    started = time.monotonic()
    for child in children:
        assert child.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # it failed to open: reported below
            child.stdin.write("go\n")
            child.stdin.flush()
    done = [_said(child, "done") for child in children]
    wall = time.monotonic() - started
    ok = all(opened) and all(done)
    for child in children:
        _, err = child.communicate()
        if child.returncode:
            ok = False
            print(f"  a stack failed: {err.strip().splitlines()[-1:]}", file=sys.stderr)
    return wall, ok


def _said(child: subprocess.Popen[str], word: str) -> bool:
    """Wait for ``child`` to print ``word``; False if it ended first."""
    assert child.stdout is not None
    return child.stdout.readline().strip() == word


def deployed_as_declared(sim: Simulator, stacks: int, endpoints: int, groups: int) -> bool:
    """Every stack's endpoints exist once each, with exactly their groups."""
    with VastClient(KEY, base_url=sim.url) as client:
        rows = client.list_endpoints(fresh=True)
        names = Counter(str(row.get("endpoint_name")) for row in rows)
        wanted = {f"c{i}-{n}" for i in range(stacks) for n in range(endpoints)}
        per_endpoint = Counter(int(g["endpoint_id"]) for g in client.list_workergroups(fresh=True))
    return (
        set(names) == wanted
        and all(count == 1 for count in names.values())
        and all(per_endpoint[int(row["id"])] == groups for row in rows)
        and sum(per_endpoint.values()) == stacks * endpoints * groups
    )


def measured(
    name: str, sim: Simulator, run: tuple[float, bool], entries: list[dict[str, object]], ok: bool
) -> Step:
    wall, succeeded = run
    routes = Counter(
        route_of(e) for e in entries if e["status"] != 429 and "/_sim/" not in str(e["path"])
    )
    throttled = sum(1 for e in entries if e["status"] == 429)
    floor = floor_seconds(routes, sim.limits())
    refused = Counter(route_of(e) for e in entries if e["status"] == 429)
    by_route = Counter(
        {
            f"{route} (429: {refused[route]})" if refused[route] else route: n
            for route, n in routes.items()
        }
    )
    creates = Counter({route: n for route, n in routes.items() if route.startswith("POST ")})
    return Step(
        name,
        wall,
        sum(routes.values()) + throttled,
        throttled,
        floor,
        succeeded and ok,
        by_route,
        floor_seconds(creates, sim.limits()),
    )


def one_round(stacks: int, endpoints: int, groups: int, alone: bool) -> tuple[float, list[Step]]:
    with simulator() as sim, tempfile.TemporaryDirectory() as tmp:
        engine, _ = run_children("up", sim, tmp, [(stacks, 0, 0)], alone)
        shape = [(i, endpoints, groups) for i in range(stacks)]
        shape_of = (stacks, endpoints, groups)
        before = len(sim.log())
        up = run_children("up", sim, tmp, shape, alone)
        up_entries = sim.log()[before:]
        up_step = measured("up", sim, up, up_entries, deployed_as_declared(sim, *shape_of))
        before = len(sim.log())
        down = run_children("destroy", sim, tmp, shape, alone)
        down_entries = sim.log()[before:]
        destroy_step = measured(
            "destroy", sim, down, down_entries, deployed_as_declared(sim, 0, 0, 0)
        )
    return engine, [up_step, destroy_step]


def run(
    stacks: int = 4, endpoints: int = 5, groups: int = 2, rounds: int = 3, alone: bool = False
) -> None:
    results = [one_round(stacks, endpoints, groups, alone) for _ in range(rounds)]
    engines = [engine for engine, _ in results]
    budget = "each process alone (VAST_PACING_DIR=off)" if alone else "one machine budget"
    print(
        f"concurrent {stacks} x ({endpoints} x {groups}), {budget}: {rounds} rounds; empty-program "
        f"up (engine) median {median(engines):.2f}s; ratio = wall / (floor + engine)"
    )
    for index, name in enumerate(("up", "destroy")):
        steps = [steps[index] for _, steps in results]
        ratios = [step.ratio(engine) for step, engine in zip(steps, engines, strict=True)]
        share = [step.throttled / step.requests for step in steps]
        correct = "yes" if all(step.correct for step in steps) else "NO"
        wall = median(step.wall for step in steps)
        requests = median(step.requests for step in steps)
        throttled = median(step.throttled for step in steps)
        floor = median(step.floor for step in steps)
        print(
            f"  {name:<8} all correct {correct}  wall {wall:5.2f}s  requests {requests:5.0f}  "
            f"429s {throttled:4.0f} ({median(share):.0%}, max {max(share):.0%})  floor "
            f"{floor:5.2f}s  ratio {median(ratios):4.2f} ({min(ratios):.2f}-{max(ratios):.2f})"
        )
        if any(step.creates_floor for step in steps):
            # The floor above counts lists too, and their number varies from round to round.
            creates = [
                step.creates_ratio(engine) for step, engine in zip(steps, engines, strict=True)
            ]
            least = median(step.creates_floor for step in steps)
            print(
                f"    against the creates' floor alone ({least:.2f}s): ratio "
                f"{median(creates):4.2f} ({min(creates):.2f}-{max(creates):.2f})"
            )
        print(
            "    last round: " + ", ".join(f"{r} {n}" for r, n in sorted(steps[-1].routes.items()))
        )


if __name__ == "__main__":
    action, url, index, endpoints, groups, state = sys.argv[1:7]
    one_stack(action, url, int(index), int(endpoints), int(groups), state)
