"""Vast's endpoint and workergroup routes: answers, side effects and refusals as documented.

Texts and status codes follow the backend-generated OpenAPI files; where Vast's documents
disagree the answer follows ``sim.variants`` (see ``_variants``).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from .._types import Row
from ..client import offer_query
from ._autoscaler import settle
from ._state import ApiError, Call

ENDPOINT_DEFAULTS: Row = {
    "min_load": 0.0,
    "min_cold_load": 0.0,
    "target_util": 0.9,
    "cold_mult": 2.5,
    "cold_workers": 5,
    "max_workers": 20,
    "max_queue_time": 30.0,
    "target_queue_time": 10.0,
    "inactivity_timeout": 0,
    "endpoint_state": "active",
    "autoscaler_instance": "prod",
    "overrecruit_ratio": 1.0,
}
# The create route's documented defaults (create_autogroup.yaml, backend POST /workergroups/).
WORKERGROUP_DEFAULTS: Row = {
    "template_hash": None,
    "template_id": None,
    "search_params": "verified=true rentable=true rented=false",
    "launch_args": "",
    "gpu_ram": 24.0,
    "test_workers": 3,
    "cold_workers": 3,
    "max_workers": 20,
    "min_load": 1.0,
    "target_util": 0.9,
    "cold_mult": 3.0,
}
# What list rows show (backend GET files); anything else stays inside the simulator.
ENDPOINT_ROW = (
    "id",
    "min_load",
    "min_cold_load",
    "target_util",
    "cold_mult",
    "cold_workers",
    "max_workers",
    "max_queue_time",
    "target_queue_time",
    "endpoint_name",
    "api_key",
    "user_id",
    "created_at",
    "endpoint_state",
    "inactivity_timeout",
    "auto_delete_in_seconds",
    "auto_delete_due_24h",
)
WORKERGROUP_ROW = (
    "id",
    "min_load",
    "target_util",
    "cold_mult",
    "cold_workers",
    "template_hash",
    "template_id",
    "search_query",
    "launch_args",
    "gpu_ram",
    "endpoint_name",
    "endpoint_id",
    "api_key",
    "created_at",
    "user_id",
)
# Vast deletes an endpoint left without workergroups after a while; the files do not say
# how long, so this is an assumption, reported in auto_delete_in_seconds.
AUTO_DELETE_AFTER = 7 * 24 * 3600.0
NO_ENDPOINT = "Please assign your workergroup to a valid endpoint identifier"


# Endpoints


def list_endpoints(call: Call) -> Row:
    """GET /endptjobs/."""
    rows = call.store.rows("endpoints", call.tenant)
    if not rows and call.sim.variants.empty_account == "refused":
        raise ApiError(400, f"No endpoints for user {call.user_id} found.")
    return {"success": True, "results": [_endpoint_row(call, row) for row in rows]}


def get_endpoint(call: Call) -> Row:
    """GET /endptjobs/{id}/ (the only GET by id Vast has)."""
    row = call.store.get("endpoints", call.tenant, _id(call))
    if row is None:
        raise ApiError(404, f"Endpoint job {call.object_id} not found")
    return {"success": True, "result": _endpoint_row(call, row)}


def create_endpoint(call: Call) -> Row:
    """POST /endptjobs/: Vast refuses a second endpoint of the same name."""
    fields = dict(call.fields)
    name = fields.get("endpoint_name")
    if name is not None and _endpoint_named(call, name) is not None:
        raise ApiError(400, "Duplicate endpoint name already exists for this account")
    if call.sim.variants.initial_state == "ignored":
        fields.pop("endpoint_state", None)
    data = {**ENDPOINT_DEFAULTS, **fields, "empty_since": time.time()}
    _check_queue_times(data)
    new_id = call.store.insert("endpoints", call.tenant, data)
    if name is None:
        call.store.update("endpoints", call.tenant, new_id, {"endpoint_name": f"endpoint-{new_id}"})
    return {"success": True, "result": new_id}


def update_endpoint(call: Call) -> Row:
    """PUT /endptjobs/{id}/."""
    row = call.store.get("endpoints", call.tenant, _id(call))
    if row is None:
        raise ApiError(400, f"Endpoint {call.object_id} for user {call.user_id} not found.")
    if row.get("deployment_managed"):
        raise ApiError(
            400, f"Endpoint {call.object_id} is managed by a deployment and cannot be updated"
        )
    _check_queue_times({**row, **call.fields})
    settle(call.sim, call.tenant, _id(call))  # what was due before this change
    call.store.update("endpoints", call.tenant, _id(call), call.fields)
    settle(call.sim, call.tenant, _id(call), changed=True)
    return {"success": True}


def delete_endpoint(call: Call) -> Row:
    """DELETE /endptjobs/{id}/: a soft delete that takes the endpoint's workergroups along."""
    row = call.store.get("endpoints", call.tenant, _id(call))
    if row is None:
        if call.sim.variants.missing_endpoint == "handwritten":
            raise ApiError(400, "Routegroup not found for user")
        raise ApiError(404, f"Endpoint {call.object_id} for user {call.user_id} not found.")
    settle(call.sim, call.tenant, row["id"])  # its workers bill until now
    deleted: list[int] = []
    for group in call.store.rows("workergroups", call.tenant):
        if group.get("endpoint_id") == row["id"]:
            call.store.delete("workergroups", call.tenant, group["id"])
            deleted += call.sim.engine.release_group(group["id"])
    call.store.delete("endpoints", call.tenant, row["id"])
    return {
        "success": True,
        "deleted_workers": deleted,
        "failed_workers": [],
        "msg": f"Deleted endpoint job and {len(deleted)} workers",
    }


# Workergroups


def list_workergroups(call: Call) -> Row:
    """GET /autojobs/ and /workergroups/."""
    rows = call.store.rows("workergroups", call.tenant)
    return {"success": True, "results": [_workergroup_row(call, row) for row in rows]}


def create_workergroup(call: Call) -> Row:
    """POST /autojobs/ and /workergroups/.

    On /autojobs/ an ``endpoint_name`` that names no endpoint creates one (documented);
    /workergroups/ refuses it.
    """
    fields = dict(call.fields)
    endpoint = _endpoint_of(call, fields, may_create=call.route.endswith("/autojobs/"))
    if not any(fields.get(k) is not None for k in ("template_hash", "template_id")) and (
        "search_params" not in fields
    ):
        raise ApiError(400, "a workergroup needs template_hash, template_id or search_params")
    for key in ("min_cold_load", "autoscaler_instance"):
        fields.pop(key, None)  # they configure an endpoint this call creates
    data = {**WORKERGROUP_DEFAULTS, **fields, "endpoint_id": endpoint["id"]}
    data["endpoint_name"] = endpoint["endpoint_name"]
    settle(call.sim, call.tenant, endpoint["id"])
    new_id = call.store.insert("workergroups", call.tenant, data)
    call.store.update("endpoints", call.tenant, endpoint["id"], {"empty_since": None})
    call.sim.engine.group_created(new_id)
    settle(call.sim, call.tenant, endpoint["id"], changed=True)
    return {"success": True, call.sim.variants.workergroup_id_key: new_id}


def update_workergroup(call: Call) -> Row:
    """PUT /autojobs/{id}/ and /workergroups/{id}/: ``endpoint_id`` is required."""
    row = call.store.get("workergroups", call.tenant, _id(call))
    if row is None:
        raise ApiError(400, f"Workergroup {call.object_id} not found for user {call.user_id}")
    if "endpoint_id" not in call.fields:
        raise ApiError(400, "missing endpoint_id")
    if row.get("deployment_managed"):
        raise ApiError(
            400, f"Workergroup {call.object_id} is managed by a deployment and cannot be updated"
        )
    fields = {k: v for k, v in call.fields.items() if k != "endpoint_name"}
    endpoint = _endpoint_of(call, fields, may_create=False)
    fields["endpoint_name"] = endpoint["endpoint_name"]
    for endpoint_id in {row["endpoint_id"], endpoint["id"]}:
        settle(call.sim, call.tenant, endpoint_id)
    call.store.update("workergroups", call.tenant, _id(call), fields)
    if endpoint["id"] != row["endpoint_id"]:
        call.store.update("endpoints", call.tenant, endpoint["id"], {"empty_since": None})
        _mark_if_empty(call, row["endpoint_id"])
    # What Vast's engine does with the update: rolls, releases, recruits (see _engine).
    changed = [k for k, v in fields.items() if not _same_setting(k, row.get(k), v)]
    call.sim.engine.group_changed({**row, **fields}, changed)
    for endpoint_id in {row["endpoint_id"], endpoint["id"]}:
        settle(call.sim, call.tenant, endpoint_id, changed=True)
    return {"success": True}


def delete_workergroup(call: Call) -> Row:
    """DELETE /autojobs/{id}/ and /workergroups/{id}/."""
    row = call.store.get("workergroups", call.tenant, _id(call))
    if row is None:
        raise ApiError(404, "No autojob by that id is available.", "no_such_workergroup")
    settle(call.sim, call.tenant, row["endpoint_id"])
    call.store.delete("workergroups", call.tenant, row["id"])
    deleted = call.sim.engine.release_group(row["id"])
    _mark_if_empty(call, row["endpoint_id"])
    settle(call.sim, call.tenant, row["endpoint_id"], changed=True)
    if call.route.endswith("/autojobs/{id}/"):
        return {"success": True}
    return {
        "success": True,
        "deleted_workers": deleted,
        "failed_workers": [],
        "msg": f"Deleted workergroup and {len(deleted)} workers",
    }


# Helpers


def _id(call: Call) -> int:
    assert call.object_id is not None
    return call.object_id


def _endpoint_named(call: Call, name: str) -> Row | None:
    rows = call.store.rows("endpoints", call.tenant)
    return next((row for row in rows if row.get("endpoint_name") == name), None)


def _endpoint_of(call: Call, fields: Row, *, may_create: bool) -> Row:
    """The endpoint a workergroup names by ``endpoint_id`` or ``endpoint_name``."""
    if "endpoint_id" in fields:
        endpoint = call.store.get("endpoints", call.tenant, fields["endpoint_id"])
    elif "endpoint_name" in fields:
        endpoint = _endpoint_named(call, fields["endpoint_name"])
        if endpoint is None and may_create:
            extra = {
                k: v
                for k, v in call.fields.items()
                if k in ("min_cold_load", "autoscaler_instance")
            }
            data = {**ENDPOINT_DEFAULTS, **extra, "endpoint_name": fields["endpoint_name"]}
            new_id = call.store.insert("endpoints", call.tenant, data)
            endpoint = call.store.get("endpoints", call.tenant, new_id)
    else:
        endpoint = None
    if endpoint is None:
        raise ApiError(400, NO_ENDPOINT)
    return endpoint


def _mark_if_empty(call: Call, endpoint_id: int) -> None:
    groups = call.store.rows("workergroups", call.tenant)
    if not any(group.get("endpoint_id") == endpoint_id for group in groups):
        call.store.update("endpoints", call.tenant, endpoint_id, {"empty_since": time.time()})


def _same_setting(name: str, old: Any, new: Any) -> bool:
    """Whether a PUT leaves a workergroup setting as it was (searches compared parsed)."""
    if name == "search_params":
        return offer_query.parse(str(old or "")) == offer_query.parse(str(new or ""))
    return bool(old == new)


def _check_queue_times(data: Row) -> None:
    if data.get("target_queue_time", 0) > data.get("max_queue_time", float("inf")):
        raise ApiError(400, "target_queue_time must be <= max_queue_time")


def _endpoint_row(call: Call, row: Row) -> Row:
    empty_since = row.get("empty_since")
    left = None
    if empty_since is not None:
        left = max(0.0, AUTO_DELETE_AFTER - (time.time() - empty_since))
    full = {
        **row,
        "api_key": call.key,
        "user_id": call.user_id,
        "created_at": _timestamp(call, row["created_at"]),
        "auto_delete_in_seconds": left,
        "auto_delete_due_24h": left is not None and left <= 24 * 3600,
    }
    return {name: full.get(name) for name in ENDPOINT_ROW}


def _workergroup_row(call: Call, row: Row) -> Row:
    full = {
        **row,
        "search_query": offer_query.parse(row.get("search_params") or ""),
        "api_key": call.key,
        "user_id": call.user_id,
        "created_at": _timestamp(call, row["created_at"]),
    }
    return {name: full.get(name) for name in WORKERGROUP_ROW}


def _timestamp(call: Call, unix: float) -> float | str:
    if call.sim.variants.created_at == "iso":
        return dt.datetime.fromtimestamp(unix, tz=dt.UTC).isoformat().replace("+00:00", "Z")
    return unix
