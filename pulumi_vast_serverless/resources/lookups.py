"""Lookups of objects a stack does not own, returning plain values (Terraform's data sources).

They run in the program process, during preview too, and read the key and URL the way the
providers do (``vast:apiKey``/``vast:apiUrl``, else ``VAST_API_KEY``/``VAST_API_URL``).
Nothing they read is written to state unless the program exports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from .._types import Row
from ..client import object_id
from ..providers import READY_STATUSES, VastLookupError, program_client


class _FromRow:
    """Lookup results built from a normalised list row, field by field."""

    @classmethod
    def from_row(cls, row: Row) -> Self:
        """Build from a normalised list row."""
        names = cls.__dataclass_fields__  # type: ignore[attr-defined]
        values: dict[str, Any] = {name: row.get(name) for name in names}
        return cls(**values)


@dataclass(frozen=True)
class EndpointInfo(_FromRow):
    """An endpoint as Vast reports it."""

    id: int
    endpoint_name: str
    endpoint_state: str | None
    min_load: float | None
    min_cold_load: float | None
    target_util: float | None
    cold_mult: float | None
    cold_workers: int | None
    max_workers: int | None
    max_queue_time: float | None
    target_queue_time: float | None
    inactivity_timeout: int | None
    created_at: str | None


@dataclass(frozen=True)
class WorkergroupInfo(_FromRow):
    """A workergroup as Vast reports it (``launch_args`` left out: it may hold tokens)."""

    id: int
    endpoint_id: int
    endpoint_name: str | None
    template_hash: str | None
    template_id: int | None
    search_query: Any
    gpu_ram: float | None
    cold_workers: int | None
    min_load: float | None
    target_util: float | None
    cold_mult: float | None
    created_at: str | None


@dataclass(frozen=True)
class WorkerInfo:
    """One worker as Vast's autoscaler reports it."""

    id: int
    status: str
    url: str | None
    created_at: str | None

    @property
    def ready(self) -> bool:
        """Whether the worker has its model loaded: serving (``idle``, ``running``) or cold
        (``stopped``, it starts on the first request)."""
        return self.status in READY_STATUSES

    @classmethod
    def from_row(cls, row: Row) -> WorkerInfo:
        """Build from one of the autoscaler's worker rows."""
        return cls(
            id=int(row.get("id") or 0),
            status=str(row.get("status") or "unknown"),
            url=row.get("url"),
            created_at=row.get("created_at"),
        )


def get_endpoint(*, endpoint_name: str | None = None, id: int | str | None = None) -> EndpointInfo:  # noqa: A002
    """Find one endpoint by name or by id; fail if there is none, or more than one.

    Example::

        shared = get_endpoint(endpoint_name="qwen3-8b")
        Workergroup("extra", endpoint_id=shared.id, template_hash="<hash>")
    """
    if (endpoint_name is None) == (id is None):
        raise TypeError("get_endpoint takes exactly one of endpoint_name= and id=")
    # Read now: in a long-lived process (inline programs, local_stack) the client's list
    # may be a moment old and miss what the console just made.
    rows = program_client().list_endpoints(fresh=True)
    if id is not None:
        matches = [row for row in rows if str(row.get("id")) == str(id).strip()]
        wanted = f"with id {id}"
    else:
        matches = [row for row in rows if row.get("endpoint_name") == endpoint_name]
        wanted = f"named {endpoint_name!r}"
    if not matches:
        raise VastLookupError(
            f"no endpoint {wanted} in this Vast account; check the spelling, and that the "
            "API key belongs to the account that owns it"
        )
    if len(matches) > 1:
        ids = ", ".join(str(row["id"]) for row in matches)
        raise VastLookupError(f"{len(matches)} endpoints are {wanted} (ids {ids}); look up by id")
    return EndpointInfo.from_row(matches[0])


def get_workergroups(*, endpoint_id: int | str) -> list[WorkergroupInfo]:
    """Return the workergroups attached to an endpoint (an empty list if it has none)."""
    wanted = str(endpoint_id).strip()
    rows = program_client().list_workergroups(fresh=True)  # read now, as above
    return [WorkergroupInfo.from_row(r) for r in rows if str(r.get("endpoint_id")) == wanted]


def get_workergroup_workers(workergroup_id: int | str) -> list[WorkerInfo]:
    """The workers of a workergroup and their states, read now (not stored anywhere).

    Example (a script, or a program's ``apply``)::

        ready = [w for w in get_workergroup_workers(1234) if w.ready]
    """
    return [
        WorkerInfo.from_row(r)
        for r in program_client().workergroup_workers(object_id(workergroup_id))
    ]


def get_endpoint_workers(endpoint_id: int | str) -> list[WorkerInfo]:
    """The workers of every group of an endpoint and their states, read now."""
    return [
        WorkerInfo.from_row(r) for r in program_client().endpoint_workers(object_id(endpoint_id))
    ]


def get_workergroup_logs(workergroup_id: int | str, *, tail: int | None = None) -> str:
    """What Vast's engine logged about a workergroup: recruitments, offers it found none
    of, errors, rolling updates (the last ``tail`` lines)."""
    return program_client().workergroup_logs(object_id(workergroup_id), tail=tail)


def get_endpoint_logs(endpoint_id: int | str, *, tail: int | None = None) -> str:
    """What Vast's engine logged about an endpoint and its workergroups."""
    return program_client().endpoint_logs(object_id(endpoint_id), tail=tail)
