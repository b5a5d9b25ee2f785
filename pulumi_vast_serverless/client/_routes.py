"""Vast's serverless routes and their documented rate limits.

The client paces by these keys and the simulator enforces them, so both agree on what
"a route" is. Thresholds come from the `x-rateLimit` of Vast's backend-generated OpenAPI
files, and are **seconds between two requests** of one route and identity, as Vast's own
texts describe them (its rate-limit page: "a minimum interval between requests"; its 429
body: "an acceptable threshold number in seconds"; docs PR #68: a token bucket whose
"refresh rate is the inverse of the old threshold value"). Workergroups are served under
two paths whose limits differ: `/autojobs/` (what Vast's own client uses) creates every
4 s and deletes every 3 s, `/workergroups/` every 2 s, so the client uses `/autojobs/`
(fewer requests of it wait).

``VAST_RATE_LIMIT_SCALE`` multiplies every documented threshold, for the client and for a
simulator started in the same environment (tests, demos: both sides agree). Limits
learned from Vast's answers are never scaled.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

ENDPOINTS = "/endptjobs/"
WORKERGROUPS = "/autojobs/"
WORKERGROUPS_ALIAS = "/workergroups/"
TEMPLATES = "/template/"
# The edit Vast's own client sends: served at /api/v1, so given from the host's root.
TEMPLATES_V1 = "/api/v1/template/"
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

# Seconds between two requests of one route and identity.
DOCUMENTED_THRESHOLDS: dict[str, float] = {
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
    "PUT /api/v1/template/": 1.9,
    "DELETE /template/": 2.0,
    # The offer search: every 2 s by POST, every 0.8 s by GET.
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


SCALE_ENV = "VAST_RATE_LIMIT_SCALE"


def scale_factor(env: Mapping[str, str] | None = None) -> float:
    """``VAST_RATE_LIMIT_SCALE`` (1 when unset); an unreadable or non-positive value
    raises ``ValueError`` naming the variable."""
    raw = (os.environ if env is None else env).get(SCALE_ENV, "").strip()
    if not raw:
        return 1.0
    try:
        factor = float(raw)
    except ValueError:
        factor = 0.0
    if not 0 < factor < float("inf"):
        raise ValueError(f"{SCALE_ENV} must be a positive number such as 0.05; got {raw!r}")
    return factor


def scaled(
    thresholds: Mapping[str, float], env: Mapping[str, str] | None = None
) -> dict[str, float]:
    """``thresholds`` times ``VAST_RATE_LIMIT_SCALE``."""
    factor = scale_factor(env)
    return {route: seconds * factor for route, seconds in thresholds.items()}
