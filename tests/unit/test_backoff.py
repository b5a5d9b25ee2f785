"""Retry decisions, checked without sleeping."""

from __future__ import annotations

import email.utils
import time

import pytest

from pulumi_vast_serverless.client._backoff import (
    RateLimitBackoff,
    parse_retry_after,
    retry_after_failure,
    transport_retry,
)


def test_retry_after_seconds_win_over_exponential() -> None:
    backoff = RateLimitBackoff(rng=lambda: 0.0)
    assert backoff.delay(5, "2") == 2.0


def test_retry_after_http_date_is_understood() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    delay = parse_retry_after(when)
    assert delay is not None
    assert 25 <= delay <= 31


@pytest.mark.parametrize("header", [None, "", "soon", "-"])
def test_unreadable_retry_after_falls_back_to_exponential(header: str | None) -> None:
    backoff = RateLimitBackoff(base=0.5, cap=8.0, jitter=0.0)
    assert [backoff.delay(n, header) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]


def test_exponential_backoff_is_capped_and_jittered() -> None:
    backoff = RateLimitBackoff(base=0.5, cap=4.0, jitter=0.25, rng=lambda: 1.0)
    assert backoff.delay(10, None) == 4.25


def test_retry_after_is_capped() -> None:
    assert RateLimitBackoff(retry_after_cap=60.0).delay(1, "3600") == 60.0


def test_budget_exhausted_gives_up() -> None:
    backoff = RateLimitBackoff(budget=3)
    assert backoff.delay(3, None) is not None
    assert backoff.delay(4, "1") is None


@pytest.mark.parametrize(
    ("method", "status", "again"),
    [
        ("GET", 503, True),
        ("PUT", 502, True),
        ("DELETE", 500, True),
        ("DELETE", None, True),  # the answer was lost: deleting twice is harmless
        ("POST", 503, False),  # a create is reconciled by listing, never resent blindly
        ("POST", None, False),
        ("GET", 400, False),
        ("GET", 429, False),  # 429s have their own paced loop
    ],
)
def test_only_idempotent_requests_are_sent_again_after_a_failure(
    method: str, status: int | None, again: bool
) -> None:
    assert retry_after_failure(method, status) is again


def test_urllib3_retries_connect_failures_only() -> None:
    """Anything that reached Vast is retried by the paced loop, never by urllib3."""
    retry = transport_retry()
    assert retry.connect == 3
    assert (retry.read, retry.status) == (0, 0)
    assert not retry.is_retry("GET", 503)
