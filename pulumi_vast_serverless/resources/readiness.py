"""The ``Readiness`` resource: ``pulumi up`` ends when enough workers serve."""

from __future__ import annotations

from typing import Any, Never, Protocol, runtime_checkable

import pulumi
from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from .._origins import owner
from ..providers import READINESS, ReadinessProvider
from ._outputs import output
from ._props import given_inputs, refuse_unknown
from .endpoint import Endpoint


class Readiness(Resource, module="vast", name="Readiness"):
    """Wait during ``pulumi up`` until a workergroup or an endpoint has ready workers.

    Example usage (an endpoint served by two groups)::

        Readiness("serving", endpoint_id=ep.id, min_ready=2, timeout=900,
                  opts=ResourceOptions(depends_on=[wg_a, wg_b]))

    For one workergroup, ``Workergroup(..., wait_for_ready=N)`` declares this for you and
    waits again whenever the group's template or launch arguments change. An endpoint wait
    waits again when a workergroup in its ``depends_on`` is replaced or rolled. Ready means
    serving or cold with the model loaded. A wait fails early when it cannot succeed (more
    workers than the endpoint's ``max_workers``, every worker in error) and on Ctrl-C; on
    timeout ``up`` fails with each worker's state. What was created stays in state and the
    next ``up`` waits again. It creates nothing on Vast: destroy and refresh do nothing.
    """

    workergroup_id: Output[int | None] = output(READINESS)
    endpoint_id: Output[int | None] = output(READINESS)
    min_ready: Output[int | None] = output(READINESS)
    timeout: Output[float | None] = output(READINESS)
    triggers: Output[Any] = output(READINESS)
    watched: Output[Any] = output(READINESS)
    endpoint_max_workers: Output[int | None] = output(READINESS)

    def __init__(
        self,
        resource_name: str,
        opts: ResourceOptions | None = None,
        *,
        workergroup_id: Input[int | str] | None = None,
        endpoint_id: Input[int | str] | None = None,
        min_ready: Input[int] | None = None,
        timeout: Input[float] | None = None,
        triggers: Input[Any] | None = None,
        **unexpected: Never,
    ) -> None:
        """Declare a wait for ready workers.

        :param str resource_name: The Pulumi name of the resource.
        :param pulumi.ResourceOptions opts: Options for the resource (``depends_on`` the
            groups an endpoint wait is for).
        :param pulumi.Input[int] workergroup_id: Workergroup whose workers to wait for (set
            this or endpoint_id).
        :param pulumi.Input[int] endpoint_id: Endpoint whose workers, in all its groups, to
            wait for (or workergroup_id).
        :param pulumi.Input[int] min_ready: Workers that must be ready: serving (idle,
            running) or cold with the model loaded (stopped).
        :param pulumi.Input[float] timeout: Seconds to wait; then up fails, listing the
            workers and their states.
        :param pulumi.Input triggers: Values whose change makes the next up wait again,
            e.g. a template hash.
        """
        props = given_inputs(READINESS, locals())
        refuse_unknown("Readiness", resource_name, unexpected, props)
        props |= {
            "watched": _watched(opts),
            "endpoint_max_workers": _endpoint_cap(workergroup_id, endpoint_id),
        }
        super().__init__(ReadinessProvider(), resource_name, props, opts)


@runtime_checkable
class _Group(Protocol):
    """What a wait needs of a ``Workergroup`` (which declares waits itself, so this module
    names what it uses instead of importing it)."""

    id: Output[Any]
    endpoint_max_workers: Output[Any] | None

    def what_runs(self) -> Output[list[Any]]: ...


def _watched(opts: ResourceOptions | None) -> Output[list[Any]] | None:
    """Each workergroup of ``depends_on`` with what it runs: replaced or rolled, it has new
    workers, and the wait must run again."""
    depends = opts.depends_on if opts is not None else None
    resources: list[Any] = list(depends) if isinstance(depends, (list, tuple)) else [depends]
    groups = [r for r in resources if isinstance(r, _Group)]
    if not groups:
        return None
    return Output.all(*[Output.all(g.id, g.what_runs()) for g in groups])


def _endpoint_cap(
    workergroup_id: Input[int | str] | None, endpoint_id: Input[int | str] | None
) -> Output[Any] | None:
    """The max_workers of the endpoint the wait is about, when this program declares it."""
    endpoint = owner(endpoint_id, Endpoint)
    if endpoint is not None:
        return endpoint.max_workers
    group = owner(workergroup_id, pulumi.Resource)
    return group.endpoint_max_workers if isinstance(group, _Group) else None


__all__ = ["Readiness"]
