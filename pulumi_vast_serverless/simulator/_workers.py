"""One worker of Vast's serverless engine, modelled: its states on a clock, and its bill.

State names are those Vast's CLI and logs give (``worker-states.mdx``), lowercased as the
autoscaler's routes report them. A new worker goes ``pending`` -> ``creating`` ->
``loading`` -> ``model_loading`` and then rests: ``idle`` (active, serving) or ``stopped``
(inactive, a cold worker with its model loaded), or ends in ``error``. An active worker
becomes cold through ``stopping``, a cold one active through ``starting``; a rolling
update takes a worker through ``update_ready``, ``update_rebooting`` and
``update_starting``; a released one is ``destroying`` until it is gone.

Billing follows Vast's pricing guide (``pricing.mdx``, ``worker-states.mdx``): GPU and
storage while ready or loading, storage only while creating or inactive, nothing while
pending, in error or destroying. Bandwidth is not modelled. Whether Loading bills GPU time
is not settled even at Vast (its docs PR #4 was closed: "Loading" covers two container
states, one billed for GPU and one not): the simulator bills it as GPU time, the side that
never under-states a bill.

A worker's schedule is a list of (time, state) on the engine's clock: states are read off
it when asked, so no thread runs in the background.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from .._types import Row

Role = Literal["active", "cold"]

# Seconds each stage takes at speed 1 (Vast's real workers take minutes: this is the shape).
BRING_UP = (("pending", 2.0), ("creating", 18.0), ("loading", 20.0), ("model_loading", 20.0))
ROLL = (("update_ready", 1.0), ("update_rebooting", 30.0), ("update_starting", 10.0))
STOPPING_S, STARTING_S, DESTROYING_S = 3.0, 5.0, 5.0
DESTROYING = "destroying"
READY = "idle"
COLD = "stopped"
ERROR = "error"
GONE = "gone"  # internal: no longer listed
RESTING = frozenset({READY, COLD})
COMING_UP = frozenset(status for status, _ in BRING_UP)

# What each state bills (pricing.mdx): GPU and storage, or storage only; others nothing.
GPU_BILLED = frozenset(
    {"idle", "starting", "update_ready", "update_rebooting", "update_starting", "loading",
     "model_loading"}
)  # fmt: skip
STORAGE_BILLED = GPU_BILLED | {"creating", "stopping", "stopped"}
# The billing state each status counts as (worker-states.mdx's "Billing State" column).
BILLING_STATE = {
    **dict.fromkeys(
        ["idle", "starting", "update_ready", "update_rebooting", "update_starting"], "ready"
    ),
    **dict.fromkeys(["loading", "model_loading"], "loading"),
    "creating": "creating",
    **dict.fromkeys(["stopping", "stopped"], "inactive"),
}


def resting_state(role: Role, failing: bool) -> str:
    """Where a worker comes to rest: serving, cold, or in error for a failing group."""
    if failing:
        return ERROR
    return READY if role == "active" else COLD


@dataclass
class Worker:
    """One worker: where it runs, what it costs, and the times its states begin."""

    id: int
    tenant: str
    endpoint_id: int
    group_id: int
    offer: Row  # the offer it holds, priced for its disk
    role: Role
    schedule: list[tuple[float, str]]
    created_at: str = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
    )

    def status(self, now: float) -> str:
        """The state the schedule gives at ``now``."""
        current = self.schedule[0][1]
        for start, status in self.schedule:
            if start > now:
                break
            current = status
        return current

    @property
    def live(self) -> bool:
        """Still a worker of its group: not released (a released one ends ``gone``)."""
        return self.schedule[-1][1] != GONE

    def listed(self, now: float) -> bool:
        """Still shown by the autoscaler (released ones show while ``destroying``)."""
        return self.status(now) != GONE

    @property
    def rest(self) -> str:
        """Where the worker comes to rest (the schedule's last state)."""
        return self.schedule[-1][1]

    def at_rest(self, now: float) -> bool:
        """Whether it has reached its last state."""
        return self.schedule[-1][0] <= now

    def replan(self, now: float, tail: list[tuple[float, str]]) -> None:
        """From ``now`` on, follow ``tail`` instead of what was planned."""
        self.schedule = [(at, s) for at, s in self.schedule if at <= now] + tail

    def rest_as(self, state: str) -> None:
        """Change where the worker comes to rest, keeping the way there."""
        at, _ = self.schedule[-1]
        self.schedule[-1] = (at, state)

    @property
    def gpu_per_hour(self) -> float:
        """$/h for the GPUs while ready or loading (the offer's ``dph_base``)."""
        return float(self.offer["dph_base"])

    @property
    def storage_per_hour(self) -> float:
        """$/h for the disk (the offer's ``storage_total_cost`` for this disk)."""
        return float(self.offer["storage_total_cost"])

    def rate(self, now: float) -> tuple[float, float]:
        """(GPU, storage) $/h billed at ``now``."""
        status = self.status(now)
        gpu = self.gpu_per_hour if status in GPU_BILLED else 0.0
        storage = self.storage_per_hour if status in STORAGE_BILLED else 0.0
        return gpu, storage

    def billed(self, until: float, since: float | None = None) -> tuple[float, float]:
        """(GPU, storage) dollars billed between ``since`` (its start) and ``until``."""
        gpu = storage = 0.0
        for (start, status), following in zip(
            self.schedule, [*self.schedule[1:], (None, "")], strict=True
        ):
            begin = max(start, since) if since is not None else start
            end = min(following[0], until) if following[0] is not None else until
            hours = max(0.0, end - begin) / 3600
            if status in GPU_BILLED:
                gpu += self.gpu_per_hour * hours
            if status in STORAGE_BILLED:
                storage += self.storage_per_hour * hours
        return gpu, storage

    def row(self, now: float) -> Row:
        """The worker as the autoscaler's routes report it."""
        return {
            "id": self.id,
            "status": self.status(now),
            "url": f"http://127.0.0.1/worker/{self.id}",
            "created_at": self.created_at,
            "workergroup_id": self.group_id,
        }


def bring_up(at: float, rest: str) -> list[tuple[float, str]]:
    """A new worker's schedule from ``at``: its stages, then where it rests."""
    return staged(at, BRING_UP, rest)


def rolled(at: float, rest: str) -> list[tuple[float, str]]:
    """A rolling update's stages for one worker from ``at``, then where it rests."""
    return staged(at, ROLL, rest)


def staged(at: float, stages: tuple[tuple[str, float], ...], rest: str) -> list[tuple[float, str]]:
    """``stages`` one after the other from ``at``, then ``rest``."""
    schedule, begins = [], at
    for status, seconds in stages:
        schedule.append((begins, status))
        begins += seconds
    schedule.append((begins, rest))
    return schedule


def switched(at: float, to: str) -> list[tuple[float, str]]:
    """A resting worker made active (``starting``) or cold (``stopping``)."""
    if to == READY:
        return [(at, "starting"), (at + STARTING_S, READY)]
    return [(at, "stopping"), (at + STOPPING_S, COLD)]


def released(at: float) -> list[tuple[float, str]]:
    """A released worker: destroying, then gone."""
    return [(at, DESTROYING), (at + DESTROYING_S, GONE)]
