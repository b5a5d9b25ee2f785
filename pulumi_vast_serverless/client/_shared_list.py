"""One list route read by many concurrent operations, with as few requests as they allow.

Vast has no GET by id for most objects, so every read is a list. Each caller says how
fresh its view must be:

- ``fresh=True``: rows from a request sent after the call began (a read after one's own
  write, a check for changes made outside Pulumi);
- by default: rows sent within the last ``ttl`` seconds and after the last write through
  this client (``note_write``), so a client reads its own writes;
- ``snapshot=True``: any rows sent within the last ``ttl`` seconds, even before this
  client's last write (a look before a create, whose own siblings are tracked apart).

Callers whose needs one request meets share it: a request still waiting for its turn
under the route's rate limit takes every caller that arrives before it leaves.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

from .._types import Row
from ._errors import VastError, with_hint

# The longest a fresh read waits for sibling writes under way before it leaves.
SETTLE_SECONDS = 0.5
# The fetch calls its first argument just before the request leaves (each attempt); its
# second says whether the request may yield its turn (only looks, ``snapshot=True``, wait).
Fetch = Callable[[Callable[[], None], Callable[[], bool]], list[Row]]


@dataclass
class _Request:
    result: Future[list[Row]] = field(default_factory=Future)
    sent_at: float | None = None
    #: Whether every caller is a look, whose rows may be old: the request can wait.
    yields: bool = False


class SharedList:
    """The rows of one list route; thread-safe."""

    def __init__(
        self,
        fetch: Fetch,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
        settle: Callable[[float], None] | None = None,
    ) -> None:
        self._fetch = fetch
        self._ttl = ttl
        self._clock = clock
        # Waits (up to its argument, in seconds) for writes of this list's objects.
        self._settle = settle
        self._lock = threading.Lock()
        self._rows: list[Row] | None = None
        self._rows_sent_at = 0.0
        self._pending: _Request | None = None
        self._written_at: float | None = None
        #: Requests sent so far (tests and benchmarks read it).
        self.requests = 0

    def note_write(self) -> None:
        """A write through this client finished: later default reads must reflect it."""
        with self._lock:
            self._written_at = self._clock()

    def get(self, *, fresh: bool = False, snapshot: bool = False) -> list[Row]:
        """Return a private copy of the rows, as fresh as asked (see the module doc)."""
        if fresh and snapshot:
            raise ValueError("a read is either fresh or a snapshot, not both")
        asked = self._clock()
        with self._lock:
            after = asked if fresh else (None if snapshot else self._written_at)
            if self._rows is not None and self._usable(self._rows_sent_at, asked, after):
                return copy.deepcopy(self._rows)
            pending = self._pending
            if pending is not None and (
                pending.sent_at is None or self._usable(pending.sent_at, asked, after)
            ):
                request, leader = pending, False
                request.yields = request.yields and snapshot
            else:
                request = self._pending = _Request(yields=snapshot)
                leader = True
        if leader:
            if fresh and self._settle is not None:
                # A sibling's write about to land would need a list of its own right after
                # this one: wait for it, and both share one (callers join meanwhile).
                self._settle(SETTLE_SECONDS)
            self._lead(request)
        try:
            return copy.deepcopy(request.result.result())
        except VastError as exc:
            # Each waiting thread raises its own copy: one exception object must not
            # collect the tracebacks of several threads.
            raise with_hint(exc, exc.hint) from None

    def _usable(self, sent_at: float, asked: float, after: float | None) -> bool:
        """Rows sent at ``sent_at`` answer a call made at ``asked`` needing ``after``."""
        if after is not None and sent_at < after:
            return False
        return asked - sent_at < self._ttl

    def _lead(self, request: _Request) -> None:
        def mark_sent() -> None:
            with self._lock:
                if request.sent_at is None:
                    request.sent_at = self._clock()
                    self.requests += 1

        try:
            rows = self._fetch(mark_sent, lambda: request.yields)
        except BaseException as exc:
            self._finish(request)
            request.result.set_exception(exc)
            return
        self._finish(request, rows)
        request.result.set_result(rows)

    def _finish(self, request: _Request, rows: list[Row] | None = None) -> None:
        with self._lock:
            if self._pending is request:
                self._pending = None
            sent_at = request.sent_at
            if rows is not None and sent_at is not None and sent_at >= self._rows_sent_at:
                self._rows, self._rows_sent_at = rows, sent_at
