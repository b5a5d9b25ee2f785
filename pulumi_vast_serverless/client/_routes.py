"""Vast's serverless routes and their documented rate limits.

The client paces by these keys and the simulator enforces them, so both agree on what
"a route" is. Thresholds (requests per second, per route) come from the `x-rateLimit` of
Vast's backend-generated OpenAPI files. Workergroups are served under two paths whose
limits differ: `/autojobs/` (what Vast's own client uses) creates at 4/s and deletes at
3/s, `/workergroups/` at 2/s each, so the client uses `/autojobs/`.
"""

from __future__ import annotations

import math
import re

ENDPOINTS = "/endptjobs/"
WORKERGROUPS = "/autojobs/"
WORKERGROUPS_ALIAS = "/workergroups/"
TEMPLATES = "/template/"
OFFERS = "/bundles/"
# The spend routes: the two serverless ones are documented without a trailing slash.
ENDPOINT_SPEND = "/serverless/endpoints/spend"
WORKERGROUP_SPEND = "/serverless/workergroups/spend"
SPEND_RATE = "/users/spend-rate/"

# The autoscaler's routes live at its own root (https://run.vast.ai), not under /api/v0.
ENDPOINT_WORKERS = "/get_endpoint_workers/"
WORKERGROUP_WORKERS = "/get_workergroup_workers/"
UPDATE_WORKERS = "/update_workers/"
ENDPOINT_LOGS = "/get_endpoint_logs/"
WORKERGROUP_LOGS = "/get_workergroup_logs/"

DOCUMENTED_LIMITS: dict[str, float] = {
    "GET /endptjobs/": 3.0,
    "POST /endptjobs/": 4.0,
    "GET /endptjobs/{id}/": 2.0,
    "PUT /endptjobs/{id}/": 2.0,
    "DELETE /endptjobs/{id}/": 3.0,
    "GET /autojobs/": 2.0,
    "POST /autojobs/": 4.0,
    "PUT /autojobs/{id}/": 2.0,
    "DELETE /autojobs/{id}/": 3.0,
    "GET /workergroups/": 2.0,
    "POST /workergroups/": 2.0,
    "PUT /workergroups/{id}/": 2.0,
    "DELETE /workergroups/{id}/": 2.0,
    "GET /template/": 1.9,
    "POST /template/": 1.9,
    "PUT /template/": 1.9,
    "DELETE /template/": 2.0,
    # The offer search: 2/s by POST; by GET one request per 1.25 s (threshold 0.8).
    "POST /bundles/": 2.0,
    "GET /bundles/": 0.8,
    "GET /serverless/endpoints/spend": 2.0,
    "GET /serverless/workergroups/spend": 2.0,
    "GET /users/spend-rate/": 2.0,
}

_ID_SEGMENT = re.compile(r"/\d+/")


def route_key(method: str, path: str) -> str:
    """Return the rate-limit key of a request, e.g. ``PUT /endptjobs/{id}/``.

    ``path`` is relative to the API root (``/api/v0``); ids become ``{id}``.
    """
    return f"{method.upper()} {_ID_SEGMENT.sub('/{id}/', path)}"


def item_path(collection: str, object_id: int) -> str:
    """Return the path of one object; Vast needs the trailing slash (else a 301)."""
    return f"{collection}{int(object_id)}/"


def window(rate: float) -> tuple[int, float]:
    """How a per-second threshold is enforced: at most ``n`` requests in ``seconds``.

    Whole thresholds allow a burst of that many per second; 1.9/s allows one request per
    1/1.9 s, never two in a row.
    """
    capacity = max(1, math.floor(rate))
    return capacity, capacity / rate
