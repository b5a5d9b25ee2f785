"""A small client of the simulator's /_sim/ controls, for tests."""

from __future__ import annotations

from typing import Any

import requests

_TIMEOUT = 10.0


class SimulatorControl:
    """Reads the request log, queues faults and resets a running simulator."""

    def __init__(self, base_url: str) -> None:
        root = base_url.rstrip("/")
        self._root = root[: -len("/api/v0")] if root.endswith("/api/v0") else root

    def requests(self) -> list[dict[str, Any]]:
        """Return the ordered log of API requests: method, path, status, time."""
        return list(self._call("GET", "/_sim/requests"))

    def fault(
        self,
        route: str,
        kind: str,
        *,
        times: int = 1,
        status: int = 500,
        seconds: float = 0.0,
        for_seconds: float | None = None,
    ) -> None:
        """Queue a fault on ``route`` (e.g. ``"POST /endptjobs/"``): the next ``times``
        requests, or every request for ``for_seconds`` seconds."""
        body: dict[str, Any] = {
            "route": route,
            "kind": kind,
            "times": times,
            "status": status,
            "seconds": seconds,
        }
        if for_seconds is not None:
            body["for_seconds"] = for_seconds
        self._call("POST", "/_sim/faults", body)

    def clear_faults(self) -> None:
        """Drop every queued fault (objects and the log stay)."""
        self._call("DELETE", "/_sim/faults")

    def limits(self) -> dict[str, Any]:
        """The rate limits enforced: ``reading``, ``scale`` and ``thresholds`` per route."""
        return dict(self._call("GET", "/_sim/limits"))

    def reset(self) -> None:
        """Forget every object, logged request, fault and rate-limit count."""
        self._call("POST", "/_sim/reset")

    def set_variants(self, **forms: str) -> dict[str, str]:
        """Choose documented forms where Vast's documents disagree (see ``VARIANTS``)."""
        return dict(self._call("POST", "/_sim/variants", forms))

    def revoke_key(self, key: str, revoked: bool = True) -> None:
        """Make Vast refuse ``key`` from now on (or accept it again)."""
        self._call("POST", "/_sim/keys", {"key": key, "revoked": revoked})

    def issue_key(self, key: str, *, account_of: str) -> None:
        """Accept ``key`` as a new key of the account that ``account_of`` belongs to."""
        self._call("POST", "/_sim/keys", {"key": key, "account_of": account_of})

    def set_worker_speed(self, speed: float) -> None:
        """Run the autoscaler's clock ``speed`` times faster (workers ready sooner)."""
        self._call("POST", "/_sim/workers", {"speed": speed})

    def fail_workers(self, workergroup_id: int | None = None, failing: bool = True) -> None:
        """Make the workers that start from now on end in ``error``: those of one
        workergroup, or of every group (None). ``failing=False`` heals: failed workers are
        then replaced."""
        target = "all" if workergroup_id is None else workergroup_id
        self._call("POST", "/_sim/workers", {"fail" if failing else "heal": target})

    def billing(self) -> dict[str, Any]:
        """What workers billed so far (USD): ``{"endpoints": {id: {"gpu", "storage"}},
        "workergroups": {...}, "engine_seconds": ...}``."""
        return dict(self._call("GET", "/_sim/billing"))

    def inflight(self) -> dict[str, int]:
        """API calls being handled right now, by route (``"POST /autojobs/"``: 2)."""
        return dict(self._call("GET", "/_sim/inflight"))

    def set_host_only(self, key: str, host_only: bool = True) -> None:
        """Make ``key`` a host-only account's key, which Vast keeps out of serverless."""
        self._call("POST", "/_sim/keys", {"key": key, "host_only": host_only})

    def mark_deployment_managed(self, kind: str, object_id: int) -> None:
        """Mark an endpoint or workergroup as managed by a Vast deployment."""
        self._call("POST", "/_sim/managed", {"kind": kind, "id": object_id})

    def object_counts(self) -> dict[str, int]:
        """Return how many endpoints, workergroups and templates exist across every key."""
        return dict(self._call("GET", "/_sim/objects"))

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = requests.request(method, self._root + path, json=body, timeout=_TIMEOUT)
        response.raise_for_status()
        return response.json()
