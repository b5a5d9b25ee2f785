"""The simulator's autoscaler model on a clock moved by hand."""

from __future__ import annotations

from pulumi_vast_serverless.simulator._workers import Autoscaler
from tests.support.clock import FakeClock

GROUP = 7


def states(autoscaler: Autoscaler) -> list[str]:
    return [row["status"] for row in autoscaler.rows(GROUP)]


def started(count: int = 2) -> tuple[Autoscaler, FakeClock]:
    clock = FakeClock()
    autoscaler = Autoscaler(clock)
    autoscaler.ensure(GROUP, count)
    return autoscaler, clock


def test_a_worker_is_created_then_loads_then_serves() -> None:
    autoscaler, clock = started(1)
    seen = []
    for at in (0, 19, 20, 59, 60):
        clock.now = 100 + at
        seen += states(autoscaler)
    assert seen == ["creating", "creating", "loading", "loading", "idle"]


def test_the_clock_runs_faster_when_told() -> None:
    autoscaler, clock = started(1)
    autoscaler.set_speed(10)
    clock.now += 5.9
    assert states(autoscaler) == ["loading"]
    clock.now += 0.2
    assert states(autoscaler) == ["idle"]


def test_a_rolling_update_replaces_workers_one_at_a_time() -> None:
    autoscaler, clock = started()
    clock.now += 60
    assert autoscaler.roll(GROUP) == 2
    timeline = []
    for _ in range(5):
        timeline.append(states(autoscaler))
        clock.now += 30
    assert timeline == [
        ["updating", "idle"],
        ["updating", "idle"],
        ["idle", "updating"],
        ["idle", "updating"],
        ["idle", "idle"],
    ]


def test_a_cancelled_update_lets_the_current_worker_finish_and_drops_the_rest() -> None:
    autoscaler, clock = started()
    clock.now += 60
    autoscaler.roll(GROUP)
    clock.now += 30
    autoscaler.cancel(GROUP)
    assert states(autoscaler) == ["updating", "idle"]
    clock.now += 60
    assert states(autoscaler) == ["idle", "idle"]
    clock.now += 60
    assert states(autoscaler) == ["idle", "idle"]


def test_failing_workers_end_in_error_and_are_replaced_once_healed() -> None:
    clock = FakeClock()
    autoscaler = Autoscaler(clock)
    autoscaler.fail(None)
    autoscaler.ensure(GROUP, 2)
    clock.now += 60
    assert states(autoscaler) == ["error", "error"]
    failed = [row["id"] for row in autoscaler.rows(GROUP)]
    autoscaler.ensure(GROUP, 2)
    assert states(autoscaler) == ["error", "error"]  # still failing: kept as they are

    autoscaler.fail(None, failing=False)
    autoscaler.ensure(GROUP, 2)
    assert states(autoscaler) == ["creating", "creating"]
    assert not {row["id"] for row in autoscaler.rows(GROUP)} & set(failed)
