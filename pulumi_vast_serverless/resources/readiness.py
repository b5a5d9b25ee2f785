"""The ``Readiness`` resource: ``pulumi up`` ends when enough workers serve."""

from __future__ import annotations

from typing import Any

from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from ..providers import ReadinessProvider
from ._outputs import output


class Readiness(Resource, module="vast", name="Readiness"):
    """Wait during ``pulumi up`` until a workergroup or an endpoint has ready workers.

    Example usage (an endpoint served by two groups)::

        Readiness("serving", endpoint_id=ep.id, min_ready=2, timeout=900,
                  opts=ResourceOptions(depends_on=[wg_a, wg_b]))

    For one workergroup, ``Workergroup(..., wait_for_ready=N)`` declares this for you and
    waits again whenever the group's template or launch arguments change. On timeout
    ``up`` fails with each worker's state; what was created stays in state and the next
    ``up`` waits again. It creates nothing on Vast: destroy and refresh do nothing.
    """

    workergroup_id: Output[int | None] = output("Workergroup whose workers are awaited.")
    endpoint_id: Output[int | None] = output("Endpoint whose workers are awaited.")
    min_ready: Output[int | None] = output("Workers that must be ready.")
    timeout: Output[float | None] = output("Seconds to wait before failing.")
    triggers: Output[Any] = output("Values whose change makes the next up wait again.")

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
    ) -> None:
        """Declare a wait for ready workers.

        :param str resource_name: The Pulumi name of the resource.
        :param pulumi.ResourceOptions opts: Options for the resource (``depends_on`` the
            groups an endpoint wait is for).
        :param pulumi.Input[int] workergroup_id: Workergroup whose workers to wait for (set
            this or endpoint_id).
        :param pulumi.Input[int] endpoint_id: Endpoint whose workers, in all its groups, to
            wait for (or workergroup_id).
        :param pulumi.Input[int] min_ready: Workers that must be ready (idle or running).
        :param pulumi.Input[float] timeout: Seconds to wait; then up fails, listing the
            workers and their states.
        :param pulumi.Input triggers: Values whose change makes the next up wait again,
            e.g. a template hash.
        """
        props = {
            "workergroup_id": workergroup_id,
            "endpoint_id": endpoint_id,
            "min_ready": min_ready,
            "timeout": timeout,
            "triggers": triggers,
        }
        super().__init__(ReadinessProvider(), resource_name, props, opts)


__all__ = ["Readiness"]
