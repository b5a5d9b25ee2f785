"""Vast's marketplace and money routes: the offer search (``/bundles/``), and what the
account's serverless workers spend (``/serverless/*/spend``, ``/users/spend-rate/``), as
their backend files say. Spend comes from the engine's workers, billed by state."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from typing import Any

from .._types import Row
from ._autoscaler import settle_tenant
from ._offers import OfferSearchError, search
from ._state import ApiError, Call


def search_offers(call: Call) -> Row:
    """POST /bundles/ (the query is the body) and GET /bundles/?q=JSON: ``{"offers": [...]}``.

    No key is needed; with one, offers the account's own workers hold show as ``rented``.
    """
    body: Any = call.body
    if call.method == "GET":
        try:
            body = json.loads(call.query.get("q") or "{}")
        except ValueError:
            raise ApiError(400, "Invalid json body", "invalid_request") from None
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid query: must be dict of conditions", "invalid_request")
    try:
        offers = search(call.sim.engine.catalog, body, call.sim.engine.holders(), call.tenant)
    except OfferSearchError as exc:
        raise ApiError(400, str(exc), "invalid_request") from None
    return {"offers": offers}


def endpoint_spend(call: Call) -> Row:
    """GET /serverless/endpoints/spend: each endpoint's current $/h; null for one the
    engine has never given a worker (no data)."""
    return _spend_per(call, "endpoints", lambda worker: worker.endpoint_id)


def workergroup_spend(call: Call) -> Row:
    """GET /serverless/workergroups/spend: each workergroup's current $/h (or null)."""
    return _spend_per(call, "workergroups", lambda worker: worker.group_id)


def _spend_per(call: Call, table: str, key: Any) -> Row:
    """The spend answer for each object of ``table``, its workers found by ``key``."""
    ids = [int(row["id"]) for row in call.store.rows(table, call.tenant)]
    spend = _current(call, key)
    return {
        "success": True,
        table: [{"id": i, "hourly_spend": spend.get(i)} for i in ids],
        "data_timestamp": time.time(),
    }


def spend_rate(call: Call) -> Row:
    """GET /users/spend-rate/: the account's burn rate across its workers (the simulator
    has no volumes)."""
    settle_tenant(call.sim, call.tenant)
    rates = [(gpu, disk) for w, gpu, disk in call.sim.engine.rates() if w.tenant == call.tenant]
    return {
        "success": True,
        "gpu_cost_per_hour": round(sum(gpu for gpu, _ in rates), 6),
        "container_storage_cost_per_hour": round(sum(disk for _, disk in rates), 6),
        "volume_storage_cost_per_hour": 0.0,
        "has_active_resources": any(gpu or disk for gpu, disk in rates),
    }


def _current(call: Call, key: Any) -> dict[int, float]:
    """$/h now, summed by ``key(worker)``, for what the engine ever recruited here."""
    settle_tenant(call.sim, call.tenant)
    spend: dict[int, float] = defaultdict(float)
    for worker, gpu, disk in call.sim.engine.rates():
        if worker.tenant == call.tenant:
            spend[key(worker)] += gpu + disk
    return {k: round(v, 6) for k, v in spend.items()}
