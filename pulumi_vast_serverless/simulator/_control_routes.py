"""The simulator's test controls under /_sim/: request log, faults, keys, variants, objects."""

from __future__ import annotations

from typing import Any

from .._types import Row
from ._autoscaler import settle_all
from ._faults import Fault
from ._state import SimulatorState
from ._store import tenant_of

_TABLES = {"endpoint": "endpoints", "workergroup": "workergroups", "template": "templates"}


def handle(state: SimulatorState, method: str, path: str, body: Any) -> tuple[int, Any]:
    """Answer one control request: (status, JSON body)."""
    try:
        return 200, _answer(state, method, path, body if isinstance(body, dict) else {})
    except ValueError as exc:
        return 400, {"success": False, "error": "invalid_control", "msg": str(exc)}
    except LookupError:
        return 404, {"success": False, "error": "not_found", "msg": "no such control"}


def _answer(state: SimulatorState, method: str, path: str, body: Row) -> Any:
    if (method, path) == ("GET", "/_sim/requests"):
        with state.log_lock:
            return list(state.log)
    if (method, path) == ("POST", "/_sim/faults"):
        state.faults.add(Fault.from_json(body))
        return {"success": True}
    if (method, path) == ("DELETE", "/_sim/faults"):
        state.faults.clear()
        return {"success": True}
    if (method, path) == ("POST", "/_sim/reset"):
        state.reset()
        return {"success": True}
    if (method, path) == ("GET", "/_sim/limits"):
        limiter = state.limiter
        if limiter is None:
            return {"reading": "off", "scale": 1.0, "thresholds": {}}
        return {
            "reading": limiter.reading,
            "scale": limiter.scale,
            "thresholds": limiter.thresholds,
        }
    if (method, path) == ("GET", "/_sim/inflight"):
        with state.log_lock:
            return {route: n for route, n in state.inflight.items() if n}
    if (method, path) == ("GET", "/_sim/objects"):
        return {
            table: state.store.count(table) for table in ("endpoints", "workergroups", "templates")
        }
    if (method, path) == ("GET", "/_sim/variants"):
        return state.variants.as_dict()
    if (method, path) == ("POST", "/_sim/variants"):
        for name, value in body.items():
            state.variants.set(name, str(value))
        return state.variants.as_dict()
    if (method, path) == ("POST", "/_sim/keys"):
        return _keys(state, body)
    if (method, path) == ("POST", "/_sim/managed"):
        return _managed(state, body)
    if (method, path) == ("POST", "/_sim/workers"):
        return _workers(state, body)
    if (method, path) == ("GET", "/_sim/billing"):
        return _billing(state)
    raise LookupError(path)


def _keys(state: SimulatorState, body: Row) -> Row:
    """``{"key": K, "revoked": bool, "host_only": bool, "account_of": OTHER_KEY}``.

    Revoke a key, make it a host-only account's, or issue it for the account ``OTHER_KEY``
    belongs to (as a user who replaces a revoked key does).
    """
    key = body.get("key")
    if not isinstance(key, str) or not key:
        raise ValueError("key must be a non-empty string")
    other = body.get("account_of")
    if other is not None:
        if not isinstance(other, str) or not other:
            raise ValueError("account_of must be a key")
        state.accounts[tenant_of(key)] = state.account_of(other)
    for flag, tenants in (("revoked", state.revoked), ("host_only", state.host_only)):
        if flag in body:
            (tenants.add if body[flag] else tenants.discard)(tenant_of(key))
    return {"success": True}


def _managed(state: SimulatorState, body: Row) -> Row:
    """``{"kind": "endpoint", "id": N}``: mark an object as managed by a Vast deployment."""
    table = _TABLES.get(str(body.get("kind")))
    object_id = body.get("id")
    if table is None or not isinstance(object_id, int):
        raise ValueError('body must be {"kind": "endpoint" or "workergroup", "id": <int>}')
    owner = next((row for row in state.store.all_rows(table) if row["id"] == object_id), None)
    if owner is None:
        raise ValueError(f"no {body['kind']} {object_id}")
    state.store.update(table, owner["tenant"], object_id, {"deployment_managed": True})
    return {"success": True}


def _billing(state: SimulatorState) -> Row:
    """What every endpoint's and workergroup's workers have billed so far, in USD, GPU and
    storage apart, and the engine's clock (seconds)."""
    settle_all(state)  # what was due has happened
    billed: dict[str, dict[str, dict[str, float]]] = {"endpoints": {}, "workergroups": {}}
    for worker, gpu, disk in state.engine.bills():
        for kind, object_id in (
            ("endpoints", worker.endpoint_id),
            ("workergroups", worker.group_id),
        ):
            entry = billed[kind].setdefault(str(object_id), {"gpu": 0.0, "storage": 0.0})
            entry["gpu"] += gpu
            entry["storage"] += disk
    return {**billed, "engine_seconds": state.engine.now()}


def _workers(state: SimulatorState, body: Row) -> Row:
    """``{"speed": 50}``: run the workers' clock faster; ``{"fail": N}`` / ``{"heal": N}``:
    workers of workergroup N (``"all"``: of every group) that start from now on end in
    ``error`` (or not)."""
    settle_all(state)  # what was due before this control
    if "speed" in body:
        speed = body["speed"]
        if not isinstance(speed, (int, float)) or isinstance(speed, bool) or speed <= 0:
            raise ValueError("speed must be a positive number")
        state.engine.set_speed(float(speed))
    for key, failing in (("fail", True), ("heal", False)):
        if key in body:
            target = body[key]
            if target != "all" and (not isinstance(target, int) or isinstance(target, bool)):
                raise ValueError(f'{key} must be a workergroup id or "all"')
            state.engine.fail(None if target == "all" else target, failing)
    if "fail" in body or "heal" in body:
        settle_all(state, changed=True)  # a healed group's failed workers get replaced
    return {"success": True, "speed": state.engine.speed}
