"""The provider of ``pulumi-python:dynamic/vast:Endpoint``."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CreateResult

from ..client import _routes
from ..client._errors import VastAmbiguousCreateError, with_hint
from ..client._rows import Row
from ._base import VastProvider
from ._properties import ENDPOINT_PROPS, EndpointInputs, Failure


class EndpointProvider(VastProvider):
    """Creates, reads, updates and deletes a Vast serverless endpoint."""

    kind = "endpoint"
    props = ENDPOINT_PROPS
    model = EndpointInputs

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
        with self.client.write_coming(_routes.ENDPOINTS):
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
                route=_routes.ENDPOINTS,
                refusal=(
                    f"an endpoint named {name!r} already exists on Vast (id {ids}) and this "
                    "stack does not manage it. Set adopt_existing=True on this Endpoint to "
                    "manage it from this stack, or choose another endpoint_name."
                ),
                ambiguity=(
                    f"{len(same_name)} endpoints are named {name!r}; adopt_existing needs "
                    "exactly one. Delete or rename the extras in the Vast console."
                ),
                create=lambda: self.client.create_endpoint(
                    known_ids=[row["id"] for row in rows], **fields
                ),
            )
        except VastAmbiguousCreateError as exc:
            hint = (
                f"run again: if the endpoint {name!r} was created, the run finds it (Vast "
                "refuses a second endpoint of that name), else it creates it"
            )
            raise with_hint(exc, hint) from None

    def list_rows(self, *, fresh: bool = False, snapshot: bool = False) -> list[Row]:
        """List the account's endpoints."""
        return self.client.list_endpoints(fresh=fresh, snapshot=snapshot)

    def update_remote(
        self, object_id: int, fields: dict[str, Any], inputs: dict[str, Any], olds: dict[str, Any]
    ) -> None:
        """PUT the endpoint."""
        self.client.update_endpoint(object_id, **fields)

    def delete_remote(self, object_id: int) -> None:
        """DELETE the endpoint (Vast deletes its workergroups with it)."""
        self.client.delete_endpoint(object_id)
