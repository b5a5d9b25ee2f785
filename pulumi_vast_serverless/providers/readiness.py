"""The readiness wait: a resource whose create and update end once enough workers serve.

Why a resource of its own rather than a wait inside the workergroup's create: a dynamic
provider's create either returns an id or fails, never both (native providers have
"partial failure"; dynamic ones do not). A group whose wait timed out would exist on Vast
and be missing from state. As a separate resource, the group is in state whatever the
wait does; a failed wait leaves this resource out of state (or at its old inputs), so the
next ``up`` waits again.

Ready means a status Vast names for a serving worker (``idle``, ``running``). After a
rolling update, the wait also lasts until no worker is still ``updating``.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult

from ..client._errors import VastWaitTimeoutError
from ..client._rows import Row
from ._base import VastProvider
from ._host import progress
from ._properties import Failure, Prop, ReadinessInputs
from ._values import same

READY_STATUSES = frozenset({"idle", "running"})
ROLLING_STATUSES = frozenset({"updating"})
FIRST_POLL = 0.25  # seconds; doubled after each look, up to MAX_POLL
MAX_POLL = 5.0
DEFAULT_TIMEOUT = 600.0
_LISTED = 12  # workers named in a timeout message; the rest are counted

READINESS_PROPS: tuple[Prop, ...] = (
    Prop(
        "workergroup_id",
        "int",
        "update",
        "Workergroup whose workers to wait for (set this or endpoint_id).",
        "-",
        readable=False,
    ),
    Prop(
        "endpoint_id",
        "int",
        "update",
        "Endpoint whose workers, in all its groups, to wait for (or workergroup_id).",
        "-",
        readable=False,
    ),
    Prop(
        "min_ready",
        "int",
        "update",
        "Workers that must be ready (idle or running).",
        "1",
        readable=False,
    ),
    Prop(
        "timeout",
        "float",
        "update",
        "Seconds to wait; then up fails, listing the workers and their states.",
        "600",
        readable=False,
    ),
    Prop(
        "triggers",
        "object",
        "update",
        "Values whose change makes the next up wait again, e.g. a template hash.",
        "none",
        readable=False,
    ),
)


class ReadinessProvider(VastProvider):
    """Waits for workers; owns nothing on Vast, so delete and refresh do nothing."""

    kind = "readiness"
    props = READINESS_PROPS
    model = ReadinessInputs

    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def cross_check(self, present: set[str], known: dict[str, Any]) -> list[Failure]:
        """Exactly one target."""
        targets = present & {"workergroup_id", "endpoint_id"}
        if len(targets) != 1:
            return [
                Failure(
                    "workergroup_id",
                    "set exactly one of workergroup_id and endpoint_id: the group or the "
                    "endpoint whose workers to wait for",
                )
            ]
        return []

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Any input change waits again."""
        changed = [p.name for p in self.props if not same(olds.get(p.name), news.get(p.name))]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Wait; the id is local (nothing is created on Vast)."""
        self.wait(props)
        return CreateResult(uuid.uuid4().hex, self._outputs(props))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Wait again."""
        self.wait(news)
        return UpdateResult(self._outputs(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Unchanged: worker states change by the minute and are not drift."""
        return ReadResult(id_, props)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        """Nothing to delete."""

    def wait(self, props: dict[str, Any]) -> list[Row]:
        """Poll the workers until ``min_ready`` are ready (and none is still updating), or
        fail at the timeout naming each worker's state."""
        inputs = self.parse(props)
        group = inputs.get("workergroup_id")
        target = f"workergroup {group}" if group else f"endpoint {inputs['endpoint_id']}"
        wanted = int(inputs.get("min_ready", 1))
        timeout = float(inputs.get("timeout", DEFAULT_TIMEOUT))
        deadline = time.monotonic() + timeout
        delay = FIRST_POLL
        while True:
            workers = self.workers(inputs)
            ready = sum(w.get("status") in READY_STATUSES for w in workers)
            rolling = any(w.get("status") in ROLLING_STATUSES for w in workers)
            if ready >= wanted and not rolling:
                progress(f"{ready} of {wanted} workers ready")
                return workers
            progress(f"waiting for workers: {ready} of {wanted} ready ({tally(workers)})")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise VastWaitTimeoutError(timeout_message(target, wanted, timeout, workers))
            self.sleep(min(delay, remaining))
            delay = min(delay * 2, MAX_POLL)

    def workers(self, inputs: dict[str, Any]) -> list[Row]:
        """The target's workers as the autoscaler reports them."""
        if inputs.get("workergroup_id"):
            return self.client.workergroup_workers(int(inputs["workergroup_id"]))
        return self.client.endpoint_workers(int(inputs["endpoint_id"]))

    def _outputs(self, props: dict[str, Any]) -> dict[str, Any]:
        return {p.name: props.get(p.name) for p in self.props}


def tally(workers: list[Row]) -> str:
    """``2 loading, 1 error``; ``no workers`` for none."""
    counts = Counter(str(w.get("status") or "unknown") for w in workers)
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no workers"


def timeout_message(target: str, wanted: int, timeout: float, workers: list[Row]) -> str:
    """What a timed-out wait tells the user: each worker's state, and what happens next."""
    ready = sum(w.get("status") in READY_STATUSES for w in workers)
    listed = ", ".join(f"{w.get('id')} {w.get('status')}" for w in workers[:_LISTED])
    if len(workers) > _LISTED:
        listed += f" and {len(workers) - _LISTED} more"
    return (
        f"{target}: {ready} of {wanted} workers ready after {timeout:g} s "
        f"(workers: {listed or 'none yet'}). The {target.split()[0]} stays as it is; the "
        "next `pulumi up` waits again. Raise the timeout (ready_timeout on a Workergroup), "
        "or look at the workers with get_workergroup_workers / get_endpoint_workers"
    )
