"""The client-side pacer and its budgets, on a fake clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import platformdirs
import pytest

from pulumi_vast_serverless.client._budget import (
    HORIZON,
    PACING_DIR_ENV,
    MachineBudgets,
    ProcessBudgets,
    budgets_for,
    pacing_dir,
)
from pulumi_vast_serverless.client._pacing import RoutePacer
from tests.support.clock import FakeClock


def delays(pacer: RoutePacer, count: int) -> list[float]:
    return [pacer.reserve()[0] for _ in range(count)]


def send_times(pacer: RoutePacer, clock: FakeClock, count: int) -> list[float]:
    return [pacer.reserve()[1] for _ in range(count)]


def assert_at_most(times: list[float], burst: int, span: float) -> None:
    """No window of ``span`` seconds holds more than ``burst`` of ``times``."""
    times = sorted(times)
    for i in range(len(times) - burst):
        assert times[i + burst] - times[i] >= span - 1e-9


def test_first_requests_up_to_the_threshold_go_at_once() -> None:
    pacer = RoutePacer(4, clock=FakeClock(), margin=0.0)
    assert delays(pacer, 4) == [0, 0, 0, 0]


def sleeping_on(clock: FakeClock) -> Callable[[float], None]:
    """A sleep that moves ``clock`` on."""

    def sleep(seconds: float) -> None:
        clock.now += seconds

    return sleep


def test_an_unanswered_request_holds_its_slot_until_departure_plus_the_margin() -> None:
    clock = FakeClock()
    pacer = RoutePacer(2, clock=clock, margin=0.05, sleep=sleeping_on(clock))
    pacer.wait()
    clock.now += 0.3
    pacer.wait()
    assert pacer.wait() == pytest.approx(101.05)  # booked at 101.0, checked, moved on


def test_an_answered_request_counts_from_its_answer() -> None:
    """Vast saw the request before it answered: a fast answer opens the next window early."""
    clock = FakeClock()
    pacer = RoutePacer(2, clock=clock, margin=0.05, sleep=sleeping_on(clock))
    sent = [pacer.wait(), pacer.wait()]
    clock.now += 0.004
    for at in sent:
        pacer.answered(at)
    assert pacer.wait() == pytest.approx(101.004)
    assert pacer.wait() == pytest.approx(101.004)
    assert pacer.wait() == pytest.approx(102.054)  # these two were not answered


def test_a_slow_answer_keeps_the_margin() -> None:
    """An answer later than the margin says less than the margin already assumes."""
    clock = FakeClock()
    pacer = RoutePacer(1, clock=clock, margin=0.05, sleep=sleeping_on(clock))
    sent = pacer.wait()
    clock.now += 0.2
    pacer.answered(sent)
    assert pacer.wait() == pytest.approx(101.05)


def test_any_window_holds_at_most_the_threshold() -> None:
    clock = FakeClock()
    pacer = RoutePacer(3, clock=clock, margin=0.0)
    assert_at_most(send_times(pacer, clock, 30), 3, 1.0)


def test_a_429_holds_every_later_grant() -> None:
    clock = FakeClock()
    pacer = RoutePacer(4, clock=clock)
    pacer.throttled(2.0, sent_at=clock.now)
    assert pacer.reserve()[0] == pytest.approx(2.0)


def test_wait_sleeps_only_when_needed_and_returns_the_send_time() -> None:
    clock = FakeClock()
    slept: list[float] = []
    pacer = RoutePacer(1, clock=clock, margin=0.0, sleep=slept.append)
    assert pacer.wait() == 100.0
    assert pacer.wait() == 101.0
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
    pacer.throttled(5.0, sent_at=clock.now)
    assert pacer.available() == 0


def test_a_429_halves_the_rate_once_per_burst() -> None:
    clock = FakeClock()
    pacer = RoutePacer(4, clock=clock, margin=0.0)
    burst = send_times(pacer, clock, 4)
    for sent in burst:  # the whole burst comes back 429: one signal, one cut
        pacer.throttled(0.0, sent_at=sent)
    burst_at_half, span_at_half = pacer.shape(2.0)
    assert burst_at_half == 2
    assert span_at_half == pytest.approx(1.0)
    assert pacer.available() == 0  # the burst's 4 grants fill the window at 2/s
    clock.now += 1.0
    assert pacer.available() == 2  # cut once: 2.4/s a second later (cut 4 times: 1)
    assert_at_most(send_times(pacer, clock, 4), 2, 2 / 3)  # below 3/s for a while


def test_a_cut_rate_grows_back_by_the_clock_to_the_documented_one() -> None:
    clock = FakeClock()
    pacer = RoutePacer(4, clock=clock, margin=0.0)
    pacer.throttled(0.0, sent_at=clock.now)
    assert pacer.available() == 2  # 2/s: a burst of 2 per second
    clock.now += 2.5
    assert pacer.available() == 3  # 3/s: a burst of 3 per second
    clock.now += 2.5  # 5 s after the cut: the documented 4/s again, with no request sent
    assert delays(pacer, 4) == [0, 0, 0, 0]


def test_the_rate_never_falls_below_a_sixteenth_of_the_documented_one() -> None:
    clock = FakeClock()
    pacer = RoutePacer(4, clock=clock, margin=0.0)
    for _ in range(10):  # ten bursts, each sent after the last cut
        clock.now += 0.001
        pacer.throttled(0.0, sent_at=clock.now)
    assert pacer.span == pytest.approx(4.0, rel=0.01)  # 0.25/s


def test_pacers_sharing_a_machine_budget_keep_to_the_threshold_together(tmp_path: Path) -> None:
    """Two processes' pacers (each its own view of one file) interleave their grants."""
    clock = FakeClock()
    one, two = (
        RoutePacer(
            2, route="POST /endptjobs/", margin=0.0, budgets=MachineBudgets(tmp_path / "h", clock)
        )
        for _ in range(2)
    )
    times = [pacer.reserve()[1] for _ in range(10) for pacer in (one, two)]
    assert_at_most(times, 2, 1.0)
    one.throttled(3.0, sent_at=times[-1])  # one's 429 holds the other, and cuts its rate
    delay, _ = two.reserve()
    assert delay >= 3.0
    assert two.shape(1.0)[0] == 1


def test_a_torn_budget_file_is_started_over(tmp_path: Path) -> None:
    budget_file = tmp_path / "host.json"
    budget_file.write_text('{"POST /endptjobs/": {"granted": [1')
    pacer = RoutePacer(
        2, route="POST /endptjobs/", margin=0.0, budgets=MachineBudgets(budget_file, FakeClock())
    )
    assert delays(pacer, 2) == [0, 0]
    assert json.loads(budget_file.read_text())["POST /endptjobs/"]["granted"] == [100.0, 100.0]


def test_a_look_at_the_machine_budget_writes_nothing(tmp_path: Path) -> None:
    budget_file = tmp_path / "host.json"
    pacer = RoutePacer(
        2, route="GET /autojobs/", margin=0.0, budgets=MachineBudgets(budget_file, FakeClock())
    )
    assert pacer.available() == 2
    assert not budget_file.exists()
    pacer.reserve()
    written = budget_file.stat().st_ino  # each write renames a new file into place
    assert pacer.available() == 1
    assert budget_file.stat().st_ino == written


def test_grants_a_clock_jump_left_far_ahead_are_forgotten(tmp_path: Path) -> None:
    budget_file = tmp_path / "host.json"
    budget_file.write_text(json.dumps({"GET /autojobs/": {"granted": [9e9], "hold_until": 9e9}}))
    pacer = RoutePacer(
        2, route="GET /autojobs/", margin=0.0, budgets=MachineBudgets(budget_file, FakeClock())
    )
    assert pacer.reserve()[0] == pytest.approx(HORIZON)  # never longer than the horizon


def test_budgets_are_the_machines_unless_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PACING_DIR_ENV, str(tmp_path / "pacing"))
    budgets = budgets_for("127.0.0.1:8787")
    assert isinstance(budgets, MachineBudgets)
    assert budgets.path == tmp_path / "pacing" / "127.0.0.1_8787.json"
    monkeypatch.setenv(PACING_DIR_ENV, "off")
    assert isinstance(budgets_for("127.0.0.1:8787"), ProcessBudgets)
    monkeypatch.delenv(PACING_DIR_ENV)
    assert pacing_dir() == Path(platformdirs.user_cache_dir("pulumi-vast-serverless")) / "pacing"


def test_a_directory_that_cannot_be_made_paces_the_process_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv(PACING_DIR_ENV, str(tmp_path / "file" / "pacing"))
    assert isinstance(budgets_for("127.0.0.1:8787"), ProcessBudgets)


def test_windows_count_departures_so_a_late_one_makes_a_later_grant_wait() -> None:
    """A process the machine descheduled sends its grant late: the grants booked after it
    are checked against the real departure, not the booked time, and wait in place."""
    clock = FakeClock()
    pacer = RoutePacer(2, clock=clock, margin=0.0)
    (_, a), (_, b), (_, c), (_, d) = (pacer.reserve() for _ in range(4))
    assert [a, b, c, d] == [100.0, 100.0, 101.0, 101.0]
    assert pacer.depart(b) == (100.0, None)
    clock.now = 100.6
    assert pacer.depart(a) == (100.6, None)  # late
    clock.now = 101.0
    sent, later = pacer.depart(c)  # a, c and d would share one second
    assert sent is None
    assert later == pytest.approx(101.6)  # when the late one leaves the window
    assert pacer.depart(d) == (101.0, None)
    assert later is not None
    clock.now = later
    assert pacer.depart(later) == (later, None)


def test_a_grant_a_429_put_under_a_hold_is_booked_again() -> None:
    clock = FakeClock()
    pacer = RoutePacer(4, clock=clock, margin=0.0)
    _, at = pacer.reserve()
    pacer.throttled(1.0, sent_at=99.0)  # another thread's request, sent before
    assert pacer.depart(at) == (None, None)


def test_a_yielding_request_leaves_the_windows_last_slot_to_one_that_does_not() -> None:
    """A look's rows may be old; a read-back's may not: the look waits for the next window
    and the read-back, asked later, goes first."""
    pacer = RoutePacer(3, clock=FakeClock(), margin=0.0)
    assert delays(pacer, 2) == [0, 0]
    assert pacer.reserve(yields=True)[0] == pytest.approx(1.0)
    assert pacer.reserve()[0] == 0  # booked ahead of the look
    assert pacer.reserve()[0] == pytest.approx(1.0)  # with the look: two of three
    assert pacer.reserve(yields=True)[0] == pytest.approx(2.0)  # that window keeps its last
    assert pacer.reserve(yields=True)[0] == pytest.approx(2.0)
    assert pacer.reserve(yields=True)[0] == pytest.approx(3.0)


def test_a_request_stops_yielding_when_a_read_that_must_not_wait_joins_it() -> None:
    clock = FakeClock()
    pacer = RoutePacer(3, clock=clock, margin=0.0, sleep=sleeping_on(clock))
    pacer.wait()
    pacer.wait()
    joined = {"now": False}

    def still_yields() -> bool:
        return not joined["now"]

    def sleep(seconds: float) -> None:
        clock.now += seconds
        joined["now"] = True  # a read-back joins while the look waits

    pacer._sleep = sleep
    assert pacer.wait(still_yields) == pytest.approx(100.05)  # not 101: the last slot
    pacer._sleep = sleeping_on(clock)
    assert pacer.wait() == pytest.approx(101.0)  # the cancelled grant left nothing behind


def test_a_yielding_grant_due_in_a_window_one_short_of_full_moves_on() -> None:
    pacer = RoutePacer(3, clock=FakeClock(), margin=0.0)
    _, look = pacer.reserve(yields=True)
    pacer.reserve()
    pacer.reserve()  # the window holds two besides the look when it is due
    sent, later = pacer.depart(look, yields=True)
    assert sent is None
    assert later == pytest.approx(101.0, abs=1e-5)
    assert pacer.depart(pacer.reserve()[1])[0] == 100.0  # the slot the look left


def test_a_look_yields_for_one_window_at_most() -> None:
    """Other stacks' read-backs, one a second on a 2/s route, would keep every window from
    being free for a look that always left the last slot."""
    clock = FakeClock()
    pacer = RoutePacer(2, clock=clock, margin=0.0)
    others: list[float] = []

    def busy(seconds: float) -> None:
        clock.now += seconds
        if not others or clock.now - others[-1] >= 0.9:  # someone else's read-back
            delay, at = pacer.reserve()
            if delay == 0:
                sent, _ = pacer.depart(at)
                assert sent is not None
                others.append(sent)
        assert clock.now < 110, "the look never left"

    pacer._sleep = busy
    busy(0.0)
    sent = pacer.wait(lambda: True)
    assert sent <= 100.0 + 2 * 1.0
    assert_at_most([*others, sent], 2, 1.0)
