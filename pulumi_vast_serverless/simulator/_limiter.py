"""Vast's rate limits as its texts describe them, one reading to choose.

Every reading takes the documented thresholds of ``client._routes`` (times ``scale``):

- ``interval`` (Vast's rate-limit page today): a threshold is the least number of seconds
  between two requests of one route and identity (key and address); no burst. A refused
  request does not count. The 429 says ``API requests too frequent: endpoint
  threshold=N``, and no header (the page: "does not currently set standard rate-limit
  headers").
- ``token-bucket`` (Vast's docs PR #68): a bucket per route and method per identity (its
  key, else its address) holding one token that comes back in ``threshold`` seconds; one
  per account across all routes (``ACCOUNT_RATE`` tokens a second, ``ACCOUNT_BURST`` at
  most, our choice: Vast gives no figure); one per address (``ADDRESS_RATE``,
  ``ADDRESS_BURST``). A refusal costs ``penalty`` more tokens of the bucket that refused
  (debt). Answers carry ``X-RateLimit-Limit/Remaining/Reset`` of the most restrictive
  bucket (the one whose next token is furthest), a 429 also ``Retry-After`` and a JSON
  body ``{error, msg, retry_after, limit, remaining}``.
- ``per-second`` (this project's reading until it read Vast's texts): a threshold of N
  allows N requests per second per address, in bursts of ``floor(N)``.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Reading = Literal["interval", "token-bucket", "per-second"]
READINGS: tuple[Reading, ...] = ("interval", "token-bucket", "per-second")
# The account's bucket across routes and the address's: no Vast text gives a figure.
ACCOUNT_RATE = 2.0
ACCOUNT_BURST = 10.0
ADDRESS_RATE = 10.0
ADDRESS_BURST = 20.0
TOO_FREQUENT = "API requests too frequent"


@dataclass(frozen=True)
class Answer:
    """What the limiter adds to an answer: a refusal (429 body) and headers."""

    refused: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class Limiter(Protocol):
    reading: Reading
    scale: float

    def admit(self, identity: str, address: str, route: str) -> Answer:
        """Count a request (or refuse it): what its answer carries."""
        ...

    @property
    def thresholds(self) -> dict[str, float]:
        """Every limited route and its threshold, as this limiter enforces it."""
        ...

    def reset(self) -> None:
        """Forget every request counted so far."""
        ...


def make_limiter(
    reading: Reading,
    thresholds: Mapping[str, float],
    *,
    scale: float = 1.0,
    penalty: float = 0.0,
    account_rate: float = ACCOUNT_RATE,
    clock: Callable[[], float] = time.monotonic,
) -> Limiter:
    """The limiter of ``reading`` over ``thresholds`` times ``scale``."""
    if not scale > 0:
        raise ValueError(f"the limit scale must be positive; got {scale}")
    scaled = {route: seconds * scale for route, seconds in thresholds.items()}
    if reading == "interval":
        return IntervalLimiter(scaled, scale, clock)
    if reading == "token-bucket":
        return TokenBucketLimiter(scaled, scale, clock, penalty=penalty, account_rate=account_rate)
    if reading == "per-second":
        # The old reading took the same figures as requests per second: a larger scale
        # (stricter) is a lower rate.
        return PerSecondLimiter({r: t / scale for r, t in thresholds.items()}, scale, clock)
    raise ValueError(f"unknown rate-limit reading {reading!r}; choose one of {READINGS}")


class _Counting:
    """What every reading keeps: its figure per route, its scale and clock, and what it
    counted so far per key (``_counted``, under ``_lock``)."""

    reading: Reading

    def __init__(
        self, figures: Mapping[str, float], scale: float, clock: Callable[[], float]
    ) -> None:
        self._figures = dict(figures)
        self.scale = scale
        self._clock = clock
        self._lock = threading.Lock()
        self._counted: dict[Any, Any] = {}

    @property
    def thresholds(self) -> dict[str, float]:
        """Every limited route and its figure, as this reading enforces it."""
        return dict(self._figures)

    def reset(self) -> None:
        """Forget every request counted so far."""
        with self._lock:
            self._counted.clear()


class IntervalLimiter(_Counting):
    """At least ``threshold`` seconds between two admitted requests of a route and
    identity."""

    reading: Reading = "interval"

    def admit(self, identity: str, address: str, route: str) -> Answer:
        threshold = self._figures.get(route)
        if threshold is None:
            return Answer()
        with self._lock:
            now = self._clock()
            key = (identity, address, route)
            last = self._counted.get(key)
            if last is not None and now - last < threshold:
                detail = f"{TOO_FREQUENT}: endpoint threshold={threshold:g}"
                return Answer(refused={"detail": detail})
            self._counted[key] = now
            return Answer()


@dataclass
class _Bucket:
    capacity: float
    rate: float  # tokens a second
    tokens: float
    at: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now

    def next_token(self) -> float:
        """Seconds until one token is there."""
        return max(0.0, (1.0 - self.tokens) / self.rate)

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": f"{self.capacity:g}",
            "X-RateLimit-Remaining": str(max(0, math.floor(self.tokens + 1e-9))),
            "X-RateLimit-Reset": f"{(self.capacity - self.tokens) / self.rate:.3f}",
        }


class TokenBucketLimiter(_Counting):
    """Buckets per route and identity, per account, per address (see the module doc)."""

    reading: Reading = "token-bucket"

    def __init__(
        self,
        thresholds: Mapping[str, float],
        scale: float,
        clock: Callable[[], float],
        *,
        penalty: float = 0.0,
        account_rate: float = ACCOUNT_RATE,
    ) -> None:
        super().__init__(thresholds, scale, clock)
        self.penalty = penalty
        self._account = (ACCOUNT_BURST, account_rate / scale)
        self._address = (ADDRESS_BURST, ADDRESS_RATE / scale)

    def _bucket(self, key: tuple[str, ...], capacity: float, rate: float, now: float) -> _Bucket:
        bucket = self._counted.get(key)
        if bucket is None:
            bucket = self._counted[key] = _Bucket(capacity, rate, capacity, now)
        bucket.refill(now)
        return bucket

    def admit(self, identity: str, address: str, route: str) -> Answer:
        threshold = self._figures.get(route)
        if threshold is None:
            return Answer()
        with self._lock:
            now = self._clock()
            # The route's first: the most restrictive wins ties.
            buckets = [
                self._bucket(("route", identity, route), 1.0, 1.0 / threshold, now),
                self._bucket(("account", identity), *self._account, now),
                self._bucket(("address", address), *self._address, now),
            ]
            short = [bucket for bucket in buckets if bucket.tokens < 1.0]
            if short:
                for bucket in short:
                    bucket.tokens -= self.penalty
                binding = _most_restrictive(short)
                retry_after = binding.next_token()
                headers = {**binding.headers(), "Retry-After": str(max(1, math.ceil(retry_after)))}
                body = {
                    "error": "HTTPTooManyRequests",
                    "msg": TOO_FREQUENT,
                    "retry_after": round(retry_after, 3),
                    "limit": binding.capacity,
                    "remaining": 0,
                }
                return Answer(refused=body, headers=headers)
            for bucket in buckets:
                bucket.tokens -= 1.0
            return Answer(headers=_most_restrictive(buckets).headers())


def _most_restrictive(buckets: list[_Bucket]) -> _Bucket:
    """The bucket whose next token is furthest (the first of equals)."""
    return max(buckets, key=lambda bucket: bucket.next_token() - buckets.index(bucket) * 1e-9)


class PerSecondLimiter(_Counting):
    """A sliding window per (address, route): ``floor(rate)`` requests per
    ``floor(rate) / rate`` seconds; refused requests do not count."""

    reading: Reading = "per-second"

    def admit(self, identity: str, address: str, route: str) -> Answer:
        rate = self._figures.get(route)  # requests per second, as this reading has them
        if rate is None:
            return Answer()
        capacity, span = window(rate)
        with self._lock:
            now = self._clock()
            seen = self._counted.setdefault((address, route), deque())
            while seen and seen[0] <= now - span:
                seen.popleft()
            if len(seen) >= capacity:
                wait = seen[0] + span - now
                detail = f"{TOO_FREQUENT} endpoint threshold={rate:g}"
                return Answer({"detail": detail}, {"Retry-After": str(max(1, math.ceil(wait)))})
            seen.append(now)
            return Answer()


def window(rate: float) -> tuple[int, float]:
    """The per-second reading: at most ``n`` requests in ``seconds``. Whole thresholds
    allow a burst of that many per second; 1.9/s allows one request per 1/1.9 s."""
    capacity = max(1, math.floor(rate))
    return capacity, capacity / rate
