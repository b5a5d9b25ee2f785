"""Vast's marketplace route: the offer search (``/bundles/``), as its backend file says."""

from __future__ import annotations

import json
from typing import Any

from ._offers import OfferSearchError, search
from ._state import ApiError, Call

Row = dict[str, Any]


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
