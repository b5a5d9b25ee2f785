"""The autoscaler's routes, served at the root as Vast serves them on https://run.vast.ai.

``/get_endpoint_workers/`` and ``/get_workergroup_workers/`` (each worker with its
``status``), ``/update_workers/`` (a rolling update of a group's workers, or its
cancellation), and the engine's logs (``/get_endpoint_logs/``,
``/get_workergroup_logs/``, and ``/get_autogroup_logs/`` as Vast's own client calls it).
What the workers do is the engine's (``_engine``); this module brings it the endpoint's
rows at each event (``settle``).
"""

from __future__ import annotations

from typing import Any, NoReturn

from .._types import Row
from ._engine import MEASURED_PERF
from ._offers import DEFAULT_ALLOCATED_STORAGE
from ._state import ApiError, Call, SimulatorState
from ._workers import READY

# How long a new workergroup is unknown to the autoscaler when the variant says so.
LAG_SECONDS = 3.0


def endpoint_workers(call: Call) -> Any:
    """POST /get_endpoint_workers/ {"id": endpoint_id}; an unknown id answers with a string."""
    endpoint_id = _id(call, "id")
    endpoint = settle(call.sim, call.tenant, endpoint_id)
    if endpoint is None:
        return f"authenticate_endpoint_apikey: invalid api_key or endpoint {endpoint_id} not found"
    groups = [g for g in _groups(call.sim, call.tenant) if g.get("endpoint_id") == endpoint_id]
    if any(_lagging(call, int(g["id"])) for g in groups):
        _not_known_yet("endpoint", endpoint_id)
    workers = [w for g in groups for w in call.sim.engine.rows(int(g["id"]))]
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
    if _lagging(call, group_id):
        _not_known_yet("workergroup", group_id)
    settle(call.sim, call.tenant, int(group["endpoint_id"]))
    return {"workers": call.sim.engine.rows(group_id)}


def update_workers(call: Call) -> Row:
    """POST /update_workers/ {"workergroup_id": id[, "cancel_update": true]}."""
    group_id = _id(call, "workergroup_id")
    group = call.store.get("workergroups", call.tenant, group_id)
    if group is None:
        return {"success": False, "error_msg": f"workergroup {group_id} not found"}
    settle(call.sim, call.tenant, int(group["endpoint_id"]))
    if call.body.get("cancel_update"):
        call.sim.engine.cancel(group_id)
        return {"success": True, "cancelled": True}
    return {"success": True, "workers_to_update": call.sim.engine.roll(group_id)}


def endpoint_logs(call: Call) -> Row:
    """POST /get_endpoint_logs/ {"id": endpoint_id, "tail": N}: the endpoint's and its
    groups' engine log."""
    endpoint_id = _id(call, "id")
    if call.store.get("endpoints", call.tenant, endpoint_id) is None:
        _unknown("endpoint", endpoint_id)
    settle(call.sim, call.tenant, endpoint_id)
    groups = [g for g in _groups(call.sim, call.tenant) if g.get("endpoint_id") == endpoint_id]
    lines = call.sim.engine.logs("endpoint", endpoint_id).splitlines()
    for group in groups:
        lines += call.sim.engine.logs("workergroup", int(group["id"])).splitlines()
    return {"logs": "\n".join(sorted(lines)[-_tail(call) :])}


def workergroup_logs(call: Call) -> Row:
    """POST /get_workergroup_logs/ (and /get_autogroup_logs/) {"id": id, "tail": N}."""
    group_id = _id(call, "id")
    group = call.store.get("workergroups", call.tenant, group_id)
    if group is None:
        _unknown("workergroup", group_id)
    settle(call.sim, call.tenant, int(group["endpoint_id"]))
    return {"logs": call.sim.engine.logs("workergroup", group_id, _tail(call))}


def settle(
    sim: SimulatorState, tenant: str, endpoint_id: int, *, changed: bool = False
) -> Row | None:
    """Let the engine catch up on the endpoint as it is now (``changed``: something its
    scaling reads just changed); return its row (None if gone)."""
    endpoint = sim.store.get("endpoints", tenant, endpoint_id)
    if endpoint is None:
        return None
    groups = [g for g in _groups(sim, tenant) if g.get("endpoint_id") == endpoint_id]
    if changed:
        sim.engine.touch(endpoint_id)
    sim.engine.settle(tenant, endpoint, groups, lambda group: disk_of(sim, group))
    return endpoint


def settle_tenant(sim: SimulatorState, tenant: str) -> None:
    """Let the engine catch up on every endpoint of one account (before reading money)."""
    for endpoint in sim.store.rows("endpoints", tenant):
        settle(sim, tenant, int(endpoint["id"]))


def settle_all(sim: SimulatorState, *, changed: bool = False) -> None:
    """Let the engine catch up on every endpoint of every account (around a control)."""
    for endpoint in sim.store.all_rows("endpoints"):
        settle(sim, str(endpoint["tenant"]), int(endpoint["id"]), changed=changed)


def disk_of(sim: SimulatorState, group: Row) -> float:
    """The disk a group's workers get: its template's recommended_disk_space, else 8 GB."""
    for template in sim.store.all_rows("templates"):
        if (group.get("template_hash") and template.get("hash_id") == group["template_hash"]) or (
            group.get("template_id") and template["id"] == group["template_id"]
        ):
            return float(template.get("recommended_disk_space") or DEFAULT_ALLOCATED_STORAGE)
    return DEFAULT_ALLOCATED_STORAGE


def _groups(sim: SimulatorState, tenant: str) -> list[Row]:
    return sim.store.rows("workergroups", tenant)


def _lagging(call: Call, group_id: int) -> bool:
    """Vast's client says the autoscaler may not know a new group for a moment."""
    return call.sim.variants.autoscaler_lag == "new_groups" and (
        call.sim.engine.age(group_id) < LAG_SECONDS
    )


def _not_known_yet(kind: str, object_id: int) -> NoReturn:
    error = ApiError(400, f"authenticate_{kind}_apikey: {kind} {object_id} not found")
    error.body = {"error_msg": str(error)}
    raise error


def _unknown(kind: str, object_id: int) -> NoReturn:
    error = ApiError(400, f"{kind} {object_id} not found")
    error.body = {"error_msg": str(error)}
    raise error


def _tail(call: Call) -> int:
    tail = call.body.get("tail")
    return tail if isinstance(tail, int) and not isinstance(tail, bool) and tail > 0 else 10_000


def _id(call: Call, name: str) -> int:
    """The id the body names; a missing or invalid one is the autoscaler's 400, whose body
    is ``{"error_msg": ...}`` (backend-generated files)."""
    value = call.body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        error = ApiError(400, f"{name} must be a positive integer")
        error.body = {"error_msg": str(error)}
        raise error
    return value
