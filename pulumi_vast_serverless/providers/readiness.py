"""The readiness wait: a resource whose create and update end once enough workers are ready.

Why a resource of its own rather than a wait inside the workergroup's create: a dynamic
provider's create either returns an id or fails, never both (native providers have
"partial failure"; dynamic ones do not). A group whose wait timed out would exist on Vast
and be missing from state. As a separate resource, the group is in state whatever the
wait does; a failed wait leaves this resource out of state (or at its old inputs), so the
next ``up`` waits again.

Ready means the model is loaded: serving (``idle``, ``running``) or cold (``stopped``),
the states Vast's guide says to wait for before a first call; a cold worker starts on the
first request. After a rolling update, the wait also lasts until no worker is still being
updated.

A wait ends early when it cannot succeed: ``min_ready`` above the endpoint's
``max_workers`` (refused at preview when both are known, else at the wait's start), every
watched worker in ``error`` for ``ERROR_GRACE`` seconds, or the engine's cancel (Ctrl-C).
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from typing import Any

from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult

from .._types import Row
from ..client import VastError, VastNotFoundError
from ._base import VastProvider
from ._errors import VastWaitError, VastWaitTimeoutError
from ._properties import READINESS, Failure
from ._values import same

SERVING_STATUSES = frozenset({"idle", "running"})
READY_STATUSES = SERVING_STATUSES | {"stopped"}
# A worker being replaced: Vast's UI says "Updating"; its CLI and logs name the steps.
ROLLING_STATUSES = frozenset(
    {"updating", "update_ready", "update_rebooting", "update_starting", "rebooting"}
)
FIRST_POLL = 0.25  # seconds; doubled after each look, up to MAX_POLL
MAX_POLL = 5.0
DEFAULT_TIMEOUT = 600.0
# Every watched worker in error this long (wall seconds): the wait gives up.
ERROR_GRACE = 20.0
# Vast's autoscaler may not know a group in its first moments (a comment in Vast's own
# client says so): "not found" this early in a wait means "no workers yet".
NOT_FOUND_GRACE = 30.0
# Multiplies both graces: for a simulator whose engine runs faster than Vast's (tests).
GRACE_SCALE_ENV = "VAST_GRACE_SCALE"


def grace(seconds: float) -> float:
    """``seconds`` times ``VAST_GRACE_SCALE`` (unset, empty or unreadable: 1)."""
    try:
        factor = float(os.environ.get(GRACE_SCALE_ENV, "") or 1.0)
    except ValueError:
        factor = 1.0
    return seconds * factor if 0 < factor <= 1 else seconds


_LISTED = 12  # workers named in a message; the rest are counted


class ReadinessProvider(VastProvider):
    """Waits for workers; owns nothing on Vast, so delete and refresh do nothing."""

    kind = "readiness"
    table = READINESS

    def cross_check(self, present: set[str], known: dict[str, Any]) -> list[Failure]:
        """Exactly one target, and no more workers than the endpoint may ever run."""
        failures = []
        targets = present & {"workergroup_id", "endpoint_id"}
        if len(targets) != 1:
            failures.append(
                Failure(
                    "workergroup_id",
                    "set exactly one of workergroup_id and endpoint_id: the group or the "
                    "endpoint whose workers to wait for",
                )
            )
        wanted, cap = known.get("min_ready", 1), known.get("endpoint_max_workers")
        if isinstance(wanted, int) and isinstance(cap, int) and wanted > cap:
            failures.append(Failure("min_ready", over_cap(wanted, cap, "the endpoint")))
        return failures

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Any input change waits again (the endpoint's cap is only checked)."""
        changed = [
            p.name
            for p in self.props
            if p.change != "none" and not same(olds.get(p.name), news.get(p.name))
        ]
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
        """Poll the workers until ``min_ready`` are ready (and none is being updated);
        fail at the timeout, when the wait cannot succeed, or when the engine cancels."""
        inputs = self.parse(props)
        watch = Watch(inputs)
        self.refuse_beyond_cap(watch)
        call = self.context
        started = time.monotonic()
        deadline = started + watch.timeout
        delay = FIRST_POLL
        failing_since: float | None = None
        while True:
            workers = self.workers(watch, started)
            ready = sum(w.get("status") in READY_STATUSES for w in workers)
            rolling = any(w.get("status") in ROLLING_STATUSES for w in workers)
            if ready >= watch.wanted and not rolling:
                call.progress(f"{ready} of {watch.wanted} workers ready ({tally(workers)})")
                return workers
            call.progress(
                f"waiting for workers: {ready} of {watch.wanted} ready ({tally(workers)})"
            )
            now = time.monotonic()
            if workers and all(w.get("status") == "error" for w in workers):
                failing_since = failing_since if failing_since is not None else now
                if now - failing_since >= grace(ERROR_GRACE):
                    raise VastWaitError(self.failed_message(watch, workers))
            else:
                failing_since = None
            remaining = deadline - now
            if remaining <= 0:
                cause = self.latest_log(watch) if not workers else ""
                raise VastWaitTimeoutError(timeout_message(watch, workers, cause))
            if call.cancelled.wait(min(delay, remaining)):
                raise VastWaitError(
                    f"the wait for {watch.target} was cancelled (Ctrl-C): {ready} of "
                    f"{watch.wanted} workers ready. {watch.next_up}"
                )
            delay = min(delay * 2, MAX_POLL)

    def refuse_beyond_cap(self, watch: Watch) -> None:
        """Fail at once if the endpoint may never run ``min_ready`` workers (read from
        Vast, for waits whose endpoint the program did not declare)."""
        endpoint_id = watch.endpoint_id
        if endpoint_id is None:
            group = self.find(self.client.list_workergroups(), watch.group_id or 0)
            endpoint_id = int(group["endpoint_id"]) if group else None
        endpoint = self.find(self.client.list_endpoints(), endpoint_id or 0)
        cap = endpoint.get("max_workers") if endpoint else None
        if isinstance(cap, int) and watch.wanted > cap:
            raise VastWaitError(
                f"{watch.target}: {over_cap(watch.wanted, cap, f'endpoint {endpoint_id}')}"
            )

    def workers(self, watch: Watch, started: float) -> list[Row]:
        """The target's workers as the autoscaler reports them; none while the autoscaler
        does not know a new group yet."""
        try:
            if watch.group_id is not None:
                return self.client.workergroup_workers(watch.group_id)
            return self.client.endpoint_workers(int(watch.endpoint_id or 0))
        except VastNotFoundError as exc:
            if time.monotonic() - started < grace(NOT_FOUND_GRACE):
                return []
            raise VastWaitError(
                f"Vast's autoscaler does not know {watch.target} ({exc.vast_message}): it "
                "was deleted outside Pulumi, or belongs to another account; run `pulumi "
                "refresh`"
            ) from None

    def latest_log(self, watch: Watch) -> str:
        """The engine's last word on the target, if Vast answers (best effort)."""
        try:
            if watch.group_id is not None:
                text = self.client.workergroup_logs(watch.group_id, tail=1)
            else:
                text = self.client.endpoint_logs(int(watch.endpoint_id or 0), tail=1)
        except VastError:
            return ""
        lines = text.strip().splitlines()
        return lines[-1] if lines else ""

    def failed_message(self, watch: Watch, workers: list[Row]) -> str:
        """Every worker in error: they will not become ready."""
        log = self.latest_log(watch)
        return (
            f"{watch.target}: every worker has been in error for over {grace(ERROR_GRACE):g} s "
            f"({listed(workers)}), so they will not become ready"
            + (f" (Vast's log: {log})" if log else "")
            + ". Look at the workers' logs (get_workergroup_logs, or the Vast console): a "
            "model that does not fit the card, or an image that fails to start, are common "
            f"causes. {watch.next_up}"
        )

    def _outputs(self, props: dict[str, Any]) -> dict[str, Any]:
        return {p.name: props.get(p.name) for p in self.props}


class Watch:
    """What one wait is about, from its validated inputs."""

    def __init__(self, inputs: dict[str, Any]) -> None:
        group = inputs.get("workergroup_id")
        self.group_id: int | None = int(group) if group else None
        endpoint = inputs.get("endpoint_id")
        self.endpoint_id: int | None = int(endpoint) if endpoint else None
        self.target = (
            f"workergroup {self.group_id}" if self.group_id else f"endpoint {self.endpoint_id}"
        )
        self.wanted = int(inputs.get("min_ready", 1))
        self.timeout = float(inputs.get("timeout", DEFAULT_TIMEOUT))
        self.next_up = (
            f"The {self.target.split()[0]} stays as it is; the next `pulumi up` waits again."
        )


def over_cap(wanted: int, cap: int, endpoint: str) -> str:
    """Why a wait for more workers than the endpoint's cap cannot succeed, and the ways out."""
    return (
        f"min_ready {wanted} is above {endpoint}'s max_workers {cap}: Vast never runs more "
        "than max_workers workers on an endpoint, all its workergroups together. Lower "
        "min_ready (wait_for_ready on a Workergroup) or raise the Endpoint's max_workers."
    )


def tally(workers: list[Row]) -> str:
    """``2 loading, 1 error``; ``no workers`` for none."""
    counts = Counter(str(w.get("status") or "unknown") for w in workers)
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no workers"


def listed(workers: list[Row]) -> str:
    """``1001 idle, 1002 error`` (the first few, then a count)."""
    text = ", ".join(f"{w.get('id')} {w.get('status')}" for w in workers[:_LISTED])
    if len(workers) > _LISTED:
        text += f" and {len(workers) - _LISTED} more"
    return text


def timeout_message(watch: Watch, workers: list[Row], cause: str = "") -> str:
    """What a timed-out wait tells the user: each worker's state, and what happens next."""
    ready = sum(w.get("status") in READY_STATUSES for w in workers)
    if workers:
        seen = f"workers: {listed(workers)}"
    else:
        seen = "Vast recruited no worker" + (f"; its log: {cause}" if cause else "")
    return (
        f"{watch.target}: {ready} of {watch.wanted} workers ready after {watch.timeout:g} s "
        f"({seen}). {watch.next_up} Raise the timeout (ready_timeout on a Workergroup) if "
        "they are still loading, or look at the workers with get_workergroup_workers / "
        "get_endpoint_workers"
    )
