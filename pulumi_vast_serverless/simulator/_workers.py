"""The workers of Vast's autoscaler, modelled: each moves through its states on a clock.

A worker goes ``creating`` -> ``loading`` -> ``idle`` (ready), or ends in ``error`` for a
group told to fail (``SimulatorControl.fail_workers``); once the group is healed, the
autoscaler replaces its failed workers with new ones. A rolling update replaces workers
one at a time, each ``updating`` until it serves again (Vast does not document the status
of a worker being replaced; ``updating`` is our name for it). The clock runs faster when
tests say so (``SimulatorControl.set_worker_speed``). States are computed from timestamps
when asked: no thread runs in the background.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]

# Seconds each stage takes at speed 1 (Vast's real workers take minutes: this is the shape).
STAGES = (("creating", 20.0), ("loading", 40.0))
READY = "idle"


@dataclass
class Worker:
    """One worker: the times its states begin (on the autoscaler's clock)."""

    id: int
    created: float
    schedule: list[tuple[float, str]] = field(default_factory=list)
    created_at: str = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
    )

    def status(self, now: float) -> str:
        """The state the schedule gives at ``now``."""
        current = self.schedule[0][1]
        for start, status in self.schedule:
            if start <= now:
                current = status
        return current


class Autoscaler:
    """The workers of every workergroup; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._ids = itertools.count(1001)
        self._groups: dict[int, list[Worker]] = {}
        self._failing: set[int | None] = set()  # None: every group
        self.speed = 1.0
        self._origin = clock()
        self._elapsed = 0.0  # autoscaler time before the last speed change

    def now(self) -> float:
        """Autoscaler time: wall time since the start, times the speed."""
        return self._elapsed + (self._clock() - self._origin) * self.speed

    def set_speed(self, speed: float) -> None:
        """Run the clock ``speed`` times faster from now on."""
        with self._lock:
            self._elapsed = self.now()
            self._origin = self._clock()
            self.speed = speed

    def fail(self, group_id: int | None, failing: bool = True) -> None:
        """Make the group's workers end in ``error`` (those started from now on); None
        means every group."""
        with self._lock:
            (self._failing.add if failing else self._failing.discard)(group_id)

    def ensure(self, group_id: int, count: int) -> None:
        """Start workers until the group has ``count``; a group no longer failing gets new
        workers for its failed ones."""
        with self._lock:
            workers = self._groups.setdefault(group_id, [])
            if not self._fails(group_id):
                now = self.now()
                workers[:] = [w for w in workers if w.status(now) != "error"]
            while len(workers) < count:
                now = self.now()
                schedule = self._schedule(group_id, now, first="creating")
                workers.append(Worker(next(self._ids), now, schedule))

    def remove(self, group_id: int) -> list[int]:
        """Destroy the group's workers; return their ids."""
        with self._lock:
            return [worker.id for worker in self._groups.pop(group_id, [])]

    def rows(self, group_id: int) -> list[Row]:
        """The group's workers as the autoscaler reports them."""
        now = self.now()
        with self._lock:
            workers = list(self._groups.get(group_id, []))
        return [
            {
                "id": worker.id,
                "status": worker.status(now),
                "url": f"http://127.0.0.1/worker/{worker.id}",
                "created_at": worker.created_at,
                "workergroup_id": group_id,
            }
            for worker in workers
        ]

    def roll(self, group_id: int) -> int:
        """Replace the group's workers one at a time; return how many will be updated."""
        with self._lock:
            workers = self._groups.get(group_id, [])
            begins = self.now()
            for worker in workers:
                past = [(at, status) for at, status in worker.schedule if at < begins]
                update = self._schedule(group_id, begins, first="updating")
                worker.schedule = past + update
                begins = update[-1][0]  # the next worker goes once this one serves again
            return len(workers)

    def cancel(self, group_id: int) -> None:
        """Stop a rolling update: a worker being replaced finishes; the others' turns are
        dropped."""
        with self._lock:
            now = self.now()
            for worker in self._groups.get(group_id, []):
                turns = [
                    i
                    for i, (at, status) in enumerate(worker.schedule)
                    if status == "updating" and at > now
                ]
                if turns:
                    worker.schedule = worker.schedule[: turns[0]]

    def _schedule(self, group_id: int, at: float, first: str) -> list[tuple[float, str]]:
        """A new worker's stages, or one ``updating`` stage as long as all of them for a
        worker being replaced; then ready (or error for a failing group)."""
        stages = STAGES if first == "creating" else ((first, sum(s for _, s in STAGES)),)
        schedule, begins = [], at
        for status, seconds in stages:
            schedule.append((begins, status))
            begins += seconds
        schedule.append((begins, "error" if self._fails(group_id) else READY))
        return schedule

    def _fails(self, group_id: int) -> bool:
        return group_id in self._failing or None in self._failing
