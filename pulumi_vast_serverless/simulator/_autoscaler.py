"""The autoscaler's routes, served at the root as Vast serves them on https://run.vast.ai.

``/get_endpoint_workers/``, ``/get_workergroup_workers/`` (each worker with its ``status``)
and ``/update_workers/`` (a rolling update of a group's workers, or its cancellation). A
group keeps ``cold_workers`` workers, capped by its and its endpoint's ``max_workers``,
while its endpoint is active (see ``_workers`` for how they move).
"""

from __future__ import annotations

from typing import Any

from ._state import ApiError, Call
from ._workers import READY

MEASURED_PERF = 100.0

Row = dict[str, Any]


def endpoint_workers(call: Call) -> Any:
    """POST /get_endpoint_workers/ {"id": endpoint_id}; an unknown id answers with a string."""
    endpoint_id = _id(call, "id")
    endpoint = call.store.get("endpoints", call.tenant, endpoint_id)
    if endpoint is None:
        return f"authenticate_endpoint_apikey: invalid api_key or endpoint {endpoint_id} not found"
    workers: list[Row] = []
    for group in call.store.rows("workergroups", call.tenant):
        if group.get("endpoint_id") == endpoint_id:
            workers += _workers(call, group, endpoint)
    # Only this route reports measured_perf (Vast's client says so); a fixed figure once
    # the worker serves.
    return {
        "workers": [
            {**w, "measured_perf": MEASURED_PERF if w["status"] == READY else 0.0} for w in workers
        ]
    }


def workergroup_workers(call: Call) -> Any:
    """POST /get_workergroup_workers/ {"id": workergroup_id}."""
    group_id = _id(call, "id")
    group = call.store.get("workergroups", call.tenant, group_id)
    if group is None:
        return (
            f"authenticate_workergroup_apikey: invalid api_key or workergroup {group_id} not found"
        )
    endpoint = call.store.get("endpoints", call.tenant, group["endpoint_id"])
    return {"workers": _workers(call, group, endpoint)}


def update_workers(call: Call) -> Row:
    """POST /update_workers/ {"workergroup_id": id[, "cancel_update": true]}."""
    group_id = _id(call, "workergroup_id")
    if call.store.get("workergroups", call.tenant, group_id) is None:
        return {"success": False, "error_msg": f"workergroup {group_id} not found"}
    if call.body.get("cancel_update"):
        call.sim.autoscaler.cancel(group_id)
        return {"success": True, "cancelled": True}
    return {"success": True, "workers_to_update": call.sim.autoscaler.roll(group_id)}


def start_workers(call: Call, group_id: int) -> None:
    """Start the workers a new workergroup keeps (see ``_workers``)."""
    group = call.store.get("workergroups", call.tenant, group_id)
    if group is not None:
        _workers(call, group, call.store.get("endpoints", call.tenant, group["endpoint_id"]))


def _workers(call: Call, group: Row, endpoint: Row | None) -> list[Row]:
    """The group's workers, started up to what its config keeps: ``cold_workers``, capped
    by its and its endpoint's ``max_workers``; none while the endpoint is not active."""
    active = endpoint is not None and endpoint.get("endpoint_state") == "active"
    limits = [group.get("cold_workers", 0), group.get("max_workers", 0)]
    if endpoint is not None:
        limits.append(endpoint.get("max_workers", 0))
    call.sim.autoscaler.ensure(group["id"], min(limits) if active else 0)
    return call.sim.autoscaler.rows(group["id"])


def _id(call: Call, name: str) -> int:
    """The id the body names; a missing or invalid one is the autoscaler's 400, whose body
    is ``{"error_msg": ...}`` (backend-generated files)."""
    value = call.body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        error = ApiError(400, f"{name} must be a positive integer")
        error.body = {"error_msg": str(error)}
        raise error
    return value
