"""The routes the simulator serves: handler, request model and refusals, by route key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import _autoscaler as auto
from . import _market as market
from . import _router as router
from . import _serverless as sls
from . import _templates as tpl
from ._requests import (
    AutojobCreate,
    AutojobUpdate,
    EndpointFields,
    TemplateContent,
    WorkergroupCreate,
    WorkergroupUpdate,
    _Body,
)
from ._state import Call


@dataclass(frozen=True)
class Route:
    """How one route answers."""

    handle: Callable[[Call], Any]
    body: type[_Body] | None = None
    #: The 403 text a host-only account gets here; empty when such accounts may call it.
    host_only: str = ""
    #: Whether a key is required (Vast's offer search answers anyone).
    auth: bool = True


def _host_only(verb: str, what: str) -> str:
    return f"Host-only accounts cannot {verb} {what} or use serverless"


# Keys are `METHOD path` relative to /api/v0, as client._routes.route_key writes them.
ROUTES: dict[str, Route] = {
    "GET /endptjobs/": Route(sls.list_endpoints),
    "POST /endptjobs/": Route(
        sls.create_endpoint, EndpointFields, _host_only("create", "endpoints")
    ),
    "GET /endptjobs/{id}/": Route(sls.get_endpoint),
    "PUT /endptjobs/{id}/": Route(
        sls.update_endpoint, EndpointFields, _host_only("update", "endpoints")
    ),
    "DELETE /endptjobs/{id}/": Route(sls.delete_endpoint),
    "GET /autojobs/": Route(sls.list_workergroups),
    "GET /workergroups/": Route(sls.list_workergroups),
    "POST /autojobs/": Route(
        sls.create_workergroup, AutojobCreate, _host_only("create", "workergroups")
    ),
    "POST /workergroups/": Route(
        sls.create_workergroup, WorkergroupCreate, _host_only("create", "workergroups")
    ),
    "PUT /autojobs/{id}/": Route(
        sls.update_workergroup, AutojobUpdate, _host_only("update", "workergroups")
    ),
    "PUT /workergroups/{id}/": Route(
        sls.update_workergroup, WorkergroupUpdate, _host_only("update", "workergroups")
    ),
    "DELETE /autojobs/{id}/": Route(sls.delete_workergroup),
    "DELETE /workergroups/{id}/": Route(sls.delete_workergroup),
    "GET /template/": Route(tpl.search),
    "POST /template/": Route(tpl.create, TemplateContent),
    # The edit refuses keys it does not know, as Vast documents: it reads the body itself.
    "PUT /template/": Route(tpl.edit),
    "DELETE /template/": Route(tpl.delete),
    # Vast's own client edits with the v1 route (served at /api/v1, not under /api/v0).
    "PUT /api/v1/template/": Route(tpl.edit_v1),
    "POST /bundles/": Route(market.search_offers, auth=False),
    "GET /bundles/": Route(market.search_offers, auth=False),
    # Documented without a trailing slash, unlike every other route.
    "GET /serverless/endpoints/spend": Route(market.endpoint_spend),
    "GET /serverless/workergroups/spend": Route(market.workergroup_spend),
    "GET /users/spend-rate/": Route(market.spend_rate),
}

# The autoscaler's routes, served at the root (Vast serves them on https://run.vast.ai).
AUTOSCALER_ROUTES: dict[str, Route] = {
    "POST /get_endpoint_workers/": Route(auto.endpoint_workers),
    "POST /get_workergroup_workers/": Route(auto.workergroup_workers),
    "POST /update_workers/": Route(auto.update_workers),
    "POST /get_endpoint_logs/": Route(auto.endpoint_logs),
    "POST /get_workergroup_logs/": Route(auto.workergroup_logs),
    # The path Vast's own client (vastai 1.9.1) sends for a group's logs.
    "POST /get_autogroup_logs/": Route(auto.workergroup_logs),
    # Vast's serverless router: a ready worker for one request (see ``_router``).
    "POST /route/": Route(router.route),
}
