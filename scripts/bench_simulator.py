"""What the benchmarks share: the simulator process they measure against, and its figures.

A module of its own so that `bench.py` and `bench_concurrent.py` both use it without
importing each other.
"""

from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-key"
_ID = re.compile(r"/\d+/")


@dataclass
class Simulator:
    url: str

    @property
    def root(self) -> str:
        return self.url.removesuffix("/api/v0")

    def log(self) -> list[dict[str, Any]]:
        return list(requests.get(self.root + "/_sim/requests", timeout=10).json())

    def limits(self) -> Limits:
        return Limits(**requests.get(self.root + "/_sim/limits", timeout=10).json())


@dataclass
class Limits:
    """What the simulator enforces: its reading, scale and per-route figures."""

    reading: str
    scale: float
    thresholds: dict[str, float]


# How the simulators of this run enforce limits (set from the command line).
READING = {"reading": "interval", "strict": 1.0, "penalty": 0.0}


def simulator_args() -> list[str]:
    return [
        "--rate-limits",
        str(READING["reading"]),
        "--limit-scale",
        str(READING["strict"]),
        "--penalty-tokens",
        str(READING["penalty"]),
    ]


@contextmanager
def simulator(port: int = 0) -> Iterator[Simulator]:
    """A simulator process enforcing the run's reading of Vast's documented limits."""
    env = {k: v for k, v in os.environ.items() if k != "VAST_RATE_LIMIT_SCALE"}
    if os.environ.get("VAST_BENCH_SIMULATOR_PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["VAST_BENCH_SIMULATOR_PYTHONPATH"]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pulumi_vast_serverless.simulator",
            "--port",
            str(port),
            *simulator_args(),
            *os.environ.get("VAST_BENCH_SIMULATOR_ARGS", "").split(),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        yield Simulator(process.stdout.readline().strip())
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)


def route_of(entry: dict[str, Any]) -> str:
    path = entry["path"].removeprefix("/api/v0")
    return f"{entry['method']} {_ID.sub('/{id}/', path)}"


def floor_seconds(per_route: Counter[str], limits: Limits) -> float:
    """The least time the simulator's limits allow for these requests: under the interval
    and token-bucket readings one threshold between two requests of a route; under the
    per-second one a burst of floor(rate) per capacity/rate seconds."""
    least = 0.0
    for route, count in per_route.items():
        figure = limits.thresholds.get(route)
        if not figure:
            continue
        if limits.reading == "per-second":
            capacity = max(1, math.floor(figure))
            least = max(least, (math.ceil(count / capacity) - 1) * capacity / figure)
        else:
            least = max(least, (count - 1) * figure)
    return least


def engine_dir() -> str:
    out = subprocess.run(
        [str(ROOT / "scripts" / "ensure-pulumi")], capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]
