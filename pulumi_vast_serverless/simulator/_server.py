"""The simulator's HTTP server: Vast's routes (``_api.ROUTES``) plus test controls under /_sim/.

Built on the standard library's ``ThreadingHTTPServer`` rather than an ASGI stack because
the "commit, then drop the connection" fault needs the raw socket, which ASGI servers do
not hand to applications, and because it adds no dependency to users' test suites.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import time
import traceback
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .._types import Row
from ..client import routes as vast_routes
from . import _control_routes
from ._api import AUTOSCALER_ROUTES, ROUTES, Route
from ._faults import Fault
from ._limiter import TOO_FREQUENT, Answer
from ._requests import InvalidArgsError, given_fields
from ._router import WORKER_ROOT, worker_answer
from ._shapes import garbled, reshape
from ._state import ApiError, Call, SimulatorState
from ._store import tenant_of

API_ROOT = "/api/v0"
API_V1 = "/api/v1"
# Vast's answer to a missing or unknown key (the guide; its own client compares the text).
_BAD_KEY = {"success": False, "error": "auth_error", "msg": "Invalid user key"}


class _ReplyError(Exception):
    """Ends a request with a status, a JSON body and headers (status 0: connection dropped)."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


class SimulatorServer(ThreadingHTTPServer):
    """A threading HTTP server that carries the shared ``SimulatorState``."""

    daemon_threads = True
    # Many short requests from 8+ client threads: the default backlog of 5 refuses some.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], state: SimulatorState) -> None:
        self.state = state
        super().__init__(address, _Handler)
        host, port = self.server_address[:2]
        state.router.root = f"http://{host!s}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: SimulatorServer
    _query: dict[str, str]
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
        parts = urlsplit(self.path)
        path = parts.path
        self._query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            body = self._read_body()
            if path.startswith("/_sim/"):
                status, reply = _control_routes.handle(self.server.state, method, path, body)
                self._send(status, reply)
            elif path.startswith(WORKER_ROOT) and method == "POST":
                worker_id = path[len(WORKER_ROOT) :].split("/", 1)[0]
                self._send(*worker_answer(self.server.state.router, worker_id, body))
            elif path.startswith(API_ROOT + "/"):
                self._api(ROUTES, method, path[len(API_ROOT) :], body, logged=path)
            elif path.startswith(API_V1 + "/"):
                self._api(ROUTES, method, path, body, logged=path)
            else:
                self._api(AUTOSCALER_ROUTES, method, path, body, logged=path)
        except _ReplyError as reply:
            if reply.status:  # 0: the connection was dropped on purpose
                self._send(reply.status, reply.body, reply.headers)
        except Exception:
            # A bug in the simulator: say so, rather than dropping the connection.
            traceback.print_exc()
            self._send(500, {"success": False, "error": "simulator_bug", "msg": "see stderr"})

    def _api(
        self, routes: Mapping[str, Route], method: str, path: str, body: Any, *, logged: str
    ) -> None:
        # Record before answering: a client that reads the log right after its answer
        # must find its own request there.
        keyed = bool(self._api_key(body if isinstance(body, dict) else {}))
        arrived = time.time()

        def record(status: int) -> None:
            self.server.state.record(method, logged, status, body, keyed=keyed, arrived=arrived)

        try:
            status, reply, headers = self._api_reply(routes, method, path, body)
        except _ReplyError as reply_exc:
            record(reply_exc.status)
            raise
        except Exception:
            record(0)
            raise
        record(status)
        if reply is not None:
            self._send(status, reply, headers)

    def _api_reply(
        self, routes: Mapping[str, Route], method: str, path: str, body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        """Return (status, body, headers); a None body means the connection was dropped."""
        state = self.server.state
        route_key = vast_routes.route_key(method, path)
        route = routes.get(route_key)
        if route is None and not path.endswith("/"):
            root = API_ROOT if routes is ROUTES else ""
            location = root + path + "/"
            raise _ReplyError(301, {"detail": "Moved Permanently"}, {"Location": location})
        if route is None:
            raise _ReplyError(404, {"success": False, "error": "not_found", "msg": "no such route"})
        if not isinstance(body, dict):
            raise _ReplyError(400, ApiError(400, "request body must be a JSON object").body)
        key = self._api_key(body)
        # Routes open to anyone (the offer search) answer a request without a key too.
        tenant = state.account_of(key) if key or route.auth else ""
        if (key or route.auth) and not state.accepts(key):
            raise _ReplyError(401, _BAD_KEY)
        limits = Answer()
        if state.limiter is not None:
            # Vast counts per route and identity: the key, and the address it comes from.
            limits = state.limiter.admit(key, self.client_address[0], route_key)
            if limits.refused is not None:
                raise _ReplyError(429, limits.refused, limits.headers)
        fault = state.faults.take(route_key)
        with state.log_lock:
            state.inflight[route_key] += 1
        try:
            if fault is not None:
                self._before(fault)
            reply = self._handle(route, route_key, path, body, key, tenant)
            if routes is ROUTES:
                reply = reshape(route_key, reply, state.variants)
        finally:
            with state.log_lock:
                state.inflight[route_key] -= 1
        if fault is not None and fault.kind == "drop_after_commit":
            self._drop()
            return 0, None, {}
        if fault is not None and fault.kind == "garbled":
            reply = garbled(reply)
        if fault is not None and fault.kind == "revoke_key_after":
            state.revoked.add(tenant_of(key))
        return 200, reply, limits.headers

    def _handle(
        self, route: Route, route_key: str, path: str, body: Row, key: str, tenant: str
    ) -> Any:
        state = self.server.state
        try:
            fields = given_fields(route.body, body) if route.body is not None else {}
        except InvalidArgsError as exc:
            raise _ReplyError(400, ApiError(400, str(exc)).body) from None
        if route.host_only and tenant in state.host_only:
            raise _ReplyError(403, ApiError(403, route.host_only, "forbidden").body)
        match = re.search(r"/(\d+)/$", path)
        call = Call(
            method=route_key.split(" ", 1)[0],
            route=route_key,
            object_id=int(match.group(1)) if match else None,
            body=body,
            fields=fields,
            tenant=tenant,
            user_id=state.store.user_id(tenant) if tenant else 0,
            key=key,
            sim=state,
            query=self._query,
        )
        try:
            return route.handle(call)
        except ApiError as exc:
            raise _ReplyError(exc.status, exc.body) from None

    def _api_key(self, body: Row) -> str:
        """The key from ``Authorization: Bearer``, else from the body (as the guide allows)."""
        scheme, _, key = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and key.strip():
            return key.strip()
        from_body = body.get("api_key")
        return from_body.strip() if isinstance(from_body, str) else ""

    def _before(self, fault: Fault) -> None:
        if fault.kind == "status":
            if fault.status == 429:
                # Says when to retry, not the route's threshold: a hiccup, not a new limit.
                raise _ReplyError(
                    429,
                    {"error": "HTTPTooManyRequests", "msg": TOO_FREQUENT, "retry_after": 1},
                    {"Retry-After": "1"},
                )
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
            raise _ReplyError(0, {})

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # Wire

    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            raise _ReplyError(400, ApiError(400, "request body is not valid JSON").body) from None

    def _send(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        # A client that went away (a killed `pulumi up`) gets nothing: Vast committed anyway.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)
