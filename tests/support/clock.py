"""A clock tests move by hand, injected where code would read time.monotonic."""

from __future__ import annotations


class FakeClock:
    """Returns ``now``; tests advance it."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
