"""A short-lived, single-flight cache of one list route.

Vast has no GET by id, so every read is a list. Callers that ask at the same time share
one request, and a result stays good for ``ttl`` seconds unless a write invalidates it.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

Row = dict[str, Any]


class ListCache:
    """Caches the rows returned by ``fetch``; thread-safe."""

    def __init__(
        self,
        fetch: Callable[[], list[Row]],
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._rows: list[Row] | None = None
        self._fetched_at = 0.0
        self._generation = 0
        self._inflight: Future[list[Row]] | None = None

    def get(self, *, fresh: bool = False) -> list[Row]:
        """Return a private copy of the rows; ``fresh`` forces a request started now."""
        with self._lock:
            if not fresh:
                if self._rows is not None and self._clock() - self._fetched_at < self._ttl:
                    return copy.deepcopy(self._rows)
                if self._inflight is not None:
                    shared = self._inflight
                    leader = False
                else:
                    shared = self._inflight = Future()
                    leader = True
            else:
                shared = Future()
                leader = True
            generation = self._generation
        if not leader:
            return copy.deepcopy(shared.result())
        try:
            rows = self._fetch()
        except BaseException as exc:
            shared.set_exception(exc)
            self._finish(shared, None, generation)
            raise
        shared.set_result(rows)
        self._finish(shared, rows, generation)
        return copy.deepcopy(rows)

    def _finish(self, shared: Future[list[Row]], rows: list[Row] | None, generation: int) -> None:
        with self._lock:
            if self._inflight is shared:
                self._inflight = None
            # A write since the request started may not be in these rows: do not keep them.
            if rows is not None and generation == self._generation:
                self._rows = rows
                self._fetched_at = self._clock()

    def invalidate(self) -> None:
        """Forget the cached rows; called after every write to this list."""
        with self._lock:
            self._generation += 1
            self._rows = None
            self._inflight = None
