"""The single-flight list cache."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from pulumi_vast_serverless.client._list_cache import ListCache, Row
from tests.support.clock import FakeClock


def test_concurrent_readers_share_one_fetch() -> None:
    calls = 0
    gate = threading.Event()

    def fetch() -> list[Row]:
        nonlocal calls
        calls += 1
        gate.wait(5)
        return [{"id": 1}]

    cache = ListCache(fetch, ttl=5.0)
    results: list[list[Row]] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get())) for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    gate.set()
    for thread in threads:
        thread.join(5)
    assert calls == 1
    assert results == [[{"id": 1}]] * 6


def counting_fetch(calls: list[int]) -> Callable[[], list[Row]]:
    def fetch() -> list[Row]:
        calls.append(1)
        return []

    return fetch


def test_rows_expire_after_ttl() -> None:
    clock = FakeClock(0.0)
    calls: list[int] = []
    cache = ListCache(counting_fetch(calls), ttl=2.0, clock=clock)
    cache.get()
    clock.now = 1.9
    cache.get()
    clock.now = 2.1
    cache.get()
    assert len(calls) == 2


def test_invalidate_forces_a_new_fetch() -> None:
    calls: list[int] = []
    cache = ListCache(counting_fetch(calls), ttl=60.0)
    cache.get()
    cache.invalidate()
    cache.get()
    assert len(calls) == 2


def test_a_fetch_overtaken_by_a_write_is_not_cached() -> None:
    clock = FakeClock(0.0)
    cache: ListCache
    calls = 0

    def fetch() -> list[Row]:
        nonlocal calls
        calls += 1
        if calls == 1:
            cache.invalidate()  # a write lands while the first list is on the wire
        return [{"id": calls}]

    cache = ListCache(fetch, ttl=60.0, clock=clock)
    assert cache.get() == [{"id": 1}]
    assert cache.get() == [{"id": 2}]


def test_callers_get_private_copies() -> None:
    cache = ListCache(lambda: [{"id": 1, "tags": {"a": 1}}], ttl=60.0)
    first = cache.get()
    first[0]["tags"]["a"] = 99
    assert cache.get()[0]["tags"] == {"a": 1}
