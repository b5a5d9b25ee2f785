"""The cost check of one program run: what the program declares, priced before any write.

Every Template, Endpoint and Workergroup of a run reports what it declares here
(``Plan.declare``) and waits on the plan's gate (``Plan.gated``: a ``depends_on`` no
resource registers before). Once the program body has run (the event loop's next turn),
the plan prices each endpoint with Vast's offer search, shows the figures at preview
(info per endpoint, a stack total, a warning per group no offer matches), and, when
``vast:maxHourlySpend`` is set, refuses a deploy whose worst case is above it: the gate
fails, so no resource registers and nothing is written. Only values the program gives as
plain values count: the gate cannot wait for other resources' outputs (they wait for it).

The plan runs at every preview (``vast:costEstimate false`` turns that off) and, when
the ceiling or ``vast:strict`` is set, at every ``up``; otherwise an ``up`` makes no
request for it. Under ``vast:strict`` what it would warn about fails the run instead.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi import Output, Resource, ResourceOptions

from .._origins import owner
from ..client import VastError, offer_query
from ._estimate import (
    DEFAULT_COLD_WORKERS,
    DEFAULT_DISK_GB,
    DEFAULT_MAX_WORKERS,
    EndpointCost,
    EndpointPlan,
    GroupPlan,
    Offers,
    StackCost,
    money,
)

CEILING_CONFIG = "maxHourlySpend"
ESTIMATE_CONFIG = "costEstimate"
STRICT_CONFIG = "strict"
# The offer search needs no key; a client still wants one, which it never sends there.
_NO_KEY = "no-key-offers-are-public"


@dataclass
class _Declared:
    """One resource of the run and the inputs it was given."""

    resource: Resource
    name: str
    props: dict[str, Any]


@dataclass
class Plan:
    """The cost check of the program run on one event loop."""

    ceiling: float | None
    active: bool
    #: ``vast:strict``: what would warn fails the preview instead (for CI).
    strict: bool = False
    endpoints: list[_Declared] = field(default_factory=list)
    groups: list[_Declared] = field(default_factory=list)
    templates: list[_Declared] = field(default_factory=list)
    gate: Output[Any] | None = None
    _done: asyncio.Future[Any] | None = None

    def gated(self, opts: ResourceOptions | None) -> ResourceOptions | None:
        """``opts`` that make a resource wait for the cost check (if it runs)."""
        if self.gate is None:
            return opts
        return ResourceOptions.merge(opts, ResourceOptions(depends_on=self.gate))

    def declare(self, kind: str, resource: Resource, name: str, props: dict[str, Any]) -> None:
        """Record a resource of the run: ``kind`` is template, endpoint or workergroup."""
        {"template": self.templates, "endpoint": self.endpoints, "workergroup": self.groups}[
            kind
        ].append(_Declared(resource, name, dict(props)))

    async def settle(
        self, search: Callable[[str, float], list[dict[str, Any]]], limit: int
    ) -> None:
        """Price the run, show it, and open (or fail) the gate."""
        assert self._done is not None
        loop = asyncio.get_running_loop()
        try:
            cost = await loop.run_in_executor(None, self.estimate, search, limit)
        except (VastError, OSError) as exc:
            if self.ceiling is not None:
                self._done.set_exception(
                    pulumi.RunError(
                        f"vast:maxHourlySpend cannot be checked: Vast's offer search failed "
                        f"({exc}). Nothing was written; run again, or unset vast:maxHourlySpend."
                    )
                )
            else:
                pulumi.log.warn(f"cost estimate unavailable: Vast's offer search failed ({exc})")
                self._done.set_result([])
            return
        warnings = self.show(cost)
        refusal = cost.refusal(self.ceiling) if self.ceiling is not None else None
        if not refusal and self.strict and warnings:
            refusal = f"vast:strict: {warnings[0][1]} (workergroup {warnings[0][0]})"
        if refusal:
            self._done.set_exception(pulumi.RunError(refusal))
        else:
            self._done.set_result([])

    def estimate(
        self, search: Callable[[str, float], list[dict[str, Any]]], limit: int
    ) -> StackCost:
        """Every declared endpoint priced with the offers its groups' searches select."""
        costs = []
        for endpoint in self.endpoints:
            plan = self.endpoint_plan(endpoint)
            cost = EndpointCost(plan)
            for group in plan.groups:
                if group.search is None:
                    cost.offers[group.name] = None
                    cost.unknown.append(
                        f"{group.name}: search_params is not known yet, or not a valid query"
                    )
                    continue
                cost.offers[group.name] = Offers.of(search(group.search, group.disk_gb), limit)
            if plan.max_workers is None:
                cost.unknown.append("max_workers is not known yet")
            costs.append(cost)
        return StackCost(tuple(costs))

    def endpoint_plan(self, endpoint: _Declared) -> EndpointPlan:
        """What one endpoint declares, with the groups that name it."""
        props, notes = endpoint.props, []
        max_workers = _plain_int(props.get("max_workers"))
        if props.get("max_workers") is None:
            max_workers = DEFAULT_MAX_WORKERS
            notes.append(f"max_workers not set: Vast's default, at most {DEFAULT_MAX_WORKERS}")
        cold = _plain_int(props.get("cold_workers"))
        if props.get("cold_workers") is None:
            cold = DEFAULT_COLD_WORKERS
        groups = tuple(
            self.group_plan(group) for group in self.groups if self.endpoint_of(group) is endpoint
        )
        return EndpointPlan(endpoint.name, max_workers, cold, groups, tuple(notes))

    def endpoint_of(self, group: _Declared) -> _Declared | None:
        """The declared endpoint a group names (by ``endpoint_id=ep.id`` or by name)."""
        # Any owner will do: only a declared endpoint's resource can match below.
        resource = owner(group.props.get("endpoint_id"), Resource)
        name = group.props.get("endpoint_name")
        for endpoint in self.endpoints:
            if endpoint.resource is resource or (
                isinstance(name, str) and endpoint.props.get("endpoint_name") == name
            ):
                return endpoint
        return None

    def group_plan(self, group: _Declared) -> GroupPlan:
        """The search a group sends, and the disk its workers get."""
        return GroupPlan(group.name, sent_search(group.props), *self.disk_of(group))

    def disk_of(self, group: _Declared) -> tuple[float, str]:
        """The group's template's recommended_disk_space (Vast's default 8 GB if unset)."""
        for name in ("template_hash", "template_id"):
            template = owner(group.props.get(name), Resource)
            for declared in self.templates:
                if declared.resource is template:
                    disk = declared.props.get("recommended_disk_space")
                    if isinstance(disk, (int, float)):
                        return float(disk), ""
                    return DEFAULT_DISK_GB, ""
        return DEFAULT_DISK_GB, "its template is not in this program: disk taken as 8 GB"

    def show(self, cost: StackCost) -> list[tuple[str, str]]:
        """The figures at preview: per endpoint, the stack, and groups nothing matches;
        returns the warnings, (group, text), shown (or, under vast:strict, to fail on)."""
        for endpoint_cost, endpoint in zip(cost.endpoints, self.endpoints, strict=True):
            pulumi.log.info(endpoint_cost.describe(), resource=endpoint.resource)
        warnings: list[tuple[_Declared, str]] = []
        for group in self.groups:
            if self.endpoint_of(group) is None:
                warnings.append(
                    (
                        group,
                        "not counted in the cost estimate or vast:maxHourlySpend: this group "
                        "attaches to an endpoint this program does not declare, whose "
                        "max_workers caps its workers",
                    )
                )
        for endpoint_cost in cost.endpoints:
            for name, offers in endpoint_cost.offers.items():
                if offers is not None and offers.count == 0:
                    group = next(g for g in self.groups if g.name == name)
                    warnings.append(
                        (
                            group,
                            f"no offer on Vast matches this group's search now "
                            f"({group_search(group)}): it would recruit nothing. Check the GPU "
                            "name (Vast writes it with _ for spaces, e.g. RTX_4090) and the "
                            "terms.",
                        )
                    )
        if not self.strict:
            for group, text in warnings:
                pulumi.log.warn(text, resource=group.resource)
        pulumi.log.info(cost.describe(self.ceiling))
        return [(group.name, text) for group, text in warnings]


def sent_search(props: dict[str, Any]) -> str | None:
    """The search a workergroup sends, from its declared inputs (as its provider makes
    it); None if not known yet or not valid."""
    search, cap = props.get("search_params"), props.get("max_hourly_price")
    if isinstance(search, Output) or isinstance(cap, Output):
        return None
    try:
        sent = offer_query.as_sent(
            search,
            defaults=props.get("default_offer_filters") is not False,
            price_cap=float(cap) if isinstance(cap, (int, float)) else None,
        )
        offer_query.parse(sent)
    except offer_query.OfferQueryError:
        return None
    return sent


def group_search(group: _Declared) -> str:
    return sent_search(group.props) or str(group.props.get("search_params"))


def _plain_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


_PLANS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Plan] = weakref.WeakKeyDictionary()


def this_run() -> Plan:
    """The cost check of the program running now (one per run, made by its first
    resource)."""
    loop = asyncio.get_event_loop()
    plan = _PLANS.get(loop)
    if plan is None:
        plan = _new_plan(loop)
        _PLANS[loop] = plan
    return plan


def _new_plan(loop: asyncio.AbstractEventLoop) -> Plan:
    config = pulumi.Config("vast")
    ceiling = config.get_float(CEILING_CONFIG)
    if ceiling is not None and ceiling < 0:
        raise pulumi.RunError(f"vast:{CEILING_CONFIG} is USD per hour, 0 or more; got {ceiling}")
    estimate = config.get_bool(ESTIMATE_CONFIG)
    strict = bool(config.get_bool(STRICT_CONFIG))
    # Under vast:strict an up checks too: what would only warn must stop it before a write.
    active = (
        ceiling is not None or strict or (pulumi.runtime.is_dry_run() and estimate is not False)
    )
    plan = Plan(ceiling=ceiling, active=active, strict=strict)
    if active:
        done: asyncio.Future[Any] = loop.create_future()
        known: asyncio.Future[bool] = loop.create_future()
        known.set_result(True)
        plan._done = done
        plan.gate = Output(set(), done, known)
        # The program body runs without yielding to the loop: this runs once it is done.
        loop.call_soon(lambda: asyncio.ensure_future(_settle(plan)))
    return plan


async def _settle(plan: Plan) -> None:
    from ..client import VastClient
    from ..providers import program_settings

    settings = program_settings()
    if settings.config_problems:  # the preview fails on them; no request before that
        assert plan._done is not None
        plan._done.set_result([])
        return
    try:
        client = VastClient(settings.api_key or _NO_KEY, base_url=settings.base_url)
    except VastError as exc:  # a bad URL: the providers' checks say so at preview
        if plan.ceiling is not None and plan._done is not None:
            plan._done.set_exception(
                pulumi.RunError(f"vast:maxHourlySpend cannot be checked: {exc}")
            )
        elif plan._done is not None:
            plan._done.set_result([])
        return
    with client:
        await plan.settle(
            lambda query, disk: client.search_offers(query, storage_gb=disk),
            offer_query.OFFER_LIMIT,
        )


__all__ = ["Plan", "money", "sent_search", "this_run"]
