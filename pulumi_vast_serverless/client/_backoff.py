"""Retry decisions, kept pure so tests can check them without sleeping.

Connect failures (nothing reached Vast) are retried by urllib3's ``Retry`` on the session
adapter (``transport_retry``). Everything that reached Vast is retried by the client's own
loop, because each attempt must go through the route's pacer again, which urllib3 cannot
do (its retries of a 5xx would burst past Vast's rate limit): 429s, and 5xx answers or
lost answers of idempotent requests (``retry_after_failure``). A POST that may have
reached Vast is never resent blindly; the client reconciles it by listing instead.

``RetryPolicy`` is one request's retries in urllib3's ``Retry.increment`` shape: immutable;
each failure gives the next policy and the wait before the next try, or None when none is
left (then the answer in hand stands).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from urllib3.util.retry import Retry

# Methods Vast treats idempotently: repeating them cannot create a second object.
IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE"})
RETRIED_SERVER_STATUSES = frozenset({500, 502, 503, 504})


def transport_retry(attempts: int = 3) -> Retry:
    """Return the ``Retry`` mounted on the session: connect failures only, any method."""
    return Retry(
        total=attempts,
        connect=attempts,
        read=0,
        status=0,
        other=0,
        redirect=0,
        backoff_factor=0.25,
        backoff_max=4.0,
        backoff_jitter=0.25,
        raise_on_status=False,
        raise_on_redirect=False,
        respect_retry_after_header=False,
    )


def retry_after_failure(method: str, status: int | None) -> bool:
    """Whether a request may be sent again after a 5xx (``status``) or a lost answer (None)."""
    if method.upper() not in IDEMPOTENT_METHODS:
        return False
    return status is None or status in RETRIED_SERVER_STATUSES


@dataclass
class Backoff:
    """How long to wait after the n-th consecutive failure of one request, or give up.

    ``Retry-After`` wins when present; otherwise the wait is ``base * 2**(n-1)`` capped at
    ``cap``, plus up to ``jitter`` seconds so that threads that collided spread out.
    """

    retries: int = 10
    base: float = 0.5
    cap: float = 8.0
    jitter: float = 0.25
    retry_after_cap: float = 60.0
    rng: Callable[[], float] = field(default=random.random, repr=False)

    def delay(self, attempt: int, retry_after: str | None) -> float | None:
        """Return the wait before retry number ``attempt`` (1-based), or None to give up."""
        if attempt > self.retries:
            return None
        parsed = parse_retry_after(retry_after)
        if parsed is not None:
            return min(parsed, self.retry_after_cap)
        exponential = min(self.cap, self.base * 2.0 ** (attempt - 1))
        return float(exponential + self.rng() * self.jitter)


def parse_retry_after(value: str | None) -> float | None:
    """Return a Retry-After header's delay in seconds, or None if absent or unreadable."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(Retry().parse_retry_after(value.strip())))
    except Exception:  # urllib3 raises InvalidHeader; a bad header means "no advice"
        try:
            return max(0.0, float(value))
        except ValueError:
            return None


# A 429: Vast says when; keep trying for a while (a storm lasts seconds).
RateLimitBackoff = Backoff


def server_error_backoff() -> Backoff:
    """For 5xx answers and lost answers of idempotent requests: a few quick tries."""
    return Backoff(retries=3, base=0.25, cap=4.0, jitter=0.25)


@dataclass(frozen=True)
class RetryPolicy:
    """One request's retries so far, and the waits of the next ones."""

    method: str
    rate_limited: Backoff = field(default_factory=Backoff)
    server: Backoff = field(default_factory=server_error_backoff)
    #: 429s answered so far.
    limited: int = 0
    #: 5xx answers and lost answers so far.
    failed: int = 0

    def after_429(self, wait: float | None) -> tuple[RetryPolicy, float] | None:
        """After a 429 (``wait``: the seconds Vast named, if any): the next policy and the
        wait, or None when the budget for 429s is spent."""
        delay = self.rate_limited.delay(self.limited + 1, None if wait is None else str(wait))
        return None if delay is None else (replace(self, limited=self.limited + 1), delay)

    def after_failure(
        self, status: int | None, retry_after: str | None = None
    ) -> tuple[RetryPolicy, float] | None:
        """After an answer of ``status``, or a lost answer (None): the next policy and the
        wait, or None when this is no failure to retry (or the retries are spent)."""
        if not retry_after_failure(self.method, status):
            return None
        delay = self.server.delay(self.failed + 1, retry_after)
        return None if delay is None else (replace(self, failed=self.failed + 1), delay)
