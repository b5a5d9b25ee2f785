"""Client-side pacing: requests of one route leave at least its threshold apart, as Vast
enforces it, and what Vast's answers say about its limits is learned and remembered.

Vast's threshold is the least number of seconds between two requests of one route and
identity, with no burst (see ``_routes``). So a route's pacer grants one send time per
interval. The interval in force is, first found first:

- one learned from Vast's answers (``learn``, ``throttled``): a 429's ``threshold=N``, the
  ``X-RateLimit-*`` headers of a bucket, or, when a 429 says nothing at all (not even when
  to retry), twice the interval that drew it. Learned intervals are kept in the budget
  (shared by the machine's processes, see ``_budget``) for ``MEMORY`` seconds, so the next
  run starts at them, and they never drift back towards the documented one on their own:
  no oscillation. A 429 naming the very threshold a route already keeps to means a sender
  this process cannot see shares the identity: this process halves its own share;
- the documented threshold times the host's strictness: once one route of a host turned
  out stricter than its documented threshold, routes not learned yet assume the same
  ratio (Vast stricter than its files on one route is likely stricter on all);
- the documented threshold.

A 429 also holds the route until Vast's ``Retry-After`` (or the body's ``retry_after``);
one on a route paced at what Vast reported is another tier's (the account's bucket, the
address's), and holds every route of the host.

Windows: Vast counts a request when it arrives, we know when it leaves. An answer proves
the request arrived before it, so an answered request counts from its answer; one not
answered yet counts from its departure plus a margin. Grants are booked as if every
request were answered at once, and checked when due against what is known then: a grant
that would come too soon after another waits, in its place, for the interval to pass.

Yielding: a request whose answer may be old (a look before a create, which takes any list
of the last seconds) lets requests that must follow a write (a read-back) go first, even
those booked after it. A look yields for one interval at most: under a steady stream of
read-backs from other stacks it would otherwise never leave.

Queues: when requests of a route wait long behind its limit (``ANNOUNCE_AFTER``), the
pacer says so once through ``announce``, with how many wait and for how long; again only
when the wait has doubled since.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

from ._budget import HOST, Budgets, ProcessBudgets, RouteBudget, budgets_for

log = logging.getLogger("pulumi_vast_serverless")

# Vast counts arrivals and we count departures: a request not answered yet is assumed to
# arrive within this margin after it left (an answered one counts from its answer).
WINDOW_MARGIN = 0.05
# A grant checked again once its interval passes lands this much after that moment, so
# float rounding cannot make it find the same count again.
_AFTER = 1e-6
# How often a yielding request waiting for its grant checks whether it still yields.
_RECHECK = 0.05
# How long what Vast's answers taught is kept: a day.
MEMORY = 24 * 3600.0
# An interval learned from a 429 that said nothing is at most this (seconds).
MAX_INFERRED = 60.0
# The most senders one process assumes it shares a route's limit with.
MAX_SHARES = 8.0
# A queue is announced once some request in it waits this long.
ANNOUNCE_AFTER = 10.0

Announce = Callable[[str], None]


class RoutePacer:
    """Grants send times at least the route's interval apart (see the module doc)."""

    def __init__(
        self,
        threshold: float,
        *,
        route: str = "",
        budgets: Budgets | None = None,
        margin: float = WINDOW_MARGIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        announce: Announce | None = None,
        announce_after: float = ANNOUNCE_AFTER,
    ) -> None:
        #: The documented threshold: seconds between two requests.
        self.threshold = threshold
        self.margin = margin
        self.route = route
        self._budgets = budgets if budgets is not None else ProcessBudgets(clock)
        self._sleep = sleep
        self.announce = announce
        self.announce_after = announce_after
        # This process's share when senders it cannot see use the same identity (see
        # ``throttled``): 1, 2, 4... never back up within the process.
        self._share = 1.0
        self._share_cut_at = -math.inf
        # The wait this process last announced for the route's queue (0: none since it
        # drained). Each process says it once: each stack's user reads its own output.
        self._announced = 0.0

    # What is in force

    def interval_in_force(self, budget: RouteBudget, strictness: float, now: float) -> float:
        """The learned interval while it is remembered, else the documented threshold
        times the host's strictness."""
        if budget.interval is not None and now - budget.learned_at < MEMORY:
            return budget.interval * self._share
        return self.threshold * max(1.0, strictness) * self._share

    @staticmethod
    def _host_view(host: RouteBudget, now: float) -> tuple[float, float]:
        """The host's strictness (while remembered) and its hold (another tier's 429)."""
        remembered = now - host.learned_at < MEMORY
        return (host.strictness if remembered else 1.0), host.hold_until

    @property
    def interval(self) -> float:
        """Seconds between two requests of this route now."""
        with self._budgets.edit_with_host(self.route) as (budget, host):
            now = self._budgets.now()
            return self.interval_in_force(budget, self._host_view(host, now)[0], now)

    def learned(self) -> bool:
        """Whether this route's interval comes from Vast's answers (and is remembered)."""
        with self._budgets.edit(self.route) as budget:
            remembered = self._budgets.now() - budget.learned_at < MEMORY
            return budget.interval is not None and remembered and budget.cut_at < budget.learned_at

    def _span(self, budget: RouteBudget, strictness: float, now: float) -> float:
        return self.interval_in_force(budget, strictness, now) + self.margin

    # Booking and leaving

    def reserve(self, yields: bool = False) -> tuple[float, float]:
        """Book the next send time: (seconds to wait for it, the time itself).

        Booked as if the requests before it were answered at once (no margin); ``depart``
        checks it against what is known when it is due. A request that does not yield is
        booked ahead of grants that do.
        """
        with self._budgets.edit_with_host(self.route) as (budget, host):
            now = self._budgets.now()
            strictness, hold = self._host_view(host, now)
            span = self._span(budget, strictness, now)
            budget.granted = [other for other in budget.granted if other > now - span]
            budget.yielding = [y for y in budget.yielding if y > now and y in budget.granted]
            ahead = budget.granted if yields else _without(budget.granted, budget.yielding)
            at = max(now, budget.hold_until, hold)
            if ahead:
                at = max(at, ahead[-1] + span - self.margin)
            budget.granted.append(at)
            budget.granted.sort()
            if yields:
                budget.yielding.append(at)
            self._maybe_announce(budget, span - self.margin, at, now)
            return at - now, at

    def available(self) -> int:
        """How many requests could leave right now without waiting (0 or 1)."""
        with self._budgets.edit_with_host(self.route) as (budget, host):
            now = self._budgets.now()
            strictness, hold = self._host_view(host, now)
            if now < max(budget.hold_until, hold):
                return 0
            span = self._span(budget, strictness, now)
            return 0 if any(at > now - span for at in budget.granted) else 1

    def wait(self, yields: Callable[[], bool] | None = None) -> float:
        """Block until this thread may send; return its send time (for ``answered`` and
        ``throttled``). ``yields`` says whether the request still yields (it stops when a
        request that must not wait joins it, or after one interval)."""
        yielding = yields is not None and yields()
        delay, at = self.reserve(yielding)
        patience = self._budgets.now() + self.interval + self.margin if yielding else math.inf
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
        last departure is less than an interval ago (a request before it not answered yet,
        or the late departure of a process the machine descheduled), or, for a yielding
        grant, a request that does not yield is due within its interval, the grant moves,
        in its place, to the moment that allows it: (None, that time). Under a hold for a
        429, it is given back: (None, None), to be booked again."""
        with self._budgets.edit_with_host(self.route) as (budget, host):
            strictness, hold = self._host_view(host, self._budgets.now())
            now = max(at, self._budgets.now())
            granted = budget.granted
            _discard(granted, at)
            _discard(budget.yielding, at)
            if max(budget.hold_until, hold) > at:
                return None, None
            span = self._span(budget, strictness, now)
            blocking = [other for other in granted if now - span < other <= now]
            if yields:
                first = _without(granted, budget.yielding)
                blocking += [other for other in first if now <= other < now + span]
            if blocking:
                later = max(blocking) + span + _AFTER
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
                # Stored minus the margin, as spans add it back to every entry.
                budget.granted.append(reached_by - self.margin)
                budget.granted.sort()

    # What Vast's answers teach

    def learn(self, interval: float) -> None:
        """Vast reported this route's interval (seconds): use it from now on, and
        remember it."""
        if not 0 < interval <= MAX_LEARNED:
            return
        with self._budgets.edit(self.route) as budget:
            now = self._budgets.now()
            unchanged = budget.interval is not None and math.isclose(budget.interval, interval)
            budget.interval, budget.learned_at = interval, now
        if not unchanged:
            log.debug("%s: Vast reports one request per %.3g s", self.route, interval)
            self._note_strictness(interval)

    def throttled(
        self,
        retry_in: float,
        sent_at: float,
        threshold: float | None = None,
        *,
        told: bool = False,
        said_when: bool = False,
    ) -> None:
        """Vast answered 429 to a request sent at ``sent_at``: grant nothing for
        ``retry_in`` seconds. With ``threshold`` (seconds, from the answer) the route's
        interval is learned. Without it, a route paced at what Vast reported (``told``:
        its headers, or an earlier answer) was refused by another tier, which holds the
        whole host; a 429 that says nothing at all (no ``said_when``: no Retry-After
        either) on a route paced on the documented figure alone doubles its interval
        (once per burst of 429s: one for a request sent before the last cut says nothing
        new)."""
        if threshold is not None:
            self._contended(threshold, sent_at)
            self.learn(threshold)
        inferred = None
        with self._budgets.edit_with_host(self.route) as (budget, host):
            now = self._budgets.now()
            strictness, _ = self._host_view(host, now)
            budget.hold_until = max(budget.hold_until, now + retry_in)
            # A refused request does not count towards the interval (the hold does that).
            _discard(budget.granted, sent_at)
            silent = threshold is None and not told and not said_when
            if silent and sent_at > budget.cut_at:
                current = self.interval_in_force(budget, strictness, now)
                inferred = min(MAX_INFERRED, 2 * current)
                budget.interval, budget.learned_at, budget.cut_at = inferred, now, now
            if told and threshold is None:  # another tier refused: the whole host waits
                host.hold_until = max(host.hold_until, now + retry_in)
        if inferred is not None:
            log.debug("%s: 429 without a threshold; one request per %.3g s", self.route, inferred)
            self._note_strictness(inferred)

    def _contended(self, threshold: float, sent_at: float) -> None:
        """A 429 naming the very threshold this route was already paced at: a sender this
        process cannot see (another machine behind the same address and key, or one with
        ``VAST_PACING_DIR=off``) uses the same identity. Halve this process's share, once
        per burst of 429s, down to an eighth; it never grows back within the process, so
        two such senders settle rather than oscillate."""
        with self._budgets.edit(self.route) as budget:
            now = self._budgets.now()
            remembered = budget.interval is not None and now - budget.learned_at < MEMORY
            paced_at = budget.interval if remembered else self.threshold
            assert paced_at is not None
            if paced_at + 1e-9 < threshold or sent_at <= self._share_cut_at:
                return
            self._share = min(MAX_SHARES, self._share * 2)
            self._share_cut_at = now
        log.debug("%s: another sender shares this limit; pacing at 1/%g", self.route, self._share)

    def _note_strictness(self, interval: float) -> None:
        """Remember how much stricter than documented this route turned out (only ever
        more strict: a looser route says nothing of the others)."""
        ratio = interval / self.threshold if self.threshold > 0 else 1.0
        if ratio <= 1.0:
            return
        with self._budgets.edit(HOST) as host:
            now = self._budgets.now()
            fresh = now - host.learned_at < MEMORY
            host.strictness = max(ratio, host.strictness if fresh else 1.0)
            host.learned_at = now

    # Telling the user

    def _maybe_announce(self, budget: RouteBudget, interval: float, at: float, now: float) -> None:
        """Say once that requests queue behind this route's limit, when one waits long;
        again when the wait has doubled (called under the budget's lock). The count is the
        machine's: other stacks' requests queue alike."""
        wait = at - now
        if self.announce is None or wait < self.announce_after:
            if wait <= interval:  # the queue drained: a later one is news again
                self._announced = 0.0
            return
        if self._announced and wait < 2 * self._announced:
            return
        self._announced = wait
        queued = sum(1 for other in budget.granted if other > now)
        text = (
            f"{queued} {describe(self.route)} queued behind Vast's limit of 1 per "
            f"{interval:.3g} s: about {wait:.0f} s"
        )
        # Outside the lock's caller: an announcement may be slow (an RPC to the engine).
        threading.Thread(target=self.announce, args=(text,), daemon=True).start()


# An interval larger than this from an answer is not a rate limit (a misread header).
MAX_LEARNED = 600.0

_NOUNS = {
    "endptjobs": "endpoint",
    "autojobs": "workergroup",
    "workergroups": "workergroup",
    "template": "template",
    "bundles": "offer search",
}
_VERBS = {"POST": "creates", "GET": "lists", "PUT": "updates", "DELETE": "deletes"}


def describe(route: str) -> str:
    """``POST /autojobs/`` -> "workergroup creates" (a route key when not known)."""
    method, _, path = route.partition(" ")
    noun = _NOUNS.get(path.strip("/").split("/")[0])
    verb = _VERBS.get(method)
    if noun == "offer search":
        return "offer searches"
    return f"{noun} {verb}" if noun and verb else f"requests of {route}"


def _without(times: list[float], others: list[float]) -> list[float]:
    """``times`` less one entry per entry of ``others``, in the order of ``times``."""
    left = list(times)
    for other in others:
        _discard(left, other)
    return left


def _discard(times: list[float], at: float) -> None:
    if at in times:
        times.remove(at)


_registry: dict[tuple[str, str, float], RoutePacer] = {}
_hosts: dict[str, Budgets] = {}
_registry_lock = threading.Lock()


def shared_pacer(
    host: str,
    route: str,
    threshold: float,
    announce: Announce | None = None,
    announce_after: float = ANNOUNCE_AFTER,
) -> RoutePacer:
    """Return the process-wide pacer for ``route`` on ``host`` at ``threshold``, drawing
    on the machine's budget for ``host`` (see ``_budget``)."""
    with _registry_lock:
        pacer = _registry.get((host, route, threshold))
        if pacer is None:
            budgets = _hosts.get(host)
            if budgets is None:
                budgets = _hosts[host] = budgets_for(host)
            pacer = RoutePacer(
                threshold, route=route, budgets=budgets, announce_after=announce_after
            )
            _registry[(host, route, threshold)] = pacer
        if announce is not None:
            pacer.announce = announce
        return pacer
