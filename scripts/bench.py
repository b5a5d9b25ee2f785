"""Benchmarks with figures for the notes: `python scripts/bench.py [NAME ...]`.

- concurrency: 8 threads create 40 endpoints through one client under Vast's documented
  limits; reports requests, 429s, wall time and the minimum the limits allow.
- quickstart: `pulumi up` of examples/quickstart through the real engine; reports the API
  requests it sent and the 429s it met.
- refresh: `pulumi refresh` of 1 endpoint and N workergroups; reports list calls.
"""

from __future__ import annotations

import argparse
import math
import runpy
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pulumi

from pulumi_vast_serverless import Endpoint, VastClient, Workergroup
from pulumi_vast_serverless.client._routes import DOCUMENTED_LIMITS, route_key
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import local_stack

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-key"


def minimum_seconds(requests_per_route: Counter[str]) -> float:
    """The least wall time the documented per-second limits allow for these requests."""
    return max(
        (
            math.ceil(n / DOCUMENTED_LIMITS[route]) - 1
            for route, n in requests_per_route.items()
            if route in DOCUMENTED_LIMITS
        ),
        default=0,
    )


def summarize(control: SimulatorControl) -> tuple[int, int, Counter[str]]:
    log = control.requests()
    routes: Counter[str] = Counter()
    for entry in log:
        if entry["status"] != 429:
            routes[route_key(entry["method"], entry["path"].removeprefix("/api/v0"))] += 1
    return len(log), sum(1 for e in log if e["status"] == 429), routes


def concurrency(threads: int = 8, per_thread: int = 5) -> None:
    with run_simulator() as url:
        client = VastClient(KEY, base_url=url)
        lock = threading.Lock()
        errors: list[str] = []

        def work(worker: int) -> None:
            for n in range(per_thread):
                try:
                    client.create_endpoint(endpoint_name=f"bench-{worker}-{n}")
                except Exception as exc:  # counted, reported
                    with lock:
                        errors.append(str(exc))

        started = time.monotonic()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(work, range(threads)))
        wall = time.monotonic() - started
        control = SimulatorControl(url)
        sent, throttled, routes = summarize(control)
        created = len(client.list_endpoints(fresh=True))
    floor = minimum_seconds(routes)
    print(
        f"concurrency: {threads} threads x {per_thread} creates; errors={len(errors)} "
        f"endpoints={created} requests={sent} 429s={throttled} wall={wall:.2f}s "
        f"minimum={floor:.2f}s ratio={wall / floor:.3f}"
    )


def engine_dir() -> str:
    out = subprocess.run(
        [str(ROOT / "scripts" / "ensure-pulumi")], capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def quickstart() -> None:
    def program() -> None:
        runpy.run_path(str(ROOT / "examples" / "quickstart" / "__main__.py"), run_name="__main__")

    with run_simulator() as url, tempfile.TemporaryDirectory() as state:
        stack = local_stack(
            program, state_dir=state, api_url=url, api_key=KEY, pulumi_bin_dir=engine_dir()
        )
        started = time.monotonic()
        stack.up()
        wall = time.monotonic() - started
        sent, throttled, routes = summarize(SimulatorControl(url))
    print(
        f"quickstart up: requests={sent} 429s={throttled} wall={wall:.2f}s by route={dict(routes)}"
    )


def refresh(groups: int = 10) -> None:
    def program() -> None:
        ep = Endpoint("ep", endpoint_name="bench")
        for n in range(groups):
            Workergroup(f"wg{n}", endpoint_id=ep.id, template_hash=f"h{n}")
        pulumi.export("id", ep.id)

    with run_simulator() as url, tempfile.TemporaryDirectory() as state:
        stack = local_stack(
            program, state_dir=state, api_url=url, api_key=KEY, pulumi_bin_dir=engine_dir()
        )
        stack.up()
        control = SimulatorControl(url)
        before = len(control.requests())
        started = time.monotonic()
        stack.refresh()
        wall = time.monotonic() - started
        log = control.requests()[before:]
    lists = Counter(e["path"] for e in log if e["method"] == "GET")
    print(
        f"refresh of 1 endpoint + {groups} workergroups: requests={len(log)} "
        f"lists={dict(lists)} wall={wall:.2f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    benches = {"concurrency": concurrency, "quickstart": quickstart, "refresh": refresh}
    parser.add_argument("which", nargs="*", help=f"any of {', '.join(benches)} (default: all)")
    chosen = parser.parse_args().which or list(benches)
    for which in chosen:
        if which not in benches:
            parser.error(f"unknown benchmark {which!r}; choose from {', '.join(benches)}")
        benches[which]()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
