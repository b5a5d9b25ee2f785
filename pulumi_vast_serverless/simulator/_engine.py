"""Vast's serverless engine (its autoscaler), modelled as Vast's guides describe it.

Scaling is per endpoint (``serverless-parameters.mdx``): the endpoint's ``min_load``,
``target_util``, ``cold_mult``, ``min_cold_load``, ``cold_workers`` and ``max_workers``
decide how many workers it keeps, over all its workergroups together; nothing a
workergroup says about scaling is read. With no traffic (the simulator sends none), the
endpoint keeps ``active`` workers serving and the rest of ``total`` cold:

    active = ceil(min_load / target_util / MEASURED_PERF)
    total  = max(cold_workers, active,
                 ceil(max(min_load * cold_mult, min_cold_load) / MEASURED_PERF))
    both capped by max_workers (active and inactive workers together)

Workers are recruited only from offers of the marketplace (``_offers``) that a group's
search selects and no worker holds, best price-performance first; a group whose search
selects none recruits nothing, and its log says so. Where the guides are silent the
simulator chooses (README "Compatibility"): each new worker goes to the group that has
the fewest, releases take errors first and then the worst price-performance, and an
inactive endpoint's workers are not touched by scaling.

Endpoint states (``pricing.mdx``): ``active`` is managed; ``suspended`` is not, and
workers still coming up finish as ready; ``stopped`` is not, and every worker goes
inactive. A workergroup update that changes what its workers run (``template_hash``,
``template_id``, ``launch_args``) rolls them by itself (``zero-downtime-worker-update.mdx``);
one that changes its search releases the workers whose offer it no longer selects, and
recruits others. The engine acts on a change at its next cycle (every ``CYCLE`` seconds of
its clock), and the simulator lets it catch up at every event (a write, a control, a read
of workers) before applying it, so each decision carries the time it was due and what
workers bill is exact.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from .._types import Row
from ..client import offer_query
from ._offers import build_catalog, recruitable, selects
from ._workers import (
    COLD,
    COMING_UP,
    ERROR,
    READY,
    RESTING,
    Role,
    Worker,
    bring_up,
    released,
    resting_state,
    rolled,
    switched,
)

MEASURED_PERF = 100.0  # load/s a worker serves (Vast measures it by benchmark)
# The engine acts on changes in cycles of this many seconds (its clock): groups created
# together share the first recruitment. The guides do not say how often it runs.
CYCLE = 2.0
# What a workergroup update changes that its running workers run: Vast rolls them.
ROLLED_BY_VAST = frozenset({"template_hash", "template_id", "launch_args"})
# The query terms about who may rent an offer, not about the machine.
_RENTAL_TERMS = frozenset({"rentable", "rented"})


@dataclass(frozen=True)
class Targets:
    """How many workers an endpoint keeps serving, and in all."""

    active: int
    total: int


def targets(endpoint: Row) -> Targets:
    """The endpoint's targets with no traffic (see the module docstring)."""
    min_load = float(endpoint.get("min_load") or 0.0)
    target_util = max(float(endpoint.get("target_util") or 0.9), 0.01)
    cold_mult = float(endpoint.get("cold_mult") or 0.0)
    min_cold_load = float(endpoint.get("min_cold_load") or 0.0)
    active = _workers_for(min_load / target_util)
    total = max(
        int(endpoint.get("cold_workers") or 0),
        active,
        _workers_for(max(min_load * cold_mult, min_cold_load)),
    )
    cap = int(endpoint.get("max_workers") or 0)
    return Targets(active=min(active, cap), total=min(total, cap))


def _workers_for(load: float) -> int:
    # Rounding: 90 / 0.9 is 100.00000000000001, which needs one worker, not two.
    return max(0, math.ceil(load / MEASURED_PERF - 1e-9))


def search_of(group: Row) -> Row:
    """A group's search in Vast's stored form (what the engine recruits by)."""
    try:
        return offer_query.parse(str(group.get("search_params") or ""))
    except offer_query.OfferQueryError:
        return {}


class Engine:
    """Every endpoint's workers, the marketplace they hold, and the engine's logs.

    Thread-safe. Its clock runs ``speed`` times faster than the wall clock when tests say
    so; worker timings and bills are on that clock.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._clock = clock
        self._wall = wall
        self._lock = threading.RLock()
        self.catalog = build_catalog()
        self._workers: dict[int, Worker] = {}
        self._ids = itertools.count(1001)
        self._failing: set[int | None] = set()  # None: every group
        self._states: dict[int, str] = {}  # each endpoint's state when last settled
        self._starved: set[int] = set()  # groups whose search selects no free offer
        self._logs: dict[tuple[str, int], list[str]] = defaultdict(list)
        self._born: dict[int, float] = {}  # workergroup id -> wall time of its create
        self._due: dict[int, float] = {}  # endpoint id -> the cycle that acts on a change
        self.speed = 1.0
        self._origin = clock()
        self._elapsed = 0.0

    # The clock

    def now(self) -> float:
        """Engine time: wall time since the start, times the speed."""
        return self._elapsed + (self._clock() - self._origin) * self.speed

    def set_speed(self, speed: float) -> None:
        """Run the clock ``speed`` times faster from now on."""
        with self._lock:
            self._elapsed = self.now()
            self._origin = self._clock()
            self.speed = speed

    def age(self, group_id: int) -> float:
        """Wall seconds since the workergroup was created (infinite if not seen)."""
        born = self._born.get(group_id)
        return math.inf if born is None else self._wall() - born

    # Events

    def group_created(self, group_id: int) -> None:
        """Note a new workergroup (Vast's autoscaler may not know it for a moment)."""
        with self._lock:
            self._born[group_id] = self._wall()

    def touch(self, endpoint_id: int) -> None:
        """Something the endpoint's scaling depends on changed: the engine acts on it at
        its next cycle."""
        with self._lock:
            due = (math.floor(self.now() / CYCLE) + 1) * CYCLE
            self._due[endpoint_id] = min(due, self._due.get(endpoint_id, math.inf))

    def settle(
        self,
        tenant: str,
        endpoint: Row,
        groups: Iterable[Row],
        disk_of: Callable[[Row], float],
    ) -> None:
        """Bring the engine's view of an endpoint up to now: a state change acts at once;
        scaling acts at the first cycle after a change (call this before and after every
        change, so a cycle that came due acts on what held then)."""
        with self._lock:
            now = self.now()
            endpoint_id = int(endpoint["id"])
            ours = [w for w in self._workers.values() if w.live and w.endpoint_id == endpoint_id]
            state = str(endpoint.get("endpoint_state") or "active")
            before = self._states.get(endpoint_id, state)
            self._states[endpoint_id] = state
            if state != before:
                self._log("endpoint", endpoint_id, f"endpoint state {before} -> {state}")
                self._enter(state, ours, now)
            if state != "active":
                self._due.pop(endpoint_id, None)  # the engine does not manage it
                return
            due = self._due.get(endpoint_id)
            if due is None or due > now:
                return
            del self._due[endpoint_id]
            self._scale(
                tenant, endpoint, sorted(groups, key=lambda g: int(g["id"])), ours, disk_of, due
            )

    def _scale(
        self,
        tenant: str,
        endpoint: Row,
        groups: list[Row],
        ours: list[Worker],
        disk_of: Callable[[Row], float],
        at: float,
    ) -> None:
        """One cycle of the engine for an active endpoint, at engine time ``at``."""
        endpoint_id = int(endpoint["id"])
        for worker in [w for w in ours if w.rest == ERROR and not self._fails(w.group_id)]:
            self._release(worker, at, "replaced: its group no longer fails")
            ours.remove(worker)
        want = targets(endpoint)
        while len(ours) > want.total:
            worker = min(ours, key=lambda w: (w.rest != ERROR, _value(w)))
            self._release(worker, at, "released: the endpoint keeps fewer workers")
            ours.remove(worker)
        while len(ours) < want.total:
            picked = self._pick(groups, ours, disk_of)
            if picked is None:
                break
            group, offer = picked
            ours.append(self._recruit(tenant, endpoint_id, int(group["id"]), offer, at))
        self._assign(ours, want.active, at)

    def group_changed(self, group: Row, changed: Collection[str]) -> int:
        """A workergroup's update: roll what Vast rolls, release what its new search
        leaves out; return how many workers roll."""
        with self._lock:
            now = self.now()
            group_id = int(group["id"])
            for worker in self._live(group_id):
                worker.endpoint_id = int(group["endpoint_id"])
            if "search_params" in changed:
                wanted = {k: v for k, v in search_of(group).items() if k not in _RENTAL_TERMS}
                for worker in self._live(group_id):
                    if not selects(wanted, worker.offer):
                        self._release(worker, now, "released: its offer left the group's search")
            if ROLLED_BY_VAST & set(changed):
                return self.roll(group_id, reason="the group's configuration changed")
            return 0

    def roll(self, group_id: int, reason: str = "asked to") -> int:
        """Replace the group's workers one at a time, cold ones first; return how many."""
        with self._lock:
            now = self.now()
            # Workers still coming up start on the new configuration; the rest roll, and
            # a roll under way starts again with the newest one.
            turns = sorted(
                (
                    w
                    for w in self._live(group_id)
                    if w.rest in RESTING and w.status(now) not in COMING_UP
                ),
                key=lambda w: (w.rest != COLD, w.id),
            )
            begins = now
            for worker in turns:
                tail = rolled(begins, resting_state(worker.role, self._fails(group_id)))
                worker.replan(now, tail)
                begins = tail[-1][0]  # the next worker goes once this one serves again
            if turns:
                self._log(
                    "workergroup", group_id, f"rolling update ({reason}): {len(turns)} workers"
                )
            return len(turns)

    def cancel(self, group_id: int) -> None:
        """Stop a rolling update: a worker being replaced finishes; the others keep theirs."""
        with self._lock:
            now = self.now()
            for worker in self._live(group_id):
                turns = [
                    i
                    for i, (at, status) in enumerate(worker.schedule)
                    if status == "update_ready" and at > now
                ]
                if turns:
                    worker.schedule = worker.schedule[: turns[0]]
            self._log("workergroup", group_id, "rolling update cancelled")

    def fail(self, group_id: int | None, failing: bool = True) -> None:
        """Make the group's workers started from now on end in ``error`` (None: every
        group); with ``failing=False`` the next settle replaces its failed workers."""
        with self._lock:
            (self._failing.add if failing else self._failing.discard)(group_id)

    def release_group(self, group_id: int) -> list[int]:
        """Destroy a deleted group's workers; return their ids."""
        with self._lock:
            now = self.now()
            gone = self._live(group_id)
            for worker in gone:
                self._release(worker, now, "released: its workergroup was deleted")
            self._starved.discard(group_id)
            return [w.id for w in gone]

    # Views

    def rows(self, group_id: int) -> list[Row]:
        """The group's workers as the autoscaler reports them (released ones while they
        are destroying)."""
        with self._lock:
            now = self.now()
            shown = [w for w in self._workers.values() if w.group_id == group_id and w.listed(now)]
            return [w.row(now) for w in sorted(shown, key=lambda w: w.id)]

    def holders(self) -> dict[int, str]:
        """Offer id -> the account whose worker holds it."""
        with self._lock:
            return {int(w.offer["id"]): w.tenant for w in self._workers.values() if w.live}

    def workers(self) -> list[Worker]:
        """Every worker ever recruited, released ones included (their bills stay)."""
        with self._lock:
            return list(self._workers.values())

    def rates(self) -> list[tuple[Worker, float, float]]:
        """Each worker with what it bills now: (worker, GPU $/h, storage $/h)."""
        with self._lock:
            now = self.now()
            return [(w, *w.rate(now)) for w in self._workers.values()]

    def bills(self) -> list[tuple[Worker, float, float]]:
        """Each worker with what it has billed so far: (worker, GPU $, storage $)."""
        with self._lock:
            now = self.now()
            return [(w, *w.billed(until=now)) for w in self._workers.values()]

    def logs(self, kind: str, object_id: int, tail: int | None = None) -> str:
        """The engine's log lines about an endpoint or workergroup, newest last."""
        with self._lock:
            lines = self._logs.get((kind, object_id), [])
            return "\n".join(lines[-tail:] if tail else lines)

    # Internals (the lock is held)

    def _live(self, group_id: int) -> list[Worker]:
        return [w for w in self._workers.values() if w.live and w.group_id == group_id]

    def _fails(self, group_id: int) -> bool:
        return group_id in self._failing or None in self._failing

    def _enter(self, state: str, ours: list[Worker], now: float) -> None:
        """An endpoint's state change: stopped makes every worker inactive; suspended
        lets workers still coming up finish as ready."""
        for worker in ours:
            if worker.rest == ERROR:
                continue
            if state == "stopped":
                worker.role = "cold"
                if not worker.at_rest(now) or worker.rest == READY:
                    worker.replan(now, switched(now, COLD))
            elif state == "suspended" and not worker.at_rest(now):
                worker.role = "active"
                worker.rest_as(READY)

    def _pick(
        self, groups: list[Row], ours: list[Worker], disk_of: Callable[[Row], float]
    ) -> tuple[Row, Row] | None:
        """The group to recruit for (fewest workers first) and the offer it takes."""
        holders = self.holders()
        counts = Counter(w.group_id for w in ours)
        best: tuple[tuple[int, float, int], Row, Row] | None = None
        for group in groups:
            group_id = int(group["id"])
            offers = recruitable(self.catalog, search_of(group), holders, disk_of(group))
            if not offers:
                if group_id not in self._starved:
                    self._starved.add(group_id)
                    self._log(
                        "workergroup",
                        group_id,
                        "no offer matches the search "
                        f"({group.get('search_params') or 'none'}): recruiting nothing",
                    )
                continue
            self._starved.discard(group_id)
            key = (counts[group_id], -float(offers[0]["dlperf_per_dphtotal"]), group_id)
            if best is None or key < best[0]:
                best = (key, group, offers[0])
        return None if best is None else (best[1], best[2])

    def _recruit(
        self, tenant: str, endpoint_id: int, group_id: int, offer: Row, now: float
    ) -> Worker:
        rest = resting_state("cold", self._fails(group_id))
        worker = Worker(
            id=next(self._ids),
            tenant=tenant,
            endpoint_id=endpoint_id,
            group_id=group_id,
            offer=offer,
            role="cold",
            schedule=bring_up(now, rest),
        )
        self._workers[worker.id] = worker
        self._log(
            "workergroup",
            group_id,
            f"recruited worker {worker.id} on offer {offer['id']} ({offer['num_gpus']}x "
            f"{offer['gpu_name']}, ${offer['dph_total']:.3f}/h)",
        )
        return worker

    def _assign(self, ours: list[Worker], active: int, now: float) -> None:
        """Keep ``active`` healthy workers serving and the rest cold, moving as few as
        possible (serving ones stay; among the rest, those ready soonest start)."""
        healthy = [w for w in ours if w.rest != ERROR]
        ranked = sorted(healthy, key=lambda w: (w.role != "active", not w.at_rest(now), w.id))
        for index, worker in enumerate(ranked):
            role: Role = "active" if index < active else "cold"
            if worker.role == role:
                continue
            worker.role = role
            rest = READY if role == "active" else COLD
            if not worker.at_rest(now):
                if worker.rest in RESTING:
                    worker.rest_as(rest)
            elif worker.rest in RESTING and worker.rest != rest:
                worker.replan(now, switched(now, rest))

    def _release(self, worker: Worker, now: float, why: str) -> None:
        worker.replan(now, released(now))
        self._log("workergroup", worker.group_id, f"worker {worker.id} {why}")

    def _log(self, kind: str, object_id: int, text: str) -> None:
        stamp = dt.datetime.fromtimestamp(self._wall(), tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._logs[(kind, object_id)].append(f"{stamp} {text}")


def _value(worker: Worker) -> float:
    """Price-performance: what the engine keeps longest."""
    return float(worker.offer.get("dlperf_per_dphtotal") or 0.0)
