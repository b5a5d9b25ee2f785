"""Vast's serverless routes and their documented rate limits.

The client paces by these keys and the simulator enforces them, so both agree on what
"a route" is. Thresholds come from each route's `x-rate-limit` block in Vast's OpenAPI
files and are read as requests per second.
"""

from __future__ import annotations

import re

ENDPOINTS = "/endptjobs/"
WORKERGROUPS = "/workergroups/"
# The CLI and SDK use /autojobs/; Vast serves both and rate-limits them as one route.
WORKERGROUP_ALIAS = "/autojobs/"

DOCUMENTED_LIMITS: dict[str, float] = {
    "POST /endptjobs/": 4.0,
    "GET /endptjobs/": 3.0,
    "PUT /endptjobs/{id}/": 2.0,
    "DELETE /endptjobs/{id}/": 3.0,
    "POST /workergroups/": 4.0,
    "GET /workergroups/": 2.0,
    "PUT /workergroups/{id}/": 2.0,
    "DELETE /workergroups/{id}/": 3.0,
}

_ID_SEGMENT = re.compile(r"/\d+/")


def route_key(method: str, path: str) -> str:
    """Return the rate-limit key of a request, e.g. ``PUT /endptjobs/{id}/``.

    ``path`` is relative to the API root (``/api/v0``); ids become ``{id}`` and the
    ``/autojobs/`` alias folds into ``/workergroups/``.
    """
    if path.startswith(WORKERGROUP_ALIAS):
        path = WORKERGROUPS + path[len(WORKERGROUP_ALIAS) :]
    return f"{method.upper()} {_ID_SEGMENT.sub('/{id}/', path)}"


def item_path(collection: str, object_id: int) -> str:
    """Return the path of one object; Vast needs the trailing slash (else a 301)."""
    return f"{collection}{int(object_id)}/"
