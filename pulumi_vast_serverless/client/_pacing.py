"""Client-side pacing so requests stay under Vast's per-route thresholds, shared fairly.

Vast limits each route per IP address. One process alone paces at the documented rate.
Several share it two ways:

- Processes on one machine draw on one budget (``_budget``): their grants together keep to
  the threshold, as one process's would, and Vast never needs to say no.
- Processes that cannot see each other (containers without a shared cache, machines behind
  one address, ``VAST_PACING_DIR=off``) adapt from Vast's answers, as TCP does (AIMD): a
  429 halves the route's rate, once per burst (a 429 for a request sent before the last
  cut says nothing new), and Vast's ``Retry-After`` holds every grant; then the rate grows
  back by a fixed share of the documented rate per second, up to it. Senders that halve
  together and grow alike converge to equal shares, and one left alone is back at full
  speed within seconds. Growth goes by the clock, not by answers, so a sender cut low
  does not need many requests to recover.

Windows: Vast counts a request when it arrives, we know when it leaves. An answer proves
the request arrived before it, so an answered request counts from its answer (the tight
bound: on a fast link the next window opens a few milliseconds after this one, not a fixed
margin later); one not answered yet counts from its departure plus a margin. Grants are
booked as if every request were answered at once, and checked when due against what is
known then: a grant that would crowd a window waits, in its place, for the count to drop.

Yielding: a request whose answer may be old (a look before a create, which takes any list
of the last seconds) leaves each window's last slot to requests that must follow a write
(a read-back), and those may be booked before it. When stacks start at once, their looks
would otherwise take every slot of the first windows while the first creates wait for
their read-backs. A look yields for one window at most: under a steady stream of
read-backs from other stacks it would otherwise never find its window free.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from ._budget import Budgets, ProcessBudgets, RouteBudget, budgets_for
from ._routes import window

# Vast counts arrivals and we count departures: a request not answered yet is assumed to
# arrive within this margin after it left (an answered one counts from its answer).
WINDOW_MARGIN = 0.05
# A grant checked again once its window's count drops lands this much after that moment,
# so float rounding cannot make it find the same count again.
_AFTER = 1e-6
# How often a yielding request waiting for its grant checks whether it still yields.
_RECHECK = 0.05
# AIMD: a 429 multiplies the rate by DECREASE; it grows back by GROWTH x the documented
# rate per second (from half to full in 5 s).
DECREASE = 0.5
GROWTH = 0.1
# The rate never falls below this share of the documented one (16 senders' shares).
MIN_SHARE = 1 / 16


class RoutePacer:
    """Grants send times so that no window holds more requests than the rate in force.

    The window is the one ``_routes.window`` defines for the rate, the same the simulator
    enforces; below the documented rate the burst shrinks with the rate.
    """

    def __init__(
        self,
        rate: float,
        *,
        route: str = "",
        budgets: Budgets | None = None,
        margin: float = WINDOW_MARGIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.capacity, self.window = window(rate)
        self.margin = margin
        self.route = route
        self._budgets = budgets if budgets is not None else ProcessBudgets(clock)
        self._sleep = sleep

    def rate_in_force(self, budget: RouteBudget, now: float) -> float:
        """The documented rate, or a cut one growing back towards it."""
        if budget.rate >= self.rate:
            return self.rate
        return min(self.rate, budget.rate + GROWTH * self.rate * (now - budget.cut_at))

    def shape(self, rate: float) -> tuple[int, float]:
        """The burst and the span of one window at ``rate``, the margin included."""
        rate = min(rate, self.rate)
        burst = max(1, min(self.capacity, math.floor(self.capacity * rate / self.rate + 1e-9)))
        return burst, burst / rate + self.margin

    @property
    def span(self) -> float:
        """The span of one window at the rate in force now."""
        with self._budgets.edit(self.route) as budget:
            return self.shape(self.rate_in_force(budget, self._budgets.now()))[1]

    def reserve(self, yields: bool = False) -> tuple[float, float]:
        """Book the next send time: (seconds to wait for it, the time itself).

        Booked as if the requests before it were answered at once (no margin); ``depart``
        checks it against what is known when it is due. A request that does not yield is
        booked ahead of grants that do; one that yields leaves each window's last slot.
        """
        with self._budgets.edit(self.route) as budget:
            now = self._budgets.now()
            burst, span = self.shape(self.rate_in_force(budget, now))
            # Departures a window ago count no more; every later one may still.
            budget.granted = [other for other in budget.granted if other > now - span]
            budget.yielding = [y for y in budget.yielding if y > now and y in budget.granted]
            ahead = budget.granted if yields else _without(budget.granted, budget.yielding)
            room = _room(burst, yields)
            at = max(now, budget.hold_until)
            if ahead:
                at = max(at, ahead[-1])
                if len(ahead) >= room:
                    at = max(at, ahead[-room] + span - self.margin)
            budget.granted.append(at)
            budget.granted.sort()
            if yields:
                budget.yielding.append(at)
            return at - now, at

    def available(self) -> int:
        """How many requests could leave right now without waiting."""
        with self._budgets.edit(self.route) as budget:
            now = self._budgets.now()
            if now < budget.hold_until:
                return 0
            burst, span = self.shape(self.rate_in_force(budget, now))
            recent = sum(1 for at in budget.granted if at > now - span)
            return max(0, burst - recent)

    def wait(self, yields: Callable[[], bool] | None = None) -> float:
        """Block until this thread may send; return its send time (for ``answered`` and
        ``throttled``). ``yields`` says whether the request still yields (it stops when a
        request that must not wait joins it, or after one window)."""
        yielding = yields is not None and yields()
        delay, at = self.reserve(yielding)
        # Only a yielding request needs it: ``span`` reads the (machine's) budget once more.
        patience = self._budgets.now() + self.span if yielding else math.inf
        while True:
            if delay > 0 and yielding:
                self._sleep(min(delay, _RECHECK))
                if (yields is not None and not yields()) or self._budgets.now() >= patience:
                    self.cancel(at)
                    yielding = False
                    delay, at = self.reserve()
                else:
                    delay = at - self._budgets.now()
                continue
            if delay > 0:
                self._sleep(delay)
            sent, later = self.depart(at, yielding)
            if sent is not None:
                return sent
            if later is None:
                delay, at = self.reserve(yielding)
            else:
                delay, at = later - self._budgets.now(), later

    def depart(self, at: float, yields: bool = False) -> tuple[float | None, float | None]:
        """Turn the grant for ``at`` into a departure now: (the send time, None). When the
        window is still full (requests before it not answered yet, or late departures of a
        process the machine descheduled), the grant moves, in its place, to the moment the
        count drops: (None, that time). Under a hold for a 429, it is given back: (None,
        None), to be booked again."""
        with self._budgets.edit(self.route) as budget:
            now = max(at, self._budgets.now())
            granted = budget.granted
            _discard(granted, at)
            _discard(budget.yielding, at)
            if budget.hold_until > at:
                return None, None
            burst, span = self.shape(self.rate_in_force(budget, now))
            counted = sorted(other for other in granted if now - span < other <= now)
            room = _room(burst, yields)
            if len(counted) >= room:
                # The moment enough of them leave the window for this one to fit.
                later = counted[len(counted) - room] + span + _AFTER
                granted.append(later)
                granted.sort()
                if yields:
                    budget.yielding.append(later)
                return None, later
            granted.append(now)
            granted.sort()
            return now, None

    def cancel(self, at: float) -> None:
        """Give back the grant for ``at`` unused."""
        with self._budgets.edit(self.route) as budget:
            _discard(budget.granted, at)
            _discard(budget.yielding, at)

    def answered(self, sent_at: float) -> None:
        """The request sent at ``sent_at`` has its answer: it reached Vast by now, so it
        counts from now rather than from its departure plus the margin, when that is
        sooner."""
        if self._budgets.now() - sent_at >= self.margin:
            return  # a slow answer: the margin is the sooner bound (no lock taken)
        with self._budgets.edit(self.route) as budget:
            reached_by = self._budgets.now()
            if sent_at in budget.granted and reached_by - sent_at < self.margin:
                budget.granted.remove(sent_at)
                # Stored minus the margin, as windows add it back to every entry.
                budget.granted.append(reached_by - self.margin)
                budget.granted.sort()

    def throttled(self, retry_in: float, sent_at: float) -> None:
        """Vast answered 429 to a request sent at ``sent_at``: grant nothing for
        ``retry_in`` seconds, and halve the rate unless it was cut after that send."""
        with self._budgets.edit(self.route) as budget:
            now = self._budgets.now()
            budget.hold_until = max(budget.hold_until, now + retry_in)
            if sent_at > budget.cut_at:
                budget.rate = max(self.rate * MIN_SHARE, self.rate_in_force(budget, now) * DECREASE)
                budget.cut_at = now


def _room(burst: int, yields: bool) -> int:
    """A request leaves only when its window holds fewer than this many others: a
    yielding one leaves the last slot free."""
    return max(1, burst - 1) if yields else burst


def _without(times: list[float], others: list[float]) -> list[float]:
    """``times`` less one entry per entry of ``others``, in the order of ``times``."""
    left = list(times)
    for other in others:
        _discard(left, other)
    return left


def _discard(times: list[float], at: float) -> None:
    if at in times:
        times.remove(at)


_registry: dict[tuple[str, str], RoutePacer] = {}
_hosts: dict[str, Budgets] = {}
_registry_lock = threading.Lock()


def shared_pacer(host: str, route: str, rate: float) -> RoutePacer:
    """Return the process-wide pacer for ``route`` on ``host``, drawing on the machine's
    budget for ``host`` (see ``_budget``)."""
    with _registry_lock:
        pacer = _registry.get((host, route))
        if pacer is None:
            budgets = _hosts.get(host)
            if budgets is None:
                budgets = _hosts[host] = budgets_for(host)
            pacer = _registry[(host, route)] = RoutePacer(rate, route=route, budgets=budgets)
        return pacer
