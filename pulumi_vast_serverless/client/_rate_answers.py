"""What Vast's answers say about its rate limits, in the forms its texts give.

- Its rate-limit page (today): a 429 whose body, plain text or JSON, reads "API requests
  too frequent: endpoint threshold=N", N the least seconds between two requests; no
  headers.
- Its docs PR #68 (token buckets): ``X-RateLimit-Limit`` (the bucket's capacity),
  ``X-RateLimit-Remaining`` (tokens left), ``X-RateLimit-Reset`` (seconds until it is full
  again) on answers, ``Retry-After`` on a 429, and a 429 JSON body with ``retry_after``.

The interval a bucket implies is the time one token takes to come back:
``reset / (limit - remaining)``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from ._backoff import parse_retry_after

_THRESHOLD = re.compile(r"threshold\s*=\s*([0-9]*\.?[0-9]+)", re.IGNORECASE)
# A reset larger than this is a point in time (epoch seconds), not a number of seconds.
_EPOCH = 1e6


@dataclass(frozen=True)
class RateAnswer:
    """What one answer told about its route's limit; None where it said nothing."""

    #: Seconds between two requests, from a 429's ``threshold=N``.
    threshold: float | None = None
    #: Seconds between two requests, from the ``X-RateLimit-*`` headers of a bucket.
    interval: float | None = None
    #: Seconds to wait before sending again (a 429's ``retry_after`` or ``Retry-After``).
    retry_after: float | None = None

    @property
    def reported(self) -> bool:
        """Whether the answer said anything of the limit at all."""
        return self.threshold is not None or self.interval is not None


def read_answer(headers: Mapping[str, str], text: str, now: float | None = None) -> RateAnswer:
    """Read the rate-limit information of one answer (any status)."""
    return RateAnswer(
        threshold=_threshold(text),
        interval=_bucket_interval(headers, time.time() if now is None else now),
        retry_after=_retry_after(headers, text),
    )


def _threshold(text: str) -> float | None:
    match = _THRESHOLD.search(text or "")
    if match is None:
        return None
    value = float(match.group(1))
    return value if value > 0 else None


def _number(headers: Mapping[str, str], name: str) -> float | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return float(raw.strip())
    except ValueError:
        return None


def _bucket_interval(headers: Mapping[str, str], now: float) -> float | None:
    limit = _number(headers, "X-RateLimit-Limit")
    remaining = _number(headers, "X-RateLimit-Remaining")
    reset = _number(headers, "X-RateLimit-Reset")
    if limit is None or remaining is None or reset is None:
        return None
    if reset > _EPOCH:
        reset -= now
    spent = limit - max(0.0, remaining)
    if reset <= 0 or spent <= 0:
        return None
    return reset / spent


def _retry_after(headers: Mapping[str, str], text: str) -> float | None:
    """The body's ``retry_after`` (it may be finer than the header's whole seconds), else
    the ``Retry-After`` header."""
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    if isinstance(body, dict):
        value = body.get("retry_after")
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            return float(value)
    return parse_retry_after(headers.get("Retry-After"))
