"""The provider of ``pulumi-python:dynamic/vast:Workergroup``."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CreateResult

from ..client._rows import Row
from ._base import VastProvider
from ._properties import WORKERGROUP_PROPS, Failure, WorkergroupInputs, from_vast, to_vast

_ENDPOINT_REFS = ("endpoint_id", "endpoint_name")
_RECIPES = ("template_hash", "template_id", "search_params")


class WorkergroupProvider(VastProvider):
    """Creates, reads, updates and deletes a Vast serverless workergroup."""

    kind = "workergroup"
    props = WORKERGROUP_PROPS
    model = WorkergroupInputs
    # launch_args often carries tokens (--env HF_TOKEN=...): keep it encrypted in state.
    secret_outputs = frozenset({"launch_args"})

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
        if not any(name in present for name in _RECIPES):
            failures.append(
                Failure(
                    "template_hash",
                    "set template_hash, template_id or search_params (at least one) so Vast "
                    "knows what the workers run",
                )
            )
        return failures

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create the workergroup; an ambiguous failure is settled by listing, not resent."""
        inputs = self.parse(props)
        known_ids = [row["id"] for row in self.list_rows()]
        group_id = self.client.create_workergroup(known_ids=known_ids, **to_vast(inputs))
        return CreateResult(str(group_id), self.outputs(self.current_row(group_id), inputs))

    def extra_outputs(self, row: Row, inputs: dict[str, Any]) -> dict[str, Any]:
        """Vast re-encodes search_params as search_query: keep the declared text as well."""
        row = from_vast(row)
        live = row.get("search_params")
        return {
            "gpu_ram": row.get("gpu_ram"),
            "search_params": inputs.get("search_params") if live is None else live,
            "search_query": row.get("search_query"),
        }

    def list_rows(self, *, fresh: bool = False) -> list[Row]:
        """List the account's workergroups."""
        return self.client.list_workergroups(fresh=fresh)

    def update_remote(self, object_id: int, fields: dict[str, Any]) -> None:
        """PUT the workergroup."""
        self.client.update_workergroup(object_id, **fields)

    def delete_remote(self, object_id: int) -> None:
        """DELETE the workergroup."""
        self.client.delete_workergroup(object_id)
