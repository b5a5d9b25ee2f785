"""The simulator's HTTP server: Vast's serverless routes plus test controls under /_sim/.

Built on the standard library's ``ThreadingHTTPServer`` rather than an ASGI stack because
the "commit, then drop the connection" fault needs the raw socket, which ASGI servers do
not hand to applications, and because it adds no dependency to users' test suites.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import socket
import threading
import time
from collections.abc import Collection, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from ..client import _routes
from ._faults import Fault, FaultQueue
from ._limiter import RateLimiter
from ._schema import (
    ENDPOINT_DEFAULTS,
    WORKERGROUP_DEFAULTS,
    InvalidArgsError,
    clean_endpoint,
    clean_workergroup,
    parse_search_query,
)
from ._store import Store, tenant_of

Row = dict[str, Any]
API_ROOT = "/api/v0"
DEFAULT_SEARCH = "verified=true rentable=true rented=false"
_COLLECTIONS = {
    _routes.ENDPOINTS: "endpoints",
    _routes.WORKERGROUPS: "workergroups",
    _routes.WORKERGROUP_ALIAS: "workergroups",
}


class _ReplyError(Exception):
    """Ends a request with a status and a JSON body."""

    def __init__(self, status: int, body: Row, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def _invalid(msg: str, status: int = 400, error: str = "invalid_args") -> _ReplyError:
    return _ReplyError(status, {"success": False, "error": error, "msg": msg})


class SimulatorState:
    """Everything the handlers share: objects, limits, faults, keys and the request log."""

    def __init__(
        self,
        store: Store,
        limiter: RateLimiter | None,
        api_keys: Collection[str],
    ) -> None:
        self.store = store
        self.limiter = limiter
        self.api_keys = frozenset(api_keys)
        self.faults = FaultQueue()
        self.log: list[Row] = []
        self.log_lock = threading.Lock()

    def record(self, method: str, path: str, status: int) -> None:
        """Append one API request to the log (status 0: the connection was dropped)."""
        with self.log_lock:
            self.log.append({"method": method, "path": path, "status": status, "time": time.time()})

    def reset(self) -> None:
        """Forget every object, request, fault and rate-limit count."""
        self.store.clear()
        self.faults.clear()
        if self.limiter is not None:
            self.limiter.reset()
        with self.log_lock:
            self.log.clear()


class SimulatorServer(ThreadingHTTPServer):
    """A threading HTTP server that carries the shared ``SimulatorState``."""

    daemon_threads = True
    # Many short requests from 8+ client threads: the default backlog of 5 refuses some.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], state: SimulatorState) -> None:
        self.state = state
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: SimulatorServer
    protocol_version = "HTTP/1.1"
    server_version = "vast-simulator"

    def setup(self) -> None:
        """Send small answers at once: Nagle plus delayed ACKs would add 40 ms to each."""
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence per-request stderr lines; /_sim/requests is the log."""

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    # Dispatch

    def _dispatch(self, method: str) -> None:
        path = urlsplit(self.path).path
        try:
            body = self._read_body()
            if path.startswith("/_sim/"):
                self._control(method, path, body)
            elif path.startswith(API_ROOT + "/"):
                self._api(method, path[len(API_ROOT) :], body)
            else:
                raise _ReplyError(
                    404, {"success": False, "error": "not_found", "msg": "no such route"}
                )
        except _ReplyError as reply:
            if reply.status:  # 0: the connection was dropped on purpose
                self._send(reply.status, reply.body, reply.headers)

    def _api(self, method: str, path: str, body: Any) -> None:
        state = self.server.state
        status = 0
        try:
            status, reply = self._api_reply(method, path, body)
            if reply is not None:
                self._send(status, reply)
        except _ReplyError as reply_exc:
            status = reply_exc.status
            raise
        finally:
            state.record(method, API_ROOT + path, status)

    def _api_reply(self, method: str, path: str, body: Any) -> tuple[int, Row | None]:
        """Return (status, body); a None body means the connection was dropped."""
        state = self.server.state
        if not path.endswith("/"):
            location = API_ROOT + path + "/"
            raise _ReplyError(301, {"detail": "Moved Permanently"}, {"Location": location})
        tenant, key = self._authenticate()
        route = _routes.route_key(method, path)
        if state.limiter is not None:
            wait = state.limiter.admit(tenant, route)
            if wait is not None:
                threshold = state.limiter.threshold(route)
                raise _ReplyError(
                    429,
                    {"detail": f"API requests too frequent endpoint threshold={threshold}"},
                    {"Retry-After": str(max(1, math.ceil(wait)))},
                )
        fault = state.faults.take(route)
        if fault is not None:
            self._before(fault)
        if not isinstance(body, dict):
            raise _invalid("request body must be a JSON object")
        reply = self._handle(method, path, body, tenant, key)
        if fault is not None and fault.kind == "drop_after_commit":
            self._drop()
            return 0, None
        return 200, reply

    def _before(self, fault: Fault) -> None:
        if fault.kind == "status":
            raise _ReplyError(
                fault.status,
                {
                    "success": False,
                    "error": "simulated_fault",
                    "msg": f"simulated HTTP {fault.status}",
                },
            )
        if fault.kind == "success_false":
            raise _ReplyError(
                200,
                {
                    "success": False,
                    "error": "invalid_args",
                    "msg": "simulated refusal with HTTP 200",
                },
            )
        if fault.kind == "latency":
            time.sleep(fault.seconds)
        if fault.kind == "drop_before_commit":
            self._drop()
            raise _DroppedError

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _authenticate(self) -> tuple[str, str]:
        header = self.headers.get("Authorization", "")
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise _invalid("missing Authorization: Bearer <api key>", 401, "auth_error")
        if self.server.state.api_keys and key not in self.server.state.api_keys:
            raise _invalid("invalid API key", 401, "auth_error")
        return tenant_of(key), key

    # Vast's routes

    def _handle(self, method: str, path: str, body: Row, tenant: str, key: str) -> Row:
        parts = [p for p in path.split("/") if p]
        collection = f"/{parts[0]}/" if parts else ""
        table = _COLLECTIONS.get(collection)
        if table is None or len(parts) > 2:
            raise _ReplyError(404, {"success": False, "error": "not_found", "msg": "no such route"})
        if len(parts) == 1:
            if method == "GET":
                return self._list(table, tenant, key)
            if method == "POST":
                return self._create(table, body, tenant)
        else:
            if not parts[1].isdigit():
                raise _invalid(f"invalid id {parts[1]!r}")
            object_id = int(parts[1])
            if method == "PUT":
                return self._update(table, object_id, body, tenant)
            if method == "DELETE":
                return self._delete(table, object_id, tenant)
        raise _ReplyError(405, {"success": False, "error": "method_not_allowed", "msg": method})

    def _list(self, table: str, tenant: str, key: str) -> Row:
        store = self.server.state.store
        user_id = store.user_id(tenant)
        render = _endpoint_row if table == "endpoints" else _workergroup_row
        rows = [render(row, user_id, key) for row in store.rows(table, tenant)]
        return {"success": True, "results": rows}

    def _create(self, table: str, body: Row, tenant: str) -> Row:
        store = self.server.state.store
        try:
            if table == "endpoints":
                fields = clean_endpoint(body)
                # New endpoints start active; Vast changes the state only on update.
                fields.pop("endpoint_state", None)
                new_id = store.insert(table, tenant, {**ENDPOINT_DEFAULTS, **fields})
                return {"success": True, "result": new_id}
            fields = self._workergroup_fields(clean_workergroup(body), tenant, creating=True)
            new_id = store.insert(table, tenant, {**WORKERGROUP_DEFAULTS, **fields})
            return {"success": True, "id": new_id}
        except InvalidArgsError as exc:
            raise _invalid(str(exc)) from None

    def _update(self, table: str, object_id: int, body: Row, tenant: str) -> Row:
        store = self.server.state.store
        try:
            if table == "endpoints":
                fields = clean_endpoint(body)
            else:
                fields = self._workergroup_fields(clean_workergroup(body), tenant, creating=False)
        except InvalidArgsError as exc:
            raise _invalid(str(exc)) from None
        if not store.update(table, tenant, object_id, fields):
            what = "Endpointgroup" if table == "endpoints" else "Workergroup"
            raise _invalid(f"{what} not found for user")
        return {"success": True}

    def _delete(self, table: str, object_id: int, tenant: str) -> Row:
        if not self.server.state.store.delete(table, tenant, object_id):
            name = "endpoint" if table == "endpoints" else "workergroup"
            raise _ReplyError(
                404,
                {
                    "success": False,
                    "error": f"no_such_{name}",
                    "msg": f"No {name} by that id is available.",
                    "id": object_id,
                },
            )
        if table == "endpoints":
            return {"success": True}
        return {
            "success": True,
            "deleted_workers": [],
            "failed_workers": [],
            "msg": "Deleted workergroup and 0 workers",
        }

    def _workergroup_fields(self, fields: Row, tenant: str, *, creating: bool) -> Row:
        """Resolve the endpoint a workergroup names and check it has something to run."""
        store = self.server.state.store
        if "endpoint_id" in fields or "endpoint_name" in fields or creating:
            endpoint = None
            if "endpoint_id" in fields:
                endpoint = store.get("endpoints", tenant, fields["endpoint_id"])
            elif "endpoint_name" in fields:
                endpoint = next(
                    (
                        e
                        for e in store.rows("endpoints", tenant)
                        if e["endpoint_name"] == fields["endpoint_name"]
                    ),
                    None,
                )
            if endpoint is None:
                raise InvalidArgsError(
                    "Please assign your workergroup to a valid endpoint identifier"
                )
            fields["endpoint_id"] = endpoint["id"]
            fields["endpoint_name"] = endpoint["endpoint_name"]
        if creating:
            if not any(fields.get(k) for k in ("template_hash", "template_id", "search_params")):
                raise InvalidArgsError(
                    "a workergroup needs template_hash, template_id or search_params"
                )
            if not fields.get("search_params"):
                fields["search_params"] = DEFAULT_SEARCH
        return fields

    # Test controls

    def _control(self, method: str, path: str, body: Any) -> None:
        state = self.server.state
        if method == "GET" and path == "/_sim/requests":
            with state.log_lock:
                self._send(200, list(state.log))
        elif method == "POST" and path == "/_sim/faults":
            try:
                state.faults.add(Fault.from_json(body))
            except ValueError as exc:
                raise _ReplyError(
                    400, {"success": False, "error": "invalid_fault", "msg": str(exc)}
                ) from None
            self._send(200, {"success": True})
        elif method == "POST" and path == "/_sim/reset":
            state.reset()
            self._send(200, {"success": True})
        elif method == "GET" and path == "/_sim/objects":
            self._send(
                200,
                {
                    "endpoints": state.store.count("endpoints"),
                    "workergroups": state.store.count("workergroups"),
                },
            )
        else:
            raise _ReplyError(
                404, {"success": False, "error": "not_found", "msg": "no such control"}
            )

    # Wire

    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            raise _invalid("request body is not valid JSON") from None

    def _send(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class _DroppedError(_ReplyError):
    def __init__(self) -> None:
        super().__init__(0, {})


def _endpoint_row(row: Row, user_id: int, key: str) -> Row:
    # Vast's endpoint rows give created_at as Unix seconds.
    return {**row, "user_id": user_id, "api_key": key}


def _workergroup_row(row: Row, user_id: int, key: str) -> Row:
    # Workergroup rows give an ISO timestamp and the parsed `search_query`, not search_params.
    out = {key_: value for key_, value in row.items() if key_ != "search_params"}
    out["search_query"] = parse_search_query(row.get("search_params") or "")
    out["created_at"] = dt.datetime.fromtimestamp(row["created_at"], tz=dt.UTC).isoformat()
    out["user_id"] = user_id
    out["api_key"] = key
    return out
