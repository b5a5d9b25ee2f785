"""The simulator's model of Vast's serverless engine, on a clock moved by hand."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_vast_serverless._types import Row
from pulumi_vast_serverless.simulator._engine import CYCLE, Engine, targets
from pulumi_vast_serverless.simulator._offers import priced
from tests.support.clock import FakeClock

RTX_4090 = "gpu_name=RTX_4090 num_gpus=1 verified=True rentable=True rented=False"
H100 = "gpu_name=H100_SXM num_gpus=1 verified=True rentable=True rented=False"


def endpoint(**fields: Any) -> Row:
    return {"id": 1, "endpoint_state": "active", "min_load": 0.0, "target_util": 0.9,
            "cold_mult": 2.5, "min_cold_load": 0.0, "cold_workers": 2, "max_workers": 20,
            **fields}  # fmt: skip


def group(group_id: int, search: str = RTX_4090, **fields: Any) -> Row:
    return {"id": group_id, "endpoint_id": 1, "search_params": search, **fields}


class Sim:
    """An engine, one endpoint and its groups, driven the way the routes drive it."""

    def __init__(self, ep: Row, *groups: Row) -> None:
        self.clock = FakeClock(0.0)
        self.engine = Engine(clock=self.clock, wall=lambda: 1_800_000_000.0)
        self.endpoint = ep
        self.groups = list(groups)
        self.change()

    def settle(self) -> None:
        self.engine.settle("tenant", self.endpoint, self.groups, lambda g: 8.0)

    def change(self, **fields: Any) -> None:
        """A write: catch up, apply it, and let the engine act at its next cycle."""
        self.settle()
        self.endpoint = {**self.endpoint, **fields}
        self.engine.touch(1)
        self.settle()

    def at(self, seconds: float) -> Sim:
        self.clock.now = seconds
        self.settle()
        return self

    def states(self, group_id: int | None = None) -> list[str]:
        ids = [group_id] if group_id is not None else [int(g["id"]) for g in self.groups]
        return [w["status"] for gid in ids for w in self.engine.rows(gid)]


@pytest.mark.parametrize(
    ("fields", "active", "total"),
    [
        ({}, 0, 2),  # no load: the cold workers only
        ({"min_load": 1.0}, 1, 2),  # min_load 1 keeps one worker serving (the guide)
        ({"min_load": 90.0}, 1, 3),  # 90 / 0.9 = 100 load: one worker; cold_mult 2.5: 3
        ({"min_load": 500.0, "cold_workers": 0}, 6, 13),
        ({"min_cold_load": 700.0}, 0, 7),
        ({"min_load": 500.0, "max_workers": 4}, 4, 4),  # max_workers caps both
        ({"cold_workers": 0}, 0, 0),  # nothing asks for a worker
    ],
)
def test_an_endpoint_keeps_workers_by_its_own_parameters(
    fields: Row, active: int, total: int
) -> None:
    want = targets(endpoint(**fields))
    assert (want.active, want.total) == (active, total)


def test_workers_come_up_in_vasts_states_at_the_next_cycle_and_rest_by_role() -> None:
    sim = Sim(endpoint(min_load=1.0), group(1))
    assert sim.states() == []  # the engine acts at its next cycle
    timeline = [sim.at(t).states() for t in (CYCLE, CYCLE + 2, CYCLE + 20, CYCLE + 40, CYCLE + 60)]
    assert timeline == [
        ["pending", "pending"],
        ["creating", "creating"],
        ["loading", "loading"],
        ["model_loading", "model_loading"],
        ["idle", "stopped"],  # one serves (min_load 1), one is a cold worker
    ]


def test_max_workers_caps_the_endpoint_over_all_its_groups_and_groups_share() -> None:
    sim = Sim(endpoint(cold_workers=5, max_workers=4), group(1), group(2, H100))
    sim.at(CYCLE)
    assert (len(sim.states(1)), len(sim.states(2))) == (2, 2)


def test_a_search_no_offer_matches_recruits_nothing_and_the_log_says_so() -> None:
    sim = Sim(endpoint(), group(1, "gpu_name=RTX_9090 num_gpus=1"))
    assert sim.at(CYCLE).states() == []
    assert sim.engine.logs("workergroup", 1).endswith(
        "no offer matches the search (gpu_name=RTX_9090 num_gpus=1): recruiting nothing"
    )


def test_workers_hold_offers_their_search_selects_in_its_units_never_the_same_one() -> None:
    sim = Sim(endpoint(cold_workers=6), group(1, "gpu_ram>=80 num_gpus=1 verified=True"))
    sim.at(CYCLE)
    held = [w.offer for w in sim.engine.workers()]
    assert len(held) == 6
    assert all(o["gpu_ram"] >= 80_000 and o["num_gpus"] == 1 and o["verified"] for o in held)
    assert len({o["id"] for o in held}) == 6
    assert set(sim.engine.holders()) == {o["id"] for o in held}
    # Best price-performance first.
    values = [o["dlperf_per_dphtotal"] for o in held]
    assert values == sorted(values, reverse=True)


def test_a_stopped_endpoint_makes_every_worker_inactive_and_active_starts_them_again() -> None:
    sim = Sim(endpoint(min_load=1.0), group(1))
    sim.at(CYCLE + 60)
    assert sim.states() == ["idle", "stopped"]
    sim.change(endpoint_state="stopped")
    assert sim.at(CYCLE + 60.5).states() == ["stopping", "stopped"]
    assert sim.at(CYCLE + 80).states() == ["stopped", "stopped"]
    sim.change(endpoint_state="active")
    assert sim.at(CYCLE + 81).states() == ["stopped", "stopped"]  # until the next cycle
    assert sim.at(CYCLE + 84).states() == ["starting", "stopped"]
    assert sim.at(CYCLE + 90).states() == ["idle", "stopped"]


def test_a_suspended_endpoint_lets_loading_workers_finish_as_ready() -> None:
    sim = Sim(endpoint(), group(1))
    sim.at(CYCLE + 30)
    assert sim.states() == ["loading", "loading"]
    sim.change(endpoint_state="suspended")
    assert sim.at(CYCLE + 100).states() == ["idle", "idle"]  # billed as ready, as the guide says


def test_a_rolling_update_takes_cold_workers_first_and_one_worker_at_a_time() -> None:
    sim = Sim(endpoint(min_load=1.0), group(1))
    sim.at(CYCLE + 60)
    assert sim.engine.roll(1) == 2
    seen = [sim.at(CYCLE + 60 + t).states() for t in (0.5, 20, 45, 75, 90)]
    assert seen == [
        ["idle", "update_ready"],
        ["idle", "update_rebooting"],
        ["update_rebooting", "stopped"],
        ["update_starting", "stopped"],
        ["idle", "stopped"],
    ]


def test_a_cancelled_update_lets_the_current_worker_finish_and_drops_the_rest() -> None:
    sim = Sim(endpoint(min_load=1.0), group(1))
    sim.at(CYCLE + 60)
    sim.engine.roll(1)
    sim.at(CYCLE + 70)
    sim.engine.cancel(1)
    assert sim.states() == ["idle", "update_rebooting"]
    assert sim.at(CYCLE + 200).states() == ["idle", "stopped"]


def test_a_group_update_vast_rolls_by_itself_and_a_gpu_ram_change_rolls_nothing() -> None:
    sim = Sim(endpoint(), group(1))
    sim.at(CYCLE + 60)
    assert sim.engine.group_changed(group(1, gpu_ram=48), ["gpu_ram"]) == 0
    assert sim.engine.group_changed(group(1, template_hash="v2"), ["template_hash"]) == 2
    assert sim.engine.group_changed(group(1, launch_args="--x"), ["launch_args"]) == 2


def test_a_new_search_releases_workers_it_leaves_out_and_recruits_matching_ones() -> None:
    sim = Sim(endpoint(), group(1))
    sim.at(CYCLE + 60)
    sim.groups = [group(1, H100)]
    sim.engine.group_changed(sim.groups[0], ["search_params"])
    assert sim.states() == ["destroying", "destroying"]
    sim.engine.touch(1)
    sim.at(CYCLE * 40)
    assert [w.offer["gpu_name"] for w in sim.engine.workers() if w.live] == ["H100 SXM"] * 2


def test_lowering_max_workers_releases_the_worst_price_performance_first() -> None:
    sim = Sim(endpoint(cold_workers=4), group(1, "num_gpus=1 verified=True rentable=True"))
    sim.at(CYCLE + 60)
    kept = sorted(sim.engine.workers(), key=lambda w: -w.offer["dlperf_per_dphtotal"])[:1]
    sim.change(max_workers=1)
    sim.at(CYCLE * 40)
    assert [w.id for w in sim.engine.workers() if w.live] == [kept[0].id]


def test_failing_workers_end_in_error_count_against_the_cap_and_are_replaced_once_healed() -> None:
    clock = FakeClock(0.0)
    engine = Engine(clock=clock)
    engine.fail(None)
    ep, groups = endpoint(), [group(1)]
    engine.touch(1)
    clock.now = CYCLE + 60
    engine.settle("tenant", ep, groups, lambda g: 8.0)
    assert [w["status"] for w in engine.rows(1)] == ["error", "error"]
    failed = {w["id"] for w in engine.rows(1)}
    engine.fail(None, failing=False)
    engine.touch(1)
    clock.now += CYCLE
    engine.settle("tenant", ep, groups, lambda g: 8.0)
    live = [w for w in engine.workers() if w.live]
    assert len(live) == 2
    assert not {w.id for w in live} & failed


def test_a_worker_bills_gpu_only_while_loading_or_ready_and_storage_while_it_exists() -> None:
    sim = Sim(endpoint(cold_workers=1), group(1))
    sim.at(CYCLE + 3600)
    (worker,) = sim.engine.workers()
    offer = priced(worker.offer, 8.0)
    gpu, storage = worker.billed(until=CYCLE + 3600)
    # pending 2 s (free), creating 18 s (storage), loading 40 s (both), then cold (storage).
    assert gpu == pytest.approx(offer["dph_base"] * 40 / 3600)
    assert storage == pytest.approx(offer["storage_total_cost"] * (3600 - 2) / 3600)
    assert worker.rate(CYCLE + 3600) == pytest.approx((0.0, offer["storage_total_cost"]))
