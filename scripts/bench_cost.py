"""`python scripts/bench.py cost`: the preview's cost figures against what a simulated hour bills.

Each stack runs against a fresh simulator (Vast's documented limits) through the real
engine: its preview's estimate is read off the engine's diagnostics, then it is deployed
with the simulator's engine running an hour every few seconds, and the simulator's bills
(by worker state, as Vast's pricing guide says) are read after one simulated hour. The
worst case must never be below what was billed.
"""

from __future__ import annotations

import re
import runpy
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import local_stack

ROOT = Path(__file__).resolve().parent.parent
HOUR = 3600.0
SPEED = 1200.0  # an engine-hour in 3 s
_FIGURE = re.compile(r"stack worst case \$([0-9,.]+)/h")
_COLD = re.compile(r"cold workers idle \$([0-9,.]+)/h")


def quickstart() -> None:
    runpy.run_path(str(ROOT / "examples" / "quickstart" / "__main__.py"), run_name="__main__")


def capped() -> None:
    endpoint = Endpoint("busy", endpoint_name="capped", max_workers=8, min_load=300, cold_workers=6)
    Workergroup(
        "rtx", endpoint_id=endpoint.id, template_hash="h",
        search_params="gpu_name=RTX_4090 num_gpus=1", max_hourly_price=0.6,
    )  # fmt: skip


def datacenter() -> None:
    endpoint = Endpoint("dc", endpoint_name="datacenter", max_workers=6, min_load=150)
    for name, search in (("a100", "gpu_name=A100_SXM4 num_gpus=1"), ("h100", "gpu_name=H100_SXM")):
        Workergroup(name, endpoint_id=endpoint.id, template_hash="h", search_params=search)


def idle() -> None:
    endpoint = Endpoint("cold", endpoint_name="idle", max_workers=4, cold_workers=4, min_load=0)
    Workergroup(
        "rtx", endpoint_id=endpoint.id, template_hash="h",
        search_params="gpu_name=RTX_3090 num_gpus=1",
    )  # fmt: skip


STACKS: dict[str, tuple[str, Callable[[], None]]] = {
    "quickstart": ("examples/quickstart: 20 workers at most, 5 cold, min_load 10", quickstart),
    "capped": ("8 at most, 4 serving, RTX 4090 capped at $0.60/h", capped),
    "datacenter": ("6 at most, 2 serving; A100s, and H100s of any count", datacenter),
    "idle": ("4 cold RTX 3090s, none serving", idle),
}


@dataclass
class Row:
    name: str
    shape: str
    worst: float
    cold: float
    billed_gpu: float
    billed_disk: float

    @property
    def billed(self) -> float:
        return self.billed_gpu + self.billed_disk


def measure(name: str, program: Callable[[], None], bin_dir: str) -> Row:
    with run_simulator() as url, tempfile.TemporaryDirectory() as state:
        control = SimulatorControl(url)
        stack = local_stack(
            program, state_dir=state, api_url=url, api_key="bench-key", pulumi_bin_dir=bin_dir
        )
        events: list[auto.EngineEvent] = []
        stack.preview(on_event=events.append)
        infos = [
            e.diagnostic_event.message
            for e in events
            if e.diagnostic_event is not None and e.diagnostic_event.severity == "info"
        ]
        worst = _money(_FIGURE, infos)
        cold = sum(float(m.group(1).replace(",", "")) for i in infos for m in _COLD.finditer(i))
        control.set_worker_speed(SPEED)
        started = control.billing()["engine_seconds"]
        stack.up()
        while control.billing()["engine_seconds"] < started + HOUR:
            time.sleep(0.2)
        billed = control.billing()["endpoints"]
        gpu = sum(entry["gpu"] for entry in billed.values())
        disk = sum(entry["storage"] for entry in billed.values())
        return Row(name, STACKS[name][0], worst, cold, gpu, disk)


def _money(pattern: re.Pattern[str], lines: list[str]) -> float:
    for line in lines:
        found = pattern.search(line)
        if found:
            return float(found.group(1).replace(",", ""))
    raise AssertionError(f"no figure matching {pattern.pattern} in the preview: {lines}")


def run(bin_dir: str) -> None:
    """Measure every stack; print the table; fail if a worst case is below its bill."""
    rows = [measure(name, program, bin_dir) for name, (_, program) in STACKS.items()]
    print("cost: preview estimate vs one simulated hour of bills (USD)")
    print("| stack | shape | worst case at preview ($/h) | cold idle at preview ($/h) "
          "| billed in 1 h | of which GPU | billed / worst |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        ratio = row.billed / row.worst if row.worst else 0.0
        print(
            f"| {row.name} | {row.shape} | {row.worst:.2f} | {row.cold:.4f} | {row.billed:.2f} "
            f"| {row.billed_gpu:.2f} | {ratio:.2f} |"
        )
    below = [row.name for row in rows if row.worst < row.billed]
    if below:
        raise SystemExit(f"cost: the worst case is below what was billed for {below}")


__all__ = ["run"]
