"""The client-side pacer and its budgets, on a fake clock."""

from __future__ import annotations

import itertools
import json
import time
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
from pulumi_vast_serverless.client._pacing import MAX_INFERRED, MEMORY, RoutePacer, describe
from tests.support.clock import FakeClock


def delays(pacer: RoutePacer, count: int) -> list[float]:
    return [pacer.reserve()[0] for _ in range(count)]


def send_times(pacer: RoutePacer, count: int) -> list[float]:
    return [pacer.reserve()[1] for _ in range(count)]


def assert_apart(times: list[float], interval: float) -> None:
    """No two of ``times`` are less than ``interval`` apart."""
    times = sorted(times)
    for earlier, later in itertools.pairwise(times):
        assert later - earlier >= interval - 1e-9


def sleeping_on(clock: FakeClock) -> Callable[[float], None]:
    """A sleep that moves ``clock`` on."""

    def sleep(seconds: float) -> None:
        clock.now += seconds

    return sleep


def shared(tmp_path: Path, clock: FakeClock, route: str, threshold: float) -> RoutePacer:
    """A pacer as another process would have it: its own view of the machine's file."""
    budgets = MachineBudgets(tmp_path / "host.json", clock)
    return RoutePacer(threshold, route=route, margin=0.0, budgets=budgets)


def test_requests_of_a_route_leave_one_threshold_apart_with_no_burst() -> None:
    """Vast's threshold is the least number of seconds between two requests."""
    pacer = RoutePacer(4.0, clock=FakeClock(), margin=0.0)
    assert delays(pacer, 3) == [0, 4.0, 8.0]
    assert_apart(send_times(pacer, 20), 4.0)


def test_an_unanswered_request_holds_its_slot_until_departure_plus_the_margin() -> None:
    clock = FakeClock()
    pacer = RoutePacer(1.0, clock=clock, margin=0.05, sleep=sleeping_on(clock))
    pacer.wait()
    clock.now += 0.3
    assert pacer.wait() == pytest.approx(101.05)  # booked at 101.0, checked, moved on


def test_an_answered_request_counts_from_its_answer() -> None:
    """Vast saw the request before it answered: a fast answer lets the next one leave a
    threshold after the answer, not after the departure plus the margin."""
    clock = FakeClock()
    pacer = RoutePacer(1.0, clock=clock, margin=0.05, sleep=sleeping_on(clock))
    sent = pacer.wait()
    clock.now += 0.004
    pacer.answered(sent)
    assert pacer.wait() == pytest.approx(101.004)
    assert pacer.wait() == pytest.approx(102.054)  # that one was not answered


def test_a_slow_answer_keeps_the_margin() -> None:
    """An answer later than the margin says less than the margin already assumes."""
    clock = FakeClock()
    pacer = RoutePacer(1.0, clock=clock, margin=0.05, sleep=sleeping_on(clock))
    sent = pacer.wait()
    clock.now += 0.2
    pacer.answered(sent)
    assert pacer.wait() == pytest.approx(101.05)


def test_a_429_holds_every_later_grant_for_the_time_vast_said() -> None:
    clock = FakeClock()
    pacer = RoutePacer(0.25, clock=clock)
    pacer.throttled(2.0, sent_at=clock.now, said_when=True)
    assert pacer.reserve()[0] == pytest.approx(2.0)
    assert pacer.interval == pytest.approx(0.25)  # Vast said when, not a new limit


def test_wait_sleeps_only_when_needed_and_returns_the_send_time() -> None:
    clock = FakeClock()
    slept: list[float] = []
    pacer = RoutePacer(1.0, clock=clock, margin=0.0, sleep=slept.append)
    assert pacer.wait() == 100.0
    assert pacer.wait() == 101.0
    assert slept == [pytest.approx(1.0)]


def test_available_says_whether_one_may_leave_now() -> None:
    clock = FakeClock()
    pacer = RoutePacer(2.0, clock=clock, margin=0.0)
    assert pacer.available() == 1
    pacer.reserve()
    assert pacer.available() == 0
    clock.now += 2.01
    assert pacer.available() == 1
    pacer.throttled(5.0, sent_at=clock.now, said_when=True)
    assert pacer.available() == 0


def test_a_threshold_in_a_429_is_learned_and_kept_a_day(tmp_path: Path) -> None:
    """ "API requests too frequent: endpoint threshold=8": one request per 8 s from now on,
    for every process of the machine, and for a day (no climbing back on its own)."""
    clock = FakeClock()
    pacer = shared(tmp_path, clock, "POST /autojobs/", 4.0)
    pacer.throttled(8.0, sent_at=clock.now, threshold=8.0)
    later_process = shared(tmp_path, clock, "POST /autojobs/", 4.0)
    assert later_process.interval == 8.0
    clock.now += MEMORY - 1
    assert later_process.interval == 8.0
    clock.now += 2
    assert later_process.interval == 4.0


def test_a_route_stricter_than_documented_makes_the_hosts_other_routes_assume_as_much(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    creates = shared(tmp_path, clock, "POST /autojobs/", 4.0)
    lists = shared(tmp_path, clock, "GET /autojobs/", 2.0)
    creates.throttled(8.0, sent_at=clock.now, threshold=8.0)
    assert lists.interval == 4.0  # twice as strict, like the route that told
    lists.learn(1.0)
    assert lists.interval == 1.0  # what Vast reports of a route wins


def test_headers_of_a_bucket_teach_the_interval_either_way() -> None:
    pacer = RoutePacer(4.0, clock=FakeClock(), margin=0.0)
    pacer.learn(0.5)
    assert delays(pacer, 3) == [0, 0.5, 1.0]
    pacer.learn(1e9)  # not a rate limit: a misread header
    assert pacer.interval == 0.5


def test_a_429_that_says_nothing_doubles_the_interval_once_per_burst() -> None:
    clock = FakeClock()
    pacer = RoutePacer(1.0, clock=clock, margin=0.0)
    sent = send_times(pacer, 3)
    clock.now = sent[-1] + 0.1
    for at in sent:  # three refusals of requests sent before the first cut: one signal
        pacer.throttled(0.5, sent_at=at)
    assert pacer.interval == 2.0
    clock.now += 3600
    assert pacer.interval == 2.0  # it never grows back on its own: no oscillation
    pacer.throttled(0.5, sent_at=clock.now)
    assert pacer.interval == 4.0
    for _ in range(10):
        clock.now += 1
        pacer.throttled(0.0, sent_at=clock.now)
    assert pacer.interval == MAX_INFERRED


def test_a_429_on_a_route_paced_as_vast_reported_holds_the_whole_host(tmp_path: Path) -> None:
    """Its own bucket had a token: the account's (or the address's) refused it."""
    clock = FakeClock()
    creates = shared(tmp_path, clock, "POST /autojobs/", 4.0)
    lists = shared(tmp_path, clock, "GET /endptjobs/", 3.0)
    creates.learn(4.0)
    creates.throttled(1.5, sent_at=clock.now, told=creates.learned(), said_when=True)
    assert lists.reserve()[0] == pytest.approx(1.5)
    assert creates.interval == 4.0


def test_a_refused_request_does_not_count_towards_the_interval() -> None:
    clock = FakeClock()
    pacer = RoutePacer(4.0, clock=clock, margin=0.0)
    _, refused = pacer.reserve()
    pacer.throttled(1.0, sent_at=refused, said_when=True)
    assert pacer.reserve()[0] == pytest.approx(1.0)  # the hold, not 4 s after the refusal


def test_a_long_queue_is_announced_once_and_again_when_its_wait_doubles() -> None:
    said: list[str] = []
    pacer = RoutePacer(4.0, route="POST /autojobs/", clock=FakeClock(), margin=0.0)
    pacer.announce = said.append
    delays(pacer, 12)  # the fourth waits 12 s: the first to wait over ten
    wait_for_thread(lambda: len(said) == 2)
    time.sleep(0.05)
    assert sorted(said) == [
        "3 workergroup creates queued behind Vast's limit of 1 per 4 s: about 12 s",
        "6 workergroup creates queued behind Vast's limit of 1 per 4 s: about 24 s",
    ]


def wait_for_thread(done: Callable[[], bool]) -> None:
    for _ in range(200):
        if done():
            return
        time.sleep(0.01)
    raise AssertionError("the announcement never came")


def test_routes_are_described_as_users_say_them() -> None:
    assert describe("POST /autojobs/") == "workergroup creates"
    assert describe("DELETE /endptjobs/{id}/") == "endpoint deletes"
    assert describe("POST /bundles/") == "offer searches"
    assert describe("GET /users/spend-rate/") == "requests of GET /users/spend-rate/"


def test_pacers_sharing_a_machine_budget_keep_to_the_threshold_together(tmp_path: Path) -> None:
    """Two processes' pacers (each its own view of one file) interleave their grants."""
    clock = FakeClock()
    one, two = (shared(tmp_path, clock, "POST /endptjobs/", 2.0) for _ in range(2))
    times = [pacer.reserve()[1] for _ in range(10) for pacer in (one, two)]
    assert_apart(times, 2.0)
    clock.now = times[-1] + 2.0
    one.throttled(3.0, sent_at=times[-1], said_when=True)  # one's 429 holds the other
    assert two.reserve()[0] == pytest.approx(3.0)


def test_a_torn_budget_file_is_started_over(tmp_path: Path) -> None:
    budget_file = tmp_path / "host.json"
    budget_file.write_text('{"POST /endptjobs/": {"granted": [1')
    pacer = RoutePacer(
        2, route="POST /endptjobs/", margin=0.0, budgets=MachineBudgets(budget_file, FakeClock())
    )
    assert delays(pacer, 2) == [0, 2.0]
    assert json.loads(budget_file.read_text())["POST /endptjobs/"]["granted"] == [100.0, 102.0]


def test_a_look_at_the_machine_budget_writes_nothing(tmp_path: Path) -> None:
    budget_file = tmp_path / "host.json"
    pacer = RoutePacer(
        2, route="GET /autojobs/", margin=0.0, budgets=MachineBudgets(budget_file, FakeClock())
    )
    assert pacer.available() == 1
    assert not budget_file.exists()
    pacer.reserve()
    written = budget_file.stat().st_ino  # each write renames a new file into place
    assert pacer.available() == 0
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


def test_a_late_departure_makes_the_grant_after_it_wait_in_place() -> None:
    """A process the machine descheduled sends its grant late: the grant booked after it
    is checked against the real departure, not the booked time, and waits in place."""
    clock = FakeClock()
    pacer = RoutePacer(1.0, clock=clock, margin=0.0)
    (_, a), (_, b), (_, c) = (pacer.reserve() for _ in range(3))
    assert [a, b, c] == [100.0, 101.0, 102.0]
    clock.now = 100.6
    assert pacer.depart(a) == (100.6, None)  # late
    clock.now = 101.0
    sent, later = pacer.depart(b)
    assert sent is None
    assert later == pytest.approx(101.6)  # a threshold after the late one
    assert later is not None
    clock.now = later
    assert pacer.depart(later) == (later, None)


def test_a_grant_a_429_put_under_a_hold_is_booked_again() -> None:
    clock = FakeClock()
    pacer = RoutePacer(0.25, clock=clock, margin=0.0)
    _, at = pacer.reserve()
    pacer.throttled(1.0, sent_at=99.0, said_when=True)  # another thread's request
    assert pacer.depart(at) == (None, None)


def test_a_read_back_booked_after_a_look_leaves_before_it() -> None:
    """A look's rows may be old; a read-back's may not: the look lets it go first."""
    pacer = RoutePacer(1.0, clock=FakeClock(), margin=0.0)
    _, first = pacer.reserve()
    assert pacer.depart(first) == (100.0, None)
    _, look = pacer.reserve(yields=True)
    _, read_back = pacer.reserve()
    assert look == read_back == 101.0  # booked ahead of the look: the same time
    sent, later = pacer.depart(look, yields=True)
    assert sent is None
    assert later == pytest.approx(102.0, abs=1e-5)
    assert pacer.depart(read_back) == (101.0, None)


def test_a_request_stops_yielding_when_a_read_that_must_not_wait_joins_it() -> None:
    clock = FakeClock()
    pacer = RoutePacer(1.0, clock=clock, margin=0.0, sleep=sleeping_on(clock))
    pacer.wait()
    joined = {"now": False}

    def sleep(seconds: float) -> None:
        clock.now += seconds
        joined["now"] = True  # a read-back joins while the look waits

    pacer._sleep = sleep
    assert pacer.wait(lambda: not joined["now"]) == pytest.approx(101.0)
    pacer._sleep = sleeping_on(clock)
    assert pacer.wait() == pytest.approx(102.0)  # the cancelled grant left nothing behind


def test_a_look_yields_for_one_interval_at_most() -> None:
    """Other stacks' read-backs, one a threshold apart, would otherwise keep a look that
    always lets them go first from ever leaving."""
    clock = FakeClock()
    pacer = RoutePacer(1.0, clock=clock, margin=0.0)
    others: list[float] = []

    def busy(seconds: float) -> None:
        clock.now += seconds
        if not others or clock.now - others[-1] >= 1.0:  # someone else's read-back
            delay, at = pacer.reserve()
            if delay == 0:
                sent, _ = pacer.depart(at)
                if sent is not None:
                    others.append(sent)
        assert clock.now < 110, "the look never left"

    pacer._sleep = busy
    busy(0.0)
    sent = pacer.wait(lambda: True)
    assert sent <= 100.0 + 3 * 1.0
    assert_apart([*others, sent], 1.0)
