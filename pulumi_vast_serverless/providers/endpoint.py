"""The provider of ``pulumi-python:dynamic/vast:Endpoint``."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CreateResult

from ..client._errors import VastAmbiguousCreateError, VastConflictError
from ..client._rows import Row
from ._base import VastProvider
from ._properties import ENDPOINT_PROPS, EndpointInputs, Failure, to_vast

_START_STATE = "active"


class EndpointProvider(VastProvider):
    """Creates, reads, updates and deletes a Vast serverless endpoint."""

    kind = "endpoint"
    props = ENDPOINT_PROPS
    model = EndpointInputs

    def cross_check(self, present: set[str], known: dict[str, Any]) -> list[Failure]:
        """An endpoint needs a name: it is how people (and adoption) find it."""
        if "endpoint_name" not in present:
            return [
                Failure(
                    "endpoint_name",
                    "endpoint_name is required; set a name such as "
                    "'qwen3-8b' (letters, digits, '_' or '-')",
                )
            ]
        return []

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create the endpoint, or adopt one of the same name when asked to."""
        inputs = self.parse(props)
        name = inputs["endpoint_name"]
        rows = self.list_rows(fresh=True)
        same_name = [row for row in rows if row.get("endpoint_name") == name]
        if same_name and not inputs.get("adopt_existing"):
            ids = ", ".join(str(row["id"]) for row in same_name)
            raise VastConflictError(
                f"an endpoint named {name!r} already exists on Vast (id {ids}). Set "
                "adopt_existing=True on this Endpoint to manage it from this stack, or choose "
                "another endpoint_name."
            )
        if len(same_name) > 1:
            raise VastConflictError(
                f"{len(same_name)} endpoints are named {name!r}; adopt_existing needs exactly "
                "one. Delete or rename the extras in the Vast console."
            )
        fields = to_vast(inputs)
        if same_name:
            endpoint_id = int(same_name[0]["id"])
            changes = self.changed_fields(fields, same_name[0])
            if changes:
                self.update_remote(endpoint_id, changes)
        else:
            state = fields.pop("endpoint_state", None)
            try:
                endpoint_id = self.client.create_endpoint(
                    known_ids=[row["id"] for row in rows], **fields
                )
            except VastAmbiguousCreateError as exc:
                raise VastAmbiguousCreateError(
                    exc.method,
                    exc.path,
                    exc.reason,
                    exc.sent,
                    hint=f"if an endpoint named {name!r} shows up in Vast, run again with "
                    "adopt_existing=True to take it over (or delete it)",
                ) from None
            # New endpoints start active; Vast changes the state only on update.
            if state is not None and state != _START_STATE:
                self.update_remote(endpoint_id, {"endpoint_state": state})
        return CreateResult(str(endpoint_id), self.outputs(self.current_row(endpoint_id), inputs))

    def list_rows(self, *, fresh: bool = False) -> list[Row]:
        """List the account's endpoints."""
        return self.client.list_endpoints(fresh=fresh)

    def update_remote(self, object_id: int, fields: dict[str, Any]) -> None:
        """PUT the endpoint."""
        self.client.update_endpoint(object_id, **fields)

    def delete_remote(self, object_id: int) -> None:
        """DELETE the endpoint."""
        self.client.delete_endpoint(object_id)
