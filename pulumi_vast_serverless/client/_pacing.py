"""Client-side pacing so requests stay under Vast's per-route thresholds.

Vast limits each route per IP, so pacers are shared by every client and thread of the
process for the same host and route.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from ._routes import window

# Vast counts arrivals and we count departures; the margin absorbs the difference in
# latency between two requests of the same window. It starts small and widens each time
# Vast still answers 429 on the route (a network with more jitter), up to MAX_MARGIN.
WINDOW_MARGIN = 0.02
MARGIN_STEP = 0.05
MAX_MARGIN = 0.25


class RoutePacer:
    """Grants send times so that no window holds more requests than the threshold allows.

    The window is the one ``_routes.window`` defines for the rate, the same the simulator
    enforces.
    """

    def __init__(
        self,
        rate: float,
        *,
        margin: float = WINDOW_MARGIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.capacity, self.window = window(rate)
        self.span = self.window + margin
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._granted: deque[float] = deque(maxlen=self.capacity)
        self._hold_until = 0.0

    def reserve(self) -> float:
        """Book the next send time and return how long to wait for it."""
        with self._lock:
            now = self._clock()
            at = max(now, self._hold_until)
            if self._granted:
                at = max(at, self._granted[-1])
                if len(self._granted) == self.capacity:
                    at = max(at, self._granted[0] + self.span)
            self._granted.append(at)
            return at - now

    def available(self) -> int:
        """How many requests could leave right now without waiting."""
        with self._lock:
            now = self._clock()
            if now < self._hold_until:
                return 0
            recent = sum(1 for at in self._granted if at > now - self.span)
            return max(0, self.capacity - recent)

    def wait(self) -> None:
        """Block until this thread may send."""
        delay = self.reserve()
        if delay > 0:
            self._sleep(delay)

    def hold_off(self, seconds: float) -> None:
        """Grant nothing for ``seconds``, and widen the margin: Vast said the route is over
        its limit though the pacer kept to it."""
        with self._lock:
            self._hold_until = max(self._hold_until, self._clock() + seconds)
            self.span = min(self.window + MAX_MARGIN, self.span + MARGIN_STEP)


_registry: dict[tuple[str, str], RoutePacer] = {}
_registry_lock = threading.Lock()


def shared_pacer(host: str, route: str, rate: float) -> RoutePacer:
    """Return the process-wide pacer for ``route`` on ``host``."""
    with _registry_lock:
        pacer = _registry.get((host, route))
        if pacer is None:
            pacer = _registry[(host, route)] = RoutePacer(rate)
        return pacer
