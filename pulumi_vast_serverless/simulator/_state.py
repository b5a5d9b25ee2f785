"""What every request handler of the simulator shares, and the shape of one API call."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from .._types import Row
from ._engine import Engine
from ._faults import FaultQueue
from ._limiter import Limiter
from ._signatures import Router
from ._store import Store, tenant_of
from ._variants import Variants


class ApiError(Exception):
    """Ends an API call with Vast's error shape: ``{"success": false, "error", "msg"}``."""

    def __init__(self, status: int, msg: str, error: str = "invalid_args") -> None:
        super().__init__(msg)
        self.status = status
        self.body: Row = {"success": False, "error": error, "msg": msg}


class SimulatorState:
    """Objects, keys, limits, faults, variants and the request log of one simulator."""

    def __init__(self, store: Store, limiter: Limiter | None, api_keys: Collection[str]) -> None:
        self.store = store
        self.limiter = limiter
        self.api_keys = set(api_keys)
        self.revoked: set[str] = set()  # tenants whose key was revoked
        self.host_only: set[str] = set()  # tenants of host-only accounts
        # A key issued for an existing account: its tenant -> the account's tenant.
        self.accounts: dict[str, str] = {}
        #: API calls being handled now, by route (tests wait for a create to be in flight).
        self.inflight: Counter[str] = Counter()
        self.faults = FaultQueue()
        self.variants = Variants()
        self.engine = Engine()
        self.router = Router()
        self.log: list[Row] = []
        self.log_lock = threading.Lock()

    def record(
        self,
        method: str,
        path: str,
        status: int,
        body: Any = None,
        *,
        keyed: bool = True,
        arrived: float | None = None,
    ) -> None:
        """Append one API request to the log (status 0: the connection was dropped), with
        the JSON body it carried (any ``api_key`` left out), whether it carried a key, and
        ``time``, when it arrived (wall clock)."""
        sent = {k: v for k, v in body.items() if k != "api_key"} if isinstance(body, dict) else {}
        entry = {
            "method": method,
            "path": path,
            "status": status,
            "time": time.time() if arrived is None else arrived,
            "body": sent,
            "keyed": keyed,
        }
        with self.log_lock:
            self.log.append(entry)

    def accepts(self, key: str) -> bool:
        """Whether ``key`` is a valid, unrevoked key."""
        if not key or tenant_of(key) in self.revoked:
            return False
        return not self.api_keys or key in self.api_keys or tenant_of(key) in self.accounts

    def account_of(self, key: str) -> str:
        """The tenant (account) whose objects ``key`` reaches."""
        tenant = tenant_of(key)
        return self.accounts.get(tenant, tenant)

    def reset(self) -> None:
        """Forget every object, request, fault, key flag, variant and rate-limit count."""
        self.store.clear()
        self.faults.clear()
        self.variants.reset()
        self.revoked.clear()
        self.host_only.clear()
        self.accounts.clear()
        self.engine = Engine()
        self.router = Router()
        if self.limiter is not None:
            self.limiter.reset()
        with self.log_lock:
            self.log.clear()


@dataclass
class Call:
    """One authenticated API call, as a handler sees it."""

    method: str
    route: str
    object_id: int | None
    body: Row
    fields: Row
    tenant: str
    user_id: int
    key: str
    sim: SimulatorState
    query: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        """The simulator's objects."""
        return self.sim.store
