"""What we adjust in the dynamic-provider host: the number of calls it runs at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from pulumi_vast_serverless.providers._host import widen_workers


def test_a_call_on_a_pool_thread_lets_that_pool_run_more_calls_at_once() -> None:
    calls = 8
    together = threading.Barrier(calls, timeout=10)
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert pool.submit(widen_workers, calls).result(timeout=10)
        # Eight calls that each wait for all eight: a pool of four would never finish them.
        waits = [pool.submit(together.wait) for _ in range(calls)]
        assert sorted(w.result(timeout=10) for w in waits) == list(range(calls))


def test_outside_a_pool_nothing_is_widened() -> None:
    assert not widen_workers(16)
