"""Faults that tests queue on a route.

- ``status``: answer ``status`` (4xx/5xx; a 429 carries Retry-After) without doing anything;
- ``success_false``: answer HTTP 200 ``{"success": false, ...}`` without doing anything;
- ``latency``: wait ``seconds``, then handle the request (it commits even if the client
  has gone meanwhile, as Vast does);
- ``drop_before_commit``: close the connection without doing anything;
- ``drop_after_commit``: handle the request, then close the connection unanswered;
- ``revoke_key_after``: handle the request, then revoke the key that sent it (as a user
  who rotates a key mid-run does);
- ``garbled``: handle the request, then answer with every number in the answer replaced
  by text no reading accepts (``"n/a"``): a create's id, a list's fields.

A fault applies to the next ``times`` matching requests, or, with ``for_seconds``, to
every matching request during that many seconds from when it is queued.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

KINDS = (
    "status",
    "success_false",
    "latency",
    "drop_after_commit",
    "drop_before_commit",
    "revoke_key_after",
    "garbled",
)


@dataclass
class Fault:
    """One queued fault; ``times`` is how many matching requests it still applies to."""

    route: str
    kind: str
    times: int = 1
    status: int = 500
    seconds: float = 0.0
    until: float | None = None

    @classmethod
    def from_json(cls, body: Any, clock: Callable[[], float] = time.monotonic) -> Fault:
        """Build a fault from ``POST /_sim/faults`` JSON, raising ValueError when malformed."""
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
        route = body.get("route")
        kind = body.get("kind")
        if not isinstance(route, str) or " " not in route:
            raise ValueError('route must look like "POST /endptjobs/"')
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        times = body.get("times", 1)
        status = body.get("status", 500)
        seconds = body.get("seconds", 0.0)
        for_seconds = body.get("for_seconds")
        if not isinstance(times, int) or times < 1:
            raise ValueError("times must be a positive integer")
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        if not isinstance(seconds, (int, float)) or seconds < 0:
            raise ValueError("seconds must be a non-negative number")
        if for_seconds is not None and (
            not isinstance(for_seconds, (int, float)) or for_seconds <= 0
        ):
            raise ValueError("for_seconds must be a positive number")
        method, path = route.split(" ", 1)
        until = None if for_seconds is None else clock() + float(for_seconds)
        return cls(f"{method.upper()} {path}", kind, times, status, float(seconds), until)


class FaultQueue:
    """Faults waiting for their route, applied first-in first-out."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._clock = clock

    def add(self, fault: Fault) -> None:
        """Queue a fault."""
        with self._lock:
            self._faults.append(fault)

    def take(self, route: str) -> Fault | None:
        """Return the next fault for ``route``, using up one of its ``times``."""
        now = self._clock()
        with self._lock:
            self._faults = [f for f in self._faults if f.until is None or f.until > now]
            for fault in self._faults:
                if fault.route == route:
                    if fault.until is None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        """Drop every queued fault."""
        with self._lock:
            self._faults.clear()
