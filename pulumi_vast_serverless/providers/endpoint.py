"""The provider of ``pulumi-python:dynamic/vast:Endpoint``."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CreateResult

from .._types import Row
from ..client import VastValidationError, routes, with_hint
from ._base import VastProvider
from ._errors import VastAmbiguousCreateError, VastConflictError
from ._properties import ENDPOINT, Failure
from ._values import plain

# Vast's refusal of a second endpoint of one name (POST /endptjobs/, backend file).
_DUPLICATE = "duplicate endpoint name"


class EndpointProvider(VastProvider):
    """Creates, reads, updates and deletes a Vast serverless endpoint."""

    kind = "endpoint"
    table = ENDPOINT

    def cross_check(self, present: set[str], known: dict[str, Any]) -> list[Failure]:
        """An endpoint needs a name (Vast keys adoption on it); queue times must agree."""
        failures = []
        if "endpoint_name" not in present:
            failures.append(
                Failure(
                    "endpoint_name",
                    "endpoint_name is required; set a name such as "
                    "'qwen3-8b' (letters, digits, '_' or '-')",
                )
            )
        cold, most = known.get("cold_workers"), known.get("max_workers")
        if isinstance(cold, int) and isinstance(most, int) and cold > most:
            failures.append(
                Failure(
                    "cold_workers",
                    f"cold_workers {cold} is above max_workers {most}: Vast keeps at most "
                    "max_workers workers, cold ones included; lower cold_workers or raise "
                    "max_workers",
                )
            )
        target, limit = known.get("target_queue_time"), known.get("max_queue_time")
        if isinstance(target, (int, float)) and isinstance(limit, (int, float)) and target > limit:
            failures.append(
                Failure(
                    "target_queue_time",
                    f"target_queue_time must be at most max_queue_time; got {target} > {limit}",
                )
            )
        return failures

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create the endpoint, or adopt one of the same name when asked to."""
        inputs = self.parse(props)
        fields = self.to_vast(inputs)
        with self.client.write_coming(routes.ENDPOINTS):
            endpoint_id, adopting = self.create_or_adopt(inputs, fields)
        if adopting:

            def take_over(row: Row) -> Row:
                # The snapshot may be a moment old: send every declared field, not a diff.
                if fields:
                    self.client.update_endpoint(endpoint_id, **fields)
                    return self.current_row(endpoint_id)
                return row

            return self.created(endpoint_id, inputs, fields, take_over)

        def set_state(row: Row) -> Row:
            state = inputs.get("endpoint_state")
            if state is None or row.get("endpoint_state") == state:
                return row
            # Vast's older documents say an endpoint always starts active.
            self.client.update_endpoint(endpoint_id, endpoint_state=state)
            return self.current_row(endpoint_id)

        return self.created(endpoint_id, inputs, fields, set_state)

    def create_or_adopt(self, inputs: dict[str, Any], fields: dict[str, Any]) -> tuple[int, bool]:
        """Create the endpoint, or find the one of its name to adopt: (id, adopting)."""
        name = inputs["endpoint_name"]
        rows = self.list_rows(snapshot=True)
        same_name = [row for row in rows if row.get("endpoint_name") == name]
        ids = ", ".join(str(row["id"]) for row in same_name)
        try:
            return self.adopt_or_create(
                same_name,
                adopt=bool(inputs.get("adopt_existing")),
                route=routes.ENDPOINTS,
                refusal=(
                    f"an endpoint named {name!r} already exists on Vast (id {ids}) and this "
                    "stack does not manage it. Set adopt_existing=True on this Endpoint to "
                    "manage it from this stack, or choose another endpoint_name."
                ),
                ambiguity=(
                    f"{len(same_name)} endpoints are named {name!r}; adopt_existing needs "
                    "exactly one. Delete or rename the extras in the Vast console."
                ),
                create=lambda: self.creates.create(
                    routes.ENDPOINTS, fields, known_ids=[row["id"] for row in rows]
                ),
            )
        except VastAmbiguousCreateError as exc:
            hint = (
                f"run again: if the endpoint {name!r} was created, the run finds it (Vast "
                "refuses a second endpoint of that name), else it creates it"
            )
            raise with_hint(exc, hint) from None
        except VastValidationError as exc:
            if _DUPLICATE not in exc.vast_message.lower():
                raise
            if not inputs.get("adopt_existing"):
                hint = (
                    "an endpoint of this name exists already: choose another endpoint_name, "
                    "or set adopt_existing=True to manage it from this stack"
                )
                raise with_hint(exc, hint) from None
        # Vast has an endpoint of that name the look before the create did not show (a list
        # a moment old): read again, and adopt it as asked.
        named = [row for row in self.list_rows(fresh=True) if row.get("endpoint_name") == name]
        if len(named) != 1:
            raise VastConflictError(
                f"Vast refused a second endpoint named {name!r}, and {len(named)} are listed "
                "now: adopt_existing needs exactly one; run again, or delete the extras"
            )
        self.creates.claim(routes.ENDPOINTS, int(named[0]["id"]))
        return int(named[0]["id"]), True

    def list_rows(self, *, fresh: bool = False, snapshot: bool = False) -> list[Row]:
        """List the account's endpoints."""
        return self.client.list_endpoints(fresh=fresh, snapshot=snapshot)

    def update_remote(
        self, object_id: int, fields: dict[str, Any], inputs: dict[str, Any], olds: dict[str, Any]
    ) -> None:
        """PUT the endpoint."""
        self.client.update_endpoint(object_id, **fields)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Delete the endpoint, unless workergroups this stack does not manage serve it.

        Vast deletes an endpoint's workergroups with it. Destroy deletes this stack's
        groups first (they depend on the endpoint), so a group still attached now belongs
        to another stack or the console: deleting would take it along, silently. That is
        refused, naming them, unless ``allow_cascade_delete``.
        """
        object_id = int(id_)
        if not plain(props.get("allow_cascade_delete")):
            others = [
                row
                for row in self.client.list_workergroups(fresh=True)
                if row.get("endpoint_id") == object_id
            ]
            if others:
                raise VastConflictError(cascade_refusal(object_id, props, others))
        super().delete(id_, props)

    def delete_remote(self, object_id: int) -> None:
        """DELETE the endpoint (Vast deletes its workergroups with it)."""
        self.client.delete_endpoint(object_id)


def cascade_refusal(endpoint_id: int, props: dict[str, Any], groups: list[Row]) -> str:
    """Why an endpoint serving other stacks' workergroups is not deleted, and the ways on."""
    name = plain(props.get("endpoint_name")) or endpoint_id
    ids = ", ".join(str(row["id"]) for row in groups)
    return (
        f"endpoint {endpoint_id} ({name}) still serves workergroup{'s' if len(groups) > 1 else ''}"
        f" {ids}, which this stack does not manage (another stack's, the console's, or "
        "left by an interrupted up): Vast would delete them with it. Destroy the stacks that "
        "own them first, or set allow_cascade_delete=True on this Endpoint and run "
        "`pulumi up` before destroying."
    )
