"""What a deploy can cost per hour, from what the program declares and the offers Vast has.

Pure figures, no I/O. The worst case of an endpoint is its ``max_workers`` times the
priciest offer any of its workergroups' searches selects now, priced for the group's
disk (``dph_total``: GPU and disk); cold workers idle bill their disk only (Vast's pricing
guide), so their figure is ``cold_workers`` times the dearest disk among those offers.
A worker loading its model counts as billed GPU time (the worst case assumes every worker
billed for its GPU): whether Vast bills Loading for the GPU is not settled even at Vast,
and this is the side that never under-states.
What is not known (an input given as an Output at preview) is unknown, never guessed;
where Vast applies a default the program leaves out, the documented default is used and
named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .._types import Row

# Vast's documented defaults for what a program may leave out (serverless-parameters.mdx
# says max_workers 16; Vast's API file and own client, 20: the larger bounds the cost).
DEFAULT_MAX_WORKERS = 20
DEFAULT_COLD_WORKERS = 5
DEFAULT_DISK_GB = 8.0


@dataclass(frozen=True)
class Offers:
    """What one search selects now: how many, and the cheapest and priciest."""

    count: int
    cheapest: Row | None
    priciest: Row | None
    more: bool = False  # the search returned its limit: more offers match
    #: The dearest disk (``storage_total_cost``, $/h) of any offer the search selects:
    #: a cold worker may sit on any of them, so the idle figure never under-states.
    dearest_disk: float = 0.0

    @classmethod
    def of(cls, offers: list[Row], limit: int) -> Offers:
        """From a search's answer (any order)."""
        priced = [o for o in offers if isinstance(o.get("dph_total"), (int, float))]
        by_price = sorted(priced, key=lambda o: float(o["dph_total"]))
        disks = [
            float(o["storage_total_cost"])
            for o in priced
            if isinstance(o.get("storage_total_cost"), (int, float))
        ]
        return cls(
            count=len(priced),
            cheapest=by_price[0] if by_price and len(offers) < limit else None,
            priciest=by_price[-1] if by_price else None,
            more=len(offers) >= limit,
            dearest_disk=max(disks, default=0.0),
        )


@dataclass(frozen=True)
class GroupPlan:
    """A workergroup as the program declares it (None: not known before up)."""

    name: str
    search: str | None
    disk_gb: float
    disk_note: str = ""


@dataclass(frozen=True)
class EndpointPlan:
    """An endpoint as the program declares it, with the groups that name it."""

    name: str
    max_workers: int | None
    cold_workers: int | None
    groups: tuple[GroupPlan, ...]
    notes: tuple[str, ...] = ()


@dataclass
class EndpointCost:
    """The figures of one endpoint; None where a figure cannot be known at preview."""

    plan: EndpointPlan
    offers: dict[str, Offers | None] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    @property
    def priciest(self) -> Row | None:
        found = [o.priciest for o in self.offers.values() if o is not None and o.priciest]
        return max(found, key=lambda o: float(o["dph_total"])) if found else None

    @property
    def invalid(self) -> bool:
        """A count no endpoint can have (its check fails the preview): no figure at all."""
        counts = (self.plan.max_workers, self.plan.cold_workers)
        return any(count is not None and count < 0 for count in counts)

    @property
    def why_unknown(self) -> list[str]:
        """Why there is no figure (empty when there is one)."""
        failing = ["its inputs fail their check (see the error): no figure"] if self.invalid else []
        return [*self.unknown, *failing]

    @property
    def cold_workers(self) -> int | None:
        """The cold workers the figure counts: ``cold_workers``, capped by ``max_workers``."""
        if self.plan.cold_workers is None or self.plan.max_workers is None:
            return None
        return min(self.plan.cold_workers, self.plan.max_workers)

    @property
    def worst_per_hour(self) -> float | None:
        """``max_workers`` times the priciest offer its groups select; None if unknown."""
        if self.unknown or self.invalid or self.plan.max_workers is None:
            return None
        priciest = self.priciest
        return self.plan.max_workers * float(priciest["dph_total"]) if priciest else 0.0

    @property
    def cold_per_hour(self) -> float | None:
        """Cold workers idle: their disks only, at the dearest disk rate of those offers."""
        workers = self.cold_workers
        if self.unknown or self.invalid or workers is None:
            return None
        disks = [o.dearest_disk for o in self.offers.values() if o is not None]
        return workers * max(disks, default=0.0)

    def figure(self) -> str:
        """``endpoint llm $10.70/h (4 x $2.67/h)``, or why it is unknown."""
        worst, priciest = self.worst_per_hour, self.priciest
        if worst is None:
            return f"endpoint {self.plan.name} unknown ({'; '.join(self.why_unknown)})"
        if priciest is None:
            return f"endpoint {self.plan.name} {money(0.0)} (no offer matches)"
        each = money(float(priciest["dph_total"]))
        return f"endpoint {self.plan.name} {money(worst)} ({self.plan.max_workers} x {each})"

    def describe(self) -> str:
        """One paragraph: the worst case, the cold workers, the offers behind them."""
        plan = self.plan
        worst = self.worst_per_hour
        if worst is None:
            head = (
                f"endpoint {plan.name}: worst case unknown at preview "
                f"({'; '.join(self.why_unknown)})"
            )
        elif self.priciest is None:
            head = f"endpoint {plan.name}: worst case {money(0.0)} (no offer matches its searches)"
        else:
            priciest = self.priciest
            head = (
                f"endpoint {plan.name}: worst case {money(worst)} (max_workers "
                f"{plan.max_workers} x {money(float(priciest['dph_total']))}, the priciest offer "
                f"its groups select now: {priciest.get('num_gpus')}x {priciest.get('gpu_name')})"
            )
        cold = self.cold_per_hour
        if cold is not None:
            head += f"; cold workers idle {money(cold)} ({self.cold_workers}, disks only)"
        groups = [f"{name} {offers_text(offers)}" for name, offers in self.offers.items()]
        if groups:
            head += "; offers now: " + ", ".join(groups)
        return head + "".join(f". {note}" for note in plan.notes)


def offers_text(offers: Offers | None) -> str:
    """``48 ($0.35-$0.93/h)``, or why there is no figure."""
    if offers is None:
        return "unknown"
    if offers.count == 0:
        return "none"
    count = f"{offers.count}+" if offers.more else str(offers.count)
    low = money(float(offers.cheapest["dph_total"])) if offers.cheapest else "?"
    high = money(float(offers.priciest["dph_total"])) if offers.priciest else "?"
    return f"{count} ({low} to {high})"


def money(per_hour: float) -> str:
    """``$12.34/h``; cents and less keep their digits (``$0.0042/h``)."""
    return f"${per_hour:,.2f}/h" if per_hour >= 0.1 or per_hour == 0 else f"${per_hour:.4f}/h"


@dataclass(frozen=True)
class StackCost:
    """Every endpoint of the program, and what they add up to."""

    endpoints: tuple[EndpointCost, ...]

    @property
    def worst_per_hour(self) -> float | None:
        figures = [e.worst_per_hour for e in self.endpoints]
        return None if any(f is None for f in figures) else sum(f for f in figures if f)

    def describe(self, ceiling: float | None) -> str:
        worst = self.worst_per_hour
        count = len(self.endpoints)
        invalid = worst is None and any(e.invalid for e in self.endpoints)
        if worst is not None:
            total = money(worst)
        else:
            total = "not figured" if invalid else "unknown at preview"
        text = f"stack worst case {total} over {count} endpoint{'s' if count != 1 else ''}"
        if invalid:
            text += " (an endpoint's inputs fail their check)"
        return text + (f" (vast:maxHourlySpend {money(ceiling)})" if ceiling is not None else "")

    def refusal(self, ceiling: float) -> str | None:
        """Why the ceiling refuses this deploy, or None when it fits."""
        worst = self.worst_per_hour
        figures = "; ".join(e.figure() for e in self.endpoints)
        ways = (
            "Ways down: lower max_workers on an endpoint, cap what one worker may cost with "
            "max_hourly_price on its Workergroups (it adds dph_total<=X to the search), "
            "narrow search_params (num_gpus=1, a gpu_name), or raise vast:maxHourlySpend."
        )
        if worst is None:
            return (
                f"vast:maxHourlySpend is {money(ceiling)}, and the stack's worst case cannot be "
                f"known before this deploy ({figures}): an input it rests on is not a plain "
                "value. Give it as one, or unset vast:maxHourlySpend. Nothing was written."
            )
        if worst > ceiling:
            return (
                f"the stack's worst case {money(worst)} is above vast:maxHourlySpend "
                f"{money(ceiling)}: {figures}. Nothing was written. " + ways
            )
        return None
