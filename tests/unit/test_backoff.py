"""Retry decisions, checked without sleeping."""

from __future__ import annotations

import email.utils
import time

import pytest

from pulumi_vast_serverless.client._backoff import (
    RateLimitBackoff,
    RetryPolicy,
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
    backoff = RateLimitBackoff(retries=3)
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


def test_a_retry_policy_is_immutable_and_counts_each_kind_of_failure() -> None:
    fixed = RateLimitBackoff(retries=2, base=1.0, jitter=0.0)
    policy = RetryPolicy("GET", rate_limited=fixed, server=fixed)
    first = policy.after_429(None)
    assert first is not None
    after_one, delay = first
    assert (policy.limited, after_one.limited, delay) == (0, 1, 1.0)
    second = after_one.after_429(3.0)  # Vast named the wait
    assert second is not None
    assert (second[0].limited, second[1]) == (2, 3.0)
    assert second[0].after_429(None) is None  # 429s spent: the answer in hand stands
    lost = second[0].after_failure(None)
    assert lost is not None
    assert (lost[0].failed, lost[0].limited) == (1, 2)


@pytest.mark.parametrize(
    ("method", "status", "retried"),
    [("GET", 503, True), ("PUT", None, True), ("POST", 503, False), ("POST", None, False),
     ("GET", 404, False), ("GET", 200, False)],
)  # fmt: skip
def test_a_retry_policy_retries_only_failures_safe_to_repeat(
    method: str, status: int | None, retried: bool
) -> None:
    assert (RetryPolicy(method).after_failure(status) is not None) is retried
