"""The cost figures: worst case, cold workers, unknowns, the ceiling; and the searches."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_vast_serverless.client import _offer_query
from pulumi_vast_serverless.cost._estimate import (
    EndpointCost,
    EndpointPlan,
    GroupPlan,
    Offers,
    StackCost,
    money,
)


def offer(price: float, disk: float = 0.01, gpu: str = "RTX 4090") -> dict[str, Any]:
    return {"dph_total": price, "storage_total_cost": disk, "gpu_name": gpu, "num_gpus": 1}


def priced(name: str, max_workers: int | None, *searches: list[dict[str, Any]]) -> EndpointCost:
    groups = tuple(GroupPlan(f"g{i}", "num_gpus=1", 8.0) for i in range(len(searches)))
    cost = EndpointCost(EndpointPlan(name, max_workers, 2, groups))
    for group, offers in zip(groups, searches, strict=True):
        cost.offers[group.name] = Offers.of(offers, limit=500)
    return cost


def test_the_worst_case_is_max_workers_times_the_priciest_offer_of_any_group() -> None:
    cost = priced("llm", 4, [offer(0.4), offer(0.9)], [offer(2.5, disk=0.03, gpu="H100 SXM")])
    assert cost.worst_per_hour == pytest.approx(10.0)
    # Cold workers bill their disks only: two, at the dearest disk rate.
    assert cost.cold_per_hour == pytest.approx(0.06)
    assert cost.describe() == (
        "endpoint llm: worst case $10.00/h (max_workers 4 x $2.50/h, the priciest offer its "
        "groups select now: 1x H100 SXM); cold workers idle $0.0600/h (2, disks only); offers "
        "now: g0 2 ($0.40/h to $0.90/h), g1 1 ($2.50/h to $2.50/h)"
    )


def test_cold_workers_idle_at_the_dearest_disk_of_any_offer_and_the_count_multiplied() -> None:
    """The priciest offer's disk is not the dearest disk: a cold worker may sit on any."""
    cheap_big_disk = offer(0.5, disk=0.05)
    cost = priced("llm", 1, [cheap_big_disk, offer(2.0, disk=0.01)])
    assert cost.cold_per_hour == pytest.approx(0.05)  # cold_workers 2, capped at 1
    assert "cold workers idle $0.0500/h (1, disks only)" in cost.describe()


def test_an_endpoint_whose_inputs_fail_their_check_gets_no_figure() -> None:
    cost = priced("llm", -3, [offer(1.0)])
    assert (cost.worst_per_hour, cost.cold_per_hour) == (None, None)
    assert "$-" not in cost.describe()
    assert "its inputs fail their check" in cost.describe()
    stack = StackCost((cost, priced("b", 2, [offer(1.0)])))
    assert stack.describe(None) == (
        "stack worst case not figured over 2 endpoints (an endpoint's inputs fail their check)"
    )


def test_what_is_not_known_at_preview_is_unknown_never_a_guess() -> None:
    cost = priced("llm", None, [offer(1.0)])
    cost.unknown.append("max_workers is not known yet")
    assert (cost.worst_per_hour, cost.cold_per_hour) == (None, None)
    assert cost.describe().startswith(
        "endpoint llm: worst case unknown at preview (max_workers is not known yet)"
    )
    assert StackCost((cost, priced("b", 2, [offer(1.0)]))).worst_per_hour is None


def test_a_search_nothing_matches_costs_nothing_and_says_so() -> None:
    cost = priced("llm", 20, [])
    assert cost.worst_per_hour == 0.0
    assert "no offer matches its searches" in cost.describe()


def test_a_search_at_its_limit_says_more_match_and_names_no_cheapest() -> None:
    offers = Offers.of([offer(float(p)) for p in range(1, 4)], limit=3)
    assert (offers.count, offers.more, offers.cheapest) == (3, True, None)
    assert offers.priciest == offer(3.0)


def test_the_ceiling_refuses_naming_each_endpoint_and_the_ways_down() -> None:
    stack = StackCost((priced("a", 4, [offer(2.5)]), priced("b", 1, [offer(0.5)])))
    assert stack.worst_per_hour == pytest.approx(10.5)
    assert stack.refusal(20.0) is None
    assert stack.refusal(10.0) == (
        "the stack's worst case $10.50/h is above vast:maxHourlySpend $10.00/h: endpoint a "
        "$10.00/h (4 x $2.50/h); endpoint b $0.50/h (1 x $0.50/h). Nothing was written. Ways "
        "down: lower max_workers on an endpoint, cap what one worker may cost with "
        "max_hourly_price on its Workergroups (it adds dph_total<=X to the search), narrow "
        "search_params (num_gpus=1, a gpu_name), or raise vast:maxHourlySpend."
    )
    assert stack.describe(10.0) == (
        "stack worst case $10.50/h over 2 endpoints (vast:maxHourlySpend $10.00/h)"
    )


def test_a_ceiling_over_an_unknown_worst_case_refuses() -> None:
    unknown = priced("a", None, [offer(1.0)])
    unknown.unknown.append("max_workers is not known yet")
    refusal = StackCost((unknown,)).refusal(100.0)
    assert refusal is not None
    assert "cannot be known before this deploy" in refusal


@pytest.mark.parametrize(
    ("per_hour", "text"),
    [(12.345, "$12.35/h"), (0.5, "$0.50/h"), (0.0042, "$0.0042/h"), (0, "$0.00/h")],
)
def test_money_keeps_small_figures_readable(per_hour: float, text: str) -> None:
    assert money(per_hour) == text


def test_a_search_is_sent_in_vasts_json_form_with_its_units() -> None:
    body = _offer_query.search_body("gpu_ram>=24 num_gpus=1 duration>=2", storage_gb=64, limit=50)
    assert body == {
        "gpu_ram": {"gte": 24000},
        "num_gpus": {"eq": 1},
        "duration": {"gte": 172800.0},
        "order": [["dph_total", "desc"]],
        "type": "on-demand",
        "limit": 50,
        "allocated_storage": 64.0,
    }


def test_a_price_cap_follows_the_default_filters() -> None:
    assert _offer_query.as_sent("gpu_name=H100_SXM", price_cap=3.5) == (
        "gpu_name=H100_SXM verified=True rentable=True rented=False dph_total<=3.5"
    )
    assert _offer_query.as_sent(None, defaults=False, price_cap=1) == "dph_total<=1"
