"""Server-side rate limits: at most ``threshold`` requests per route and key per second."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping


class RateLimiter:
    """A sliding one-second window per (tenant, route); refused requests do not count."""

    def __init__(
        self,
        thresholds: Mapping[str, float],
        window: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._thresholds = dict(thresholds)
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], deque[float]] = {}

    def admit(self, tenant: str, route: str) -> float | None:
        """Count a request and return None, or return the seconds until one is allowed."""
        threshold = self._thresholds.get(route)
        if threshold is None:
            return None
        capacity = max(1, int(threshold * self._window))
        with self._lock:
            now = self._clock()
            seen = self._seen.setdefault((tenant, route), deque())
            while seen and seen[0] <= now - self._window:
                seen.popleft()
            if len(seen) >= capacity:
                return seen[0] + self._window - now
            seen.append(now)
            return None

    def threshold(self, route: str) -> float | None:
        """Return the route's threshold, or None when it is not limited."""
        return self._thresholds.get(route)

    def reset(self) -> None:
        """Forget every request counted so far."""
        with self._lock:
            self._seen.clear()
