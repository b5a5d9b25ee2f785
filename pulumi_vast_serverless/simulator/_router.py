"""Vast's serverless router and its workers' answers: how a deployed endpoint is called.

``POST /route/`` (served at the autoscaler's root, as Vast serves it on
https://run.vast.ai; its backend file ``auto_post_route_56dc46``): the body names the
endpoint (``endpoint`` by name or ``endpoint_id``) and the request's ``cost``, the key
comes as a Bearer token or ``api_key``; the answer gives a ready worker's ``url`` with a
``signature`` the worker checks and a ``reqnum``, or a ``status`` when no worker is ready
(a stopped endpoint, workers still loading). A worker here answers any POST under its URL
whose ``auth_data`` carries the router's signature with a small echo of its ``payload``,
as a model server behind Vast's worker would answer with its result.
"""

from __future__ import annotations

from typing import Any, NoReturn

from .._types import Row
from ._autoscaler import settle
from ._signatures import Router
from ._state import ApiError, Call
from ._workers import READY

WORKER_ROOT = "/_worker/"


def route(call: Call) -> Row:
    """POST /route/: a ready worker's URL and signature, or why there is none."""
    endpoint = _endpoint(call)
    name = str(endpoint.get("endpoint_name") or endpoint["id"])
    cost = call.body.get("cost", 0)
    if isinstance(cost, bool) or not isinstance(cost, int | float) or cost < 0:
        _refuse(f"cost must be a number of 0 or more; got {cost!r}")
    index = call.body.get("request_idx") or call.sim.router.next_number()
    answer: Row = {"endpoint": name, "request_idx": index, "cost": cost}
    settle(call.sim, call.tenant, int(endpoint["id"]))
    if endpoint.get("endpoint_state") == "stopped":
        return {**answer, "status": "endpoint stopped"}
    groups = [
        int(group["id"])
        for group in call.store.rows("workergroups", call.tenant)
        if group.get("endpoint_id") == endpoint["id"]
    ]
    workers = [w for group in groups for w in call.sim.engine.rows(group)]
    ready = [w for w in workers if w.get("status") == READY]
    if not ready:
        return {**answer, "status": f"no worker ready yet ({len(workers)} starting or cold)"}
    reqnum = call.sim.router.next_number()
    worker = ready[reqnum % len(ready)]
    url = f"{call.sim.router.root}{WORKER_ROOT}{worker['id']}"
    auth = {**answer, "reqnum": reqnum, "url": url}
    return {**auth, "signature": call.sim.router.sign(auth)}


def worker_answer(router: Router, worker_id: str, body: Any) -> tuple[int, Row]:
    """A worker's answer to a routed request: 401 without the router's signature."""
    auth = body.get("auth_data") if isinstance(body, dict) else None
    if (
        not isinstance(auth, dict)
        or not worker_id.isdigit()
        or not router.valid(auth)
        or not str(auth.get("url", "")).endswith(f"/{worker_id}")
    ):
        return 401, {"error": "invalid signature: route the request through /route/ first"}
    payload = body.get("payload")
    return 200, {"worker_id": int(worker_id), "reqnum": auth["reqnum"], "echo": payload}


def _endpoint(call: Call) -> Row:
    wanted_id, wanted_name = call.body.get("endpoint_id"), call.body.get("endpoint")
    if wanted_id is None and not wanted_name:
        _refuse("give endpoint (its name) or endpoint_id")
    for endpoint in call.store.rows("endpoints", call.tenant):
        if endpoint["id"] == wanted_id or (
            wanted_name and endpoint["endpoint_name"] == wanted_name
        ):
            return endpoint
    _refuse(f"endpoint {wanted_name or wanted_id} not found for this api_key")


def _refuse(message: str) -> NoReturn:
    error = ApiError(400, message)
    error.body["error_msg"] = message  # the backend file's field for a 400
    raise error
