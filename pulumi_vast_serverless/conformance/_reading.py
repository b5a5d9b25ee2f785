"""Which reading of its rate limits an API holds to, found with two endpoint lists.

The endpoint list's documented threshold is 3 (seconds between requests by Vast's texts,
requests per second by the reading this project held before). Two lists sent a quarter of
the threshold apart tell the readings apart, and rent nothing:

- the second refused (429) with ``X-RateLimit-*`` headers: ``token-bucket`` (docs PR #68);
- refused without them: ``interval`` (Vast's rate-limit page);
- answered (any status but 429: an empty account's list is a 400): ``per-second`` (or
  limits looser than documented).

The probe waits one threshold first, so earlier requests of the run cannot decide it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

from ..client import read_answer, routes

PROBED_ROUTE = "GET /endptjobs/"


@dataclass(frozen=True)
class ReadingFound:
    """What the probe saw."""

    reading: str
    statuses: tuple[int, ...]
    gap: float

    def describe(self) -> str:
        return (
            f"rate limits: the {self.reading} reading held (two endpoint lists "
            f"{self.gap:.2g} s apart answered {', '.join(map(str, self.statuses))})"
        )


def probe_reading(
    base_url: str,
    api_key: str,
    *,
    threshold: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ReadingFound:
    """Send the two lists (see the module doc) and say which reading their answers fit.

    A first list refused by what came before it is sent again once the answer's threshold
    (or ``retry_after``) has passed, and that threshold sets the gap: an API stricter than
    documented is probed at its own figure."""
    if threshold is None:
        threshold = routes.scaled(routes.DOCUMENTED_THRESHOLDS)[PROBED_ROUTE]
    url = base_url.rstrip("/") + routes.ENDPOINTS
    with requests.Session() as session:
        session.trust_env = False
        session.headers["Authorization"] = f"Bearer {api_key}"
        sleep(threshold)
        first = session.get(url, timeout=30)
        for _ in range(3):
            if first.status_code != 429:
                break
            told = read_answer(first.headers, first.text)
            threshold = told.threshold or told.retry_after or threshold
            sleep(threshold)
            first = session.get(url, timeout=30)
        gap = threshold / 4
        sleep(gap)
        second = session.get(url, timeout=30)
    # Whatever it found, the next request of the run must not be refused for it.
    sleep(threshold)
    statuses = (first.status_code, second.status_code)
    if second.status_code != 429:
        reading = "per-second" if first.status_code != 429 else "unknown"
    elif any(name.lower().startswith("x-ratelimit-") for name in second.headers):
        reading = "token-bucket"
    else:
        reading = "interval"
    return ReadingFound(reading, statuses, gap)
