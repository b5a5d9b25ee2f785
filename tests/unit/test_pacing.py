"""The client-side pacer, on a fake clock."""

from __future__ import annotations

import pytest

from pulumi_vast_serverless.client._pacing import RoutePacer
from tests.support.clock import FakeClock


def test_first_requests_up_to_the_threshold_go_at_once() -> None:
    clock = FakeClock()
    pacer = RoutePacer(4, clock=clock, margin=0.0)
    assert [pacer.reserve() for _ in range(4)] == [0, 0, 0, 0]


def test_the_next_request_waits_for_the_window_to_slide() -> None:
    clock = FakeClock()
    pacer = RoutePacer(2, clock=clock, margin=0.05)
    pacer.reserve()
    clock.now += 0.3
    pacer.reserve()
    assert pacer.reserve() == pytest.approx(0.75)  # first grant at 100.0, span 1.05


def test_any_window_holds_at_most_the_threshold() -> None:
    clock = FakeClock()
    pacer = RoutePacer(3, clock=clock, margin=0.0)
    times = [clock.now + pacer.reserve() for _ in range(30)]
    for i in range(len(times) - 3):
        assert times[i + 3] - times[i] >= 1.0 - 1e-9


def test_hold_off_delays_every_later_grant() -> None:
    clock = FakeClock()
    pacer = RoutePacer(4, clock=clock)
    pacer.hold_off(2.0)
    assert pacer.reserve() == pytest.approx(2.0)


def test_wait_sleeps_only_when_needed() -> None:
    clock = FakeClock()
    slept: list[float] = []
    pacer = RoutePacer(1, clock=clock, margin=0.0, sleep=slept.append)
    pacer.wait()
    pacer.wait()
    assert slept == [pytest.approx(1.0)]


def test_available_counts_the_grants_left_in_the_window() -> None:
    clock = FakeClock()
    pacer = RoutePacer(2, clock=clock, margin=0.0)
    assert pacer.available() == 2
    pacer.reserve()
    assert pacer.available() == 1
    pacer.reserve()
    assert pacer.available() == 0
    clock.now += 1.01
    assert pacer.available() == 2
    pacer.hold_off(5.0)
    assert pacer.available() == 0


def test_a_429_widens_the_margin_up_to_a_cap() -> None:
    clock = FakeClock()
    pacer = RoutePacer(2, clock=clock, margin=0.02)
    assert pacer.span == pytest.approx(1.02)
    pacer.hold_off(0.0)
    assert pacer.span == pytest.approx(1.07)
    for _ in range(10):
        pacer.hold_off(0.0)
    assert pacer.span == pytest.approx(1.25)
