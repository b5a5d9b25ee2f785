"""Server-side rate limits per route and client address, as ``client._routes.window`` defines
them."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

from ..client._routes import window


class RateLimiter:
    """A sliding window per (client address, route); refused requests do not count."""

    def __init__(
        self, thresholds: Mapping[str, float], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._thresholds = dict(thresholds)
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], deque[float]] = {}

    def admit(self, client: str, route: str) -> float | None:
        """Count a request and return None, or return the seconds until one is allowed."""
        threshold = self._thresholds.get(route)
        if threshold is None:
            return None
        capacity, span = window(threshold)
        with self._lock:
            now = self._clock()
            seen = self._seen.setdefault((client, route), deque())
            while seen and seen[0] <= now - span:
                seen.popleft()
            if len(seen) >= capacity:
                return seen[0] + span - now
            seen.append(now)
            return None

    @property
    def thresholds(self) -> dict[str, float]:
        """Every limited route and its threshold (requests per second)."""
        return dict(self._thresholds)

    def threshold(self, route: str) -> float | None:
        """Return the route's threshold, or None when it is not limited."""
        return self._thresholds.get(route)

    def reset(self) -> None:
        """Forget every request counted so far."""
        with self._lock:
            self._seen.clear()
