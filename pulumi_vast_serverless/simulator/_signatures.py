"""The router's signatures: what ``/route/`` hands out and a worker checks (``_router``)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import threading
from typing import Any

from .._types import Row


class Router:
    """Signs what it routes; counts requests (``reqnum``) across endpoints."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(16)
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        #: Where workers are served, ``http://HOST:PORT`` (set once the server is bound).
        self.root = ""

    def next_number(self) -> int:
        with self._lock:
            return next(self._numbers)

    def sign(self, auth: Row) -> str:
        """The signature of a routed request's ``endpoint``, ``reqnum``, ``url``, ``cost``."""
        fields = [auth.get(name) for name in ("endpoint", "reqnum", "url", "cost")]
        message = json.dumps(fields, separators=(",", ":")).encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def valid(self, auth: Any) -> bool:
        """Whether ``auth`` is what this router answered (the worker's check)."""
        if not isinstance(auth, dict) or not isinstance(auth.get("signature"), str):
            return False
        return hmac.compare_digest(self.sign(auth), auth["signature"])
