"""Reads of one list shared by concurrent callers, as fresh as each asks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from pulumi_vast_serverless._types import Row
from pulumi_vast_serverless.client._shared_list import Fetch, SharedList
from tests.support.clock import FakeClock


def counting_fetch(calls: list[int]) -> Fetch:
    def fetch(on_send: Callable[[], None], yields: Callable[[], bool]) -> list[Row]:
        on_send()
        calls.append(1)
        return [{"id": len(calls)}]

    return fetch


def test_concurrent_readers_share_one_request() -> None:
    gate = threading.Event()
    calls: list[int] = []

    def fetch(on_send: Callable[[], None], yields: Callable[[], bool]) -> list[Row]:
        gate.wait(5)  # held before it leaves: everyone who arrives meanwhile joins it
        on_send()
        calls.append(1)
        return [{"id": 1}]

    asked: list[float] = []

    def clock() -> float:  # each get() reads it first: a count of callers that arrived
        asked.append(time.monotonic())
        return asked[-1]

    shared = SharedList(fetch, ttl=5.0, clock=clock)
    results: list[list[Row]] = []
    threads = [
        threading.Thread(target=lambda: results.append(shared.get(fresh=True))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while len(asked) < 6 and time.monotonic() < deadline:
        time.sleep(0.01)
    gate.set()
    for thread in threads:
        thread.join(5)
    assert calls == [1]
    assert results == [[{"id": 1}]] * 6


def test_a_fresh_read_never_takes_rows_sent_before_it_began() -> None:
    clock = FakeClock(0.0)
    calls: list[int] = []
    shared = SharedList(counting_fetch(calls), ttl=60.0, clock=clock)
    assert shared.get() == [{"id": 1}]
    clock.now = 0.5
    assert shared.get() == [{"id": 1}]  # within the ttl: no request
    assert shared.get(fresh=True) == [{"id": 2}]  # sent before this call: a new request
    assert shared.requests == 2


def test_rows_older_than_the_ttl_are_read_again() -> None:
    clock = FakeClock(0.0)
    calls: list[int] = []
    shared = SharedList(counting_fetch(calls), ttl=2.0, clock=clock)
    shared.get()
    clock.now = 1.9
    shared.get()
    clock.now = 2.1
    shared.get()
    assert len(calls) == 2


def test_a_request_in_flight_since_before_a_fresh_call_is_not_joined() -> None:
    sent = threading.Event()
    release = threading.Event()
    calls: list[int] = []

    def fetch(on_send: Callable[[], None], yields: Callable[[], bool]) -> list[Row]:
        on_send()
        calls.append(1)
        number = len(calls)
        if number == 1:
            sent.set()
            release.wait(5)
        return [{"id": number}]

    shared = SharedList(fetch, ttl=60.0)
    first: list[list[Row]] = []
    thread = threading.Thread(target=lambda: first.append(shared.get()))
    thread.start()
    sent.wait(5)
    time.sleep(0.01)
    assert shared.get(fresh=True) == [{"id": 2}]  # the first left before this call
    release.set()
    thread.join(5)
    assert first == [[{"id": 1}]]


def test_callers_get_private_copies() -> None:
    shared = SharedList(lambda on_send, yields: [{"id": 1, "tags": {"a": 1}}], ttl=60.0)
    first = shared.get()
    first[0]["tags"]["a"] = 99
    assert shared.get()[0]["tags"] == {"a": 1}


def test_a_failed_request_is_not_kept() -> None:
    attempts: list[int] = []

    def flaky(on_send: Callable[[], None], yields: Callable[[], bool]) -> list[Row]:
        on_send()
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("down")
        return []

    shared = SharedList(flaky, ttl=60.0)
    with pytest.raises(OSError, match="down"):
        shared.get()
    assert shared.get() == []
    assert len(attempts) == 2


def test_a_look_yields_until_a_read_that_must_not_wait_joins_it() -> None:
    """A look takes old rows, so its request may wait its turn; a fresh read joining it
    needs it now."""
    joined = threading.Event()
    seen: list[bool] = []

    def fetch(on_send: Callable[[], None], yields: Callable[[], bool]) -> list[Row]:
        seen.append(yields())
        joined.wait(5)
        seen.append(yields())
        on_send()
        return [{"id": 1}]

    asked: list[float] = []

    def clock() -> float:
        asked.append(time.monotonic())
        return asked[-1]

    shared = SharedList(fetch, ttl=5.0, clock=clock)
    look = threading.Thread(target=lambda: shared.get(snapshot=True))
    look.start()
    while not seen:
        time.sleep(0.005)
    other_look = threading.Thread(target=lambda: shared.get(snapshot=True))
    other_look.start()
    while len(asked) < 2:
        time.sleep(0.005)
    pending = shared._pending
    assert pending is not None
    assert pending.yields  # looks alone: it may wait
    fresh = threading.Thread(target=lambda: shared.get(fresh=True))
    fresh.start()
    deadline = time.monotonic() + 5
    while pending.yields and time.monotonic() < deadline:
        time.sleep(0.005)
    joined.set()
    for thread in (look, other_look, fresh):
        thread.join(5)
    assert seen == [True, False]
    assert shared.requests == 1
