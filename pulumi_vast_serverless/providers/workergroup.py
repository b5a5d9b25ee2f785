"""The provider of ``pulumi-python:dynamic/vast:Workergroup``."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult

from .._types import Row
from ..client import VastValidationError, offer_query, routes, same_value, with_hint
from ._base import VastProvider
from ._errors import VastLookupError
from ._properties import (
    VAST_ROLLS_ON,
    WORKERGROUP,
    Failure,
    from_vast,
)
from ._values import plain, same, split_inputs

_ENDPOINT_REFS = ("endpoint_id", "endpoint_name")
_TEMPLATES = ("template_hash", "template_id")
# Fields Vast's workergroup PUT does not take: a change replaces the group.
_NOT_UPDATABLE = frozenset({"endpoint_id", "endpoint_name"})
# What Vast stores when a create sends no search (its documented default).
_VAST_DEFAULT_SEARCH = "verified=true rentable=true rented=false"
# Fields that, when the program sets them, must also match for a group to be "the same".
_TUNING = ("gpu_ram",)
# Offer fields that choose GPU memory (the query language writes them in GB).
_VRAM_TERMS = ("gpu_ram", "gpu_total_ram")


class WorkergroupProvider(VastProvider):
    """Creates, reads, updates and deletes a Vast serverless workergroup."""

    kind = "workergroup"
    table = WORKERGROUP
    # Vast shows the endpoint's name beside its id; a program sets one of the two.
    not_imported = frozenset({"endpoint_name"})

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """As for every kind, and the search as it will be sent (default filters added);
        warns about inputs that do not do what they seem to."""
        result = super().check(olds, news)
        inputs = result.inputs or {}
        search, cap = inputs.get("search_params"), inputs.get("max_hourly_price")
        defaults = inputs.get("default_offer_filters", True)
        known = isinstance(search, str) or (search is None and isinstance(cap, float))
        if not result.failures and known and (defaults or cap is not None):
            inputs["search_params"] = offer_query.as_sent(
                search, defaults=bool(defaults), price_cap=cap
            )
        if not result.failures:
            warnings = self.warnings(news)
            if self.settings.strict:  # CI: what would warn fails the preview
                failures = [CheckFailure("", f"{warning} (vast:strict)") for warning in warnings]
                return CheckResult(result.inputs, failures)
            for warning in warnings:
                self.context.warn(warning)
        return result

    def warnings(self, news: dict[str, Any]) -> list[str]:
        """What a preview warns about: inputs Vast's engine never reads, and a gpu_ram
        that no search term backs (it does not choose machines)."""
        split = split_inputs(news)
        found = []
        knobs = sorted(self.ignored() & split.present)
        if knobs:
            found.append(ignored_knobs_warning(knobs))
        search = split.known.get("search_params")
        if "gpu_ram" in split.known and "search_params" not in split.unknown:
            terms = offer_query.parse(search) if isinstance(search, str) else {}
            if not any(term in terms for term in _VRAM_TERMS):
                gb = split.known["gpu_ram"]
                found.append(
                    f"gpu_ram={gb:g} does not choose machines (Vast uses it to estimate "
                    "bandwidth), and search_params sets no GPU memory: workers may land on "
                    f"cards too small for the model, and bill while they fail. Add "
                    f"gpu_ram>={gb:g} to search_params."
                )
        return found

    def cross_check(self, present: set[str], known: dict[str, Any]) -> list[Failure]:
        """Exactly one endpoint reference, and something for workers to run."""
        failures = []
        refs = [name for name in _ENDPOINT_REFS if name in present]
        if len(refs) != 1:
            got = "both" if refs else "neither"
            failures.append(
                Failure(
                    "endpoint_id",
                    f"set exactly one of endpoint_id and endpoint_name; got {got}. "
                    "Pass endpoint_id=my_endpoint.id to attach to an Endpoint of this stack.",
                )
            )
        search = known.get("search_params")
        if "max_hourly_price" in present and isinstance(search, str):
            with contextlib.suppress(offer_query.OfferQueryError):
                if "dph_total" in offer_query.parse(search):
                    failures.append(
                        Failure(
                            "max_hourly_price",
                            "set the price cap once: max_hourly_price, or dph_total<=X in "
                            "search_params, not both",
                        )
                    )
        args = known.get("launch_args")
        image_in_args = "launch_args" in present and (
            not isinstance(args, str) or re.search(r"(^|\s)--?image[\s=]", args) is not None
        )
        if not any(name in present for name in _TEMPLATES) and not image_in_args:
            failures.append(
                Failure(
                    "template_hash",
                    "set template_hash or template_id (what the workers run, e.g. "
                    "template_hash=my_template.hash_id), or an image in launch_args "
                    "(--image ...): search_params says where workers run, not what",
                )
            )
        return failures

    def replacing(self, object_id: int) -> None:
        """Remember that the engine replaces this group: its successor's create must not
        take it for a twin, since the engine deletes it right after."""
        self.runtime.replacing(object_id)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create the workergroup, refusing to duplicate one that runs and recruits the same.

        A group on the same endpoint with the same template, search and launch arguments
        (and every tuning value the program sets) that this run did not create is most
        likely one an interrupted ``up`` left behind: creating another would recruit and
        bill twice. It is refused, or taken over with ``adopt_existing=True``.
        """
        inputs = self.parse(props)
        endpoint_id = self.endpoint_id_of(inputs)
        fields = self.create_fields(inputs, endpoint_id)
        with self.client.write_coming(routes.WORKERGROUPS):
            group_id, adopting = self.create_or_adopt(inputs, fields)
        if not adopting:
            return self.created(group_id, inputs, fields)

        def take_over(row: Row) -> Row:
            updatable = {k: v for k, v in fields.items() if k not in _NOT_UPDATABLE}
            self.client.update_workergroup(group_id, endpoint_id=endpoint_id, **updatable)
            return self.current_row(group_id)

        return self.created(group_id, inputs, fields, take_over)

    def create_or_adopt(self, inputs: dict[str, Any], fields: dict[str, Any]) -> tuple[int, bool]:
        """Create the group, or find the twin to adopt: (id, adopting)."""
        rows: list[Row] = []
        # An endpoint this process created holds no group but the ones it creates itself:
        # no earlier run can have left one there, so there is nothing to look for.
        if not self.creates.created_here(routes.ENDPOINTS, fields["endpoint_id"]):
            rows = self.list_rows(snapshot=True)
        twins = [row for row in rows if self.is_twin(row, fields)]
        ids = ", ".join(str(row["id"]) for row in twins)
        try:
            return self.adopt_or_create(
                twins,
                adopt=bool(inputs.get("adopt_existing")),
                route=routes.WORKERGROUPS,
                refusal=(
                    f"workergroup {ids} on endpoint {fields['endpoint_id']} already runs this "
                    "template, search and launch arguments, and this stack does not manage it "
                    "(an interrupted `pulumi up` leaves such groups behind). Set "
                    "adopt_existing=True on this Workergroup to take it over, delete it in the "
                    "Vast console, or change this group's settings if both should exist."
                ),
                ambiguity=(
                    f"{len(twins)} workergroups match this one (ids {ids}); adopt_existing "
                    "needs exactly one. Delete the extras in the Vast console."
                ),
                create=lambda: self.creates.create(
                    routes.WORKERGROUPS, fields, known_ids=[row["id"] for row in rows]
                ),
            )
        except VastValidationError as exc:
            raise self.explained(exc, fields["endpoint_id"]) from None

    def endpoint_id_of(self, inputs: dict[str, Any]) -> int:
        """The endpoint to attach to; a name is resolved here, never sent.

        Vast's /autojobs/ create makes a new endpoint for a name it does not know: a typo
        would leave an endpoint no stack manages.
        """
        if "endpoint_id" in inputs:
            return int(inputs["endpoint_id"])
        name = inputs["endpoint_name"]
        matches = [
            row for row in self.client.list_endpoints(snapshot=True) if row["endpoint_name"] == name
        ]
        if len(matches) != 1:
            found = "no endpoint" if not matches else f"{len(matches)} endpoints"
            raise VastLookupError(
                f"{found} named {name!r} in this Vast account: pass endpoint_id=my_endpoint.id "
                "for an Endpoint of this program, or check the name"
            )
        return int(matches[0]["id"])

    def create_fields(self, inputs: dict[str, Any], endpoint_id: int) -> dict[str, Any]:
        """The body of the create: declared fields, the search as sent, the endpoint's id."""
        fields = {k: v for k, v in self.to_vast(inputs).items() if k != "endpoint_name"}
        fields["endpoint_id"] = endpoint_id
        if "search_params" not in fields and inputs.get("default_offer_filters", True):
            fields["search_params"] = offer_query.DEFAULT_FILTERS
        return fields

    def is_twin(self, row: Row, fields: dict[str, Any]) -> bool:
        """Whether ``row`` runs and recruits what ``fields`` would, and is not ours."""
        object_id = int(row["id"])
        if self.runtime.is_replacing(object_id):
            return False
        if self.creates.claimed(routes.WORKERGROUPS, object_id):
            return False
        if row.get("endpoint_id") != fields["endpoint_id"]:
            return False
        for name in ("template_hash", "template_id"):
            if not same_value(row.get(name), fields.get(name)):
                return False
        search = fields.get("search_params") or _VAST_DEFAULT_SEARCH
        if not offer_query.same_query(row.get("search_query"), search):
            return False
        if (row.get("launch_args") or "") != (fields.get("launch_args") or ""):
            return False
        return all(same_value(row.get(n), fields[n]) for n in _TUNING if n in fields)

    def explained(self, exc: VastValidationError, endpoint_id: int) -> VastValidationError:
        """Name the value Vast refused when it is the endpoint reference."""
        if "endpoint" not in exc.vast_message.lower():
            return exc
        return with_hint(
            exc,
            f"sent endpoint_id={endpoint_id}, which no endpoint of this account has: pass "
            "endpoint_id=my_endpoint.id of an Endpoint in this program, or "
            "Endpoint.get(...).id for one another stack manages",
        )

    def update_fields(self, inputs: dict[str, Any], olds: dict[str, Any]) -> dict[str, Any]:
        """The PUT body: changed fields Vast's PUT takes (check already fixed the search)."""
        fields = {k: v for k, v in self.to_vast(inputs).items() if k not in _NOT_UPDATABLE}
        return self.changed_fields(fields, olds)

    def update_remote(
        self, object_id: int, fields: dict[str, Any], inputs: dict[str, Any], olds: dict[str, Any]
    ) -> None:
        """PUT the workergroup (Vast requires its endpoint_id in every PUT)."""
        self.client.update_workergroup(
            object_id, endpoint_id=int(plain(olds["endpoint_id"])), **fields
        )

    def after_update(
        self, object_id: int, sent: dict[str, Any], inputs: dict[str, Any], olds: dict[str, Any]
    ) -> None:
        """Rolls as Vast does them: a PUT that changes what workers run (or where) makes
        Vast replace them by itself, so nothing more is sent, except the cancel
        ``rolling_update=False`` asks for. A Template named by ``template_id`` whose
        content changed leaves the group unchanged: Vast sees nothing, so one roll is
        asked for."""
        rolls = inputs.get("rolling_update", True)
        if any(name in sent for name in VAST_ROLLS_ON):
            if not rolls:
                self.client.update_workers(object_id, cancel=True)
            return
        before, now = plain(olds.get("template_revision")), inputs.get("template_revision")
        if rolls and "template_id" in inputs and before and now and not same(before, now):
            self.client.update_workers(object_id)

    def extra_outputs(self, row: Row, inputs: dict[str, Any]) -> dict[str, Any]:
        """Vast stores search_params parsed (search_query): show the declared text while
        the two agree, and the stored query as text once they do not (drift)."""
        row = from_vast(row)
        declared = inputs.get("search_params")
        live = row.get("search_query")
        stored = offer_query.stored_form(live)
        if declared is not None and offer_query.same_query(live, declared):
            search = declared
        elif stored is not None:
            search = offer_query.render(stored)
        elif live is None and row.get("search_params") is not None:
            search = row["search_params"]
        else:
            # Vast did not say, or said it in a form we cannot read: no drift is claimed.
            search = declared
        extra = {"search_params": search, "search_query": live}
        if row.get("gpu_ram") is not None:  # else the base keeps the value last known
            extra["gpu_ram"] = row["gpu_ram"]
        return extra

    def list_rows(self, *, fresh: bool = False, snapshot: bool = False) -> list[Row]:
        """List the account's workergroups."""
        return self.client.list_workergroups(fresh=fresh, snapshot=snapshot)

    def delete_remote(self, object_id: int) -> None:
        """DELETE the workergroup."""
        self.client.delete_workergroup(object_id)


def ignored_knobs_warning(knobs: list[str]) -> str:
    """What a preview says of Workergroup inputs Vast's engine never reads."""
    scaling = [k for k in knobs if k != "test_workers"]
    text = ""
    if scaling:
        verb = "is" if len(scaling) == 1 else "are"
        text = (
            f"{', '.join(scaling)} on a Workergroup {verb} ignored by Vast's serverless "
            "engine, which reads scaling from the endpoint only: set them on the Endpoint "
            "(they apply to all its workergroups together)."
        )
        if "max_workers" in scaling:
            text += (
                " To cap one GPU class, give it its own Endpoint, or cap its price with "
                "dph_total<=X in search_params."
            )
    if "test_workers" in knobs:
        text += " test_workers is not read by Vast's engine at all."
    return text.strip() + " Nothing of these is sent: remove them from this Workergroup."
