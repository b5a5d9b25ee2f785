"""Reading what an answer says of its route's rate limit, in each form Vast's texts give."""

from __future__ import annotations

import json

import pytest

from pulumi_vast_serverless.client._rate_answers import RateAnswer, read_answer


def test_vasts_page_today_a_threshold_in_seconds_in_a_plain_or_json_body() -> None:
    plain = read_answer({}, "API requests too frequent: endpoint threshold=4.0")
    assert plain == RateAnswer(threshold=4.0)
    assert plain.reported
    wrapped = json.dumps({"detail": "API requests too frequent: endpoint threshold=1.9"})
    assert read_answer({}, wrapped).threshold == 1.9
    assert read_answer({}, "API requests too frequent") == RateAnswer()
    assert not RateAnswer().reported


def test_a_token_bucket_answer_gives_the_interval_one_token_takes() -> None:
    single = {"X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2"}
    assert read_answer(single, "").interval == 2.0
    burst = {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "1.0"}
    assert read_answer(burst, "").interval == 0.5  # two tokens back in a second
    full = {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "0"}
    assert read_answer(full, "").interval is None  # nothing spent: nothing to learn


def test_a_reset_given_as_a_point_in_time_is_read_as_one() -> None:
    epoch = {
        "X-RateLimit-Limit": "1",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "1800000003",
    }
    assert read_answer(epoch, "", now=1_800_000_000.0).interval == pytest.approx(3.0)


def test_a_429_body_says_when_to_retry_more_finely_than_the_header() -> None:
    body = json.dumps({"error": "HTTPTooManyRequests", "retry_after": 0.4, "remaining": 0})
    assert read_answer({"Retry-After": "1"}, body).retry_after == 0.4
    assert read_answer({"Retry-After": "3"}, "not json").retry_after == 3.0
    assert read_answer({}, json.dumps({"retry_after": True})).retry_after is None


def test_unreadable_headers_say_nothing() -> None:
    odd = {"X-RateLimit-Limit": "many", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2"}
    assert read_answer(odd, "") == RateAnswer()
