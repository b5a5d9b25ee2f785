"""Retry decisions, checked without sleeping."""

from __future__ import annotations

import email.utils
import time

import pytest

from pulumi_vast_serverless.client._backoff import (
    RateLimitBackoff,
    parse_retry_after,
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


def test_transport_retry_never_repeats_a_post_after_an_answer() -> None:
    retry = transport_retry()
    assert retry.is_retry("GET", 503)
    assert retry.is_retry("PUT", 502)
    assert not retry.is_retry("POST", 503)
    assert not retry.is_retry("POST", 500)


def test_transport_retry_leaves_429_to_the_paced_loop() -> None:
    retry = transport_retry()
    assert not retry.is_retry("GET", 429, has_retry_after=True)
