"""The ``Endpoint`` resource: a Vast serverless endpoint (router and scaling policy)."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, Never

from pulumi import Input, Output, ResourceOptions, RunError
from pulumi.dynamic import Resource
from pulumi.runtime.settings import get_root_resource

from .._origins import own
from ..cost import this_run
from ..providers import ENDPOINT, EndpointProvider
from ._outputs import output
from ._props import given_inputs, refuse_unknown, resource_props


@dataclass
class EndpointArgs:
    """The inputs of an ``Endpoint``. Unset values are left to Vast's defaults."""

    endpoint_name: Input[str]
    """Name of the endpoint; letters, digits, _ and -. Unique in the account."""
    min_load: Input[float] | None = None
    """Minimum load (perf units/s, e.g. tokens/s) to serve."""
    min_cold_load: Input[float] | None = None
    """Load to keep cold (stopped) capacity for."""
    target_util: Input[float] | None = None
    """Target utilisation, a fraction in (0, 1]."""
    cold_mult: Input[float] | None = None
    """Cold capacity as a multiple of hot capacity."""
    cold_workers: Input[int] | None = None
    """Workers kept cold when there is no load."""
    max_workers: Input[int] | None = None
    """Maximum number of workers."""
    max_queue_time: Input[float] | None = None
    """Maximum queue time in seconds."""
    target_queue_time: Input[float] | None = None
    """Target queue time in seconds; at most max_queue_time."""
    inactivity_timeout: Input[int] | None = None
    """Seconds without requests before the endpoint may scale to zero (Vast's scaling guide; its
    backend file: may be suspended); 0 disables, negative never.
    """
    endpoint_state: Input[str] | None = None
    """active, suspended or stopped (also the state it is created in)."""
    overrecruit_ratio: Input[float] | None = None
    """Ratio by which to over-recruit workers to absorb traffic spikes."""
    autoscaler_instance: Input[str] | None = None
    """Autoscaler deployment to attach to (Vast's own client sends prod)."""
    adopt_existing: Input[bool] | None = None
    """Take over an existing endpoint of the same name instead of failing."""
    allow_cascade_delete: Input[bool] | None = None
    """Let destroy delete this endpoint while workergroups this stack does not manage serve it
    (Vast deletes them with it); false refuses, naming them.
    """


class Endpoint(Resource, module="vast", name="Endpoint"):
    """A Vast.ai serverless endpoint: the router and scaling policy workergroups serve.

    Example usage::

        ep = Endpoint("llm", endpoint_name="qwen3-8b", min_load=10, target_util=0.9,
                      cold_mult=2.0, cold_workers=5, max_workers=20)
        pulumi.export("endpoint_id", ep.id)

    Every input but ``adopt_existing`` changes in place with one PUT. ``Endpoint.get``
    reads an endpoint another stack owns.
    """

    endpoint_name: Output[str] = output(ENDPOINT)
    min_load: Output[float] = output(ENDPOINT)
    min_cold_load: Output[float] = output(ENDPOINT)
    target_util: Output[float] = output(ENDPOINT)
    cold_mult: Output[float] = output(ENDPOINT)
    cold_workers: Output[int] = output(ENDPOINT)
    max_workers: Output[int] = output(ENDPOINT)
    max_queue_time: Output[float] = output(ENDPOINT)
    target_queue_time: Output[float] = output(ENDPOINT)
    inactivity_timeout: Output[int] = output(ENDPOINT)
    endpoint_state: Output[str] = output(ENDPOINT)
    overrecruit_ratio: Output[float | None] = output(ENDPOINT)
    autoscaler_instance: Output[str | None] = output(ENDPOINT)
    adopt_existing: Output[bool | None] = output(ENDPOINT)
    allow_cascade_delete: Output[bool | None] = output(ENDPOINT)
    created_at: Output[str] = output("When Vast created the endpoint (ISO 8601, UTC).")
    declared_inputs: Output[list[str]] = output(
        "The inputs this program sets; refresh reports drift on these."
    )

    def __init__(
        self,
        resource_name: str,
        args: EndpointArgs | None = None,
        opts: ResourceOptions | None = None,
        *,
        endpoint_name: Input[str] | None = None,
        min_load: Input[float] | None = None,
        min_cold_load: Input[float] | None = None,
        target_util: Input[float] | None = None,
        cold_mult: Input[float] | None = None,
        cold_workers: Input[int] | None = None,
        max_workers: Input[int] | None = None,
        max_queue_time: Input[float] | None = None,
        target_queue_time: Input[float] | None = None,
        inactivity_timeout: Input[int] | None = None,
        endpoint_state: Input[str] | None = None,
        overrecruit_ratio: Input[float] | None = None,
        autoscaler_instance: Input[str] | None = None,
        adopt_existing: Input[bool] | None = None,
        allow_cascade_delete: Input[bool] | None = None,
        **unexpected: Never,
    ) -> None:
        """Declare an endpoint, from ``args`` or from keyword arguments (not both).

        :param str resource_name: The Pulumi name of the resource.
        :param EndpointArgs args: The inputs, as one object (instead of keywords).
        :param pulumi.ResourceOptions opts: Options for the resource.
        :param pulumi.Input[str] endpoint_name: Name of the endpoint; letters, digits, _
            and -. Unique in the account. Required.
        :param pulumi.Input[float] min_load: Minimum load (perf units/s, e.g. tokens/s) to
            serve.
        :param pulumi.Input[float] min_cold_load: Load to keep cold (stopped) capacity for.
        :param pulumi.Input[float] target_util: Target utilisation, a fraction in (0, 1].
        :param pulumi.Input[float] cold_mult: Cold capacity as a multiple of hot capacity.
        :param pulumi.Input[int] cold_workers: Workers kept cold when there is no load.
        :param pulumi.Input[int] max_workers: Maximum number of workers.
        :param pulumi.Input[float] max_queue_time: Maximum queue time in seconds.
        :param pulumi.Input[float] target_queue_time: Target queue time in seconds; at most
            max_queue_time.
        :param pulumi.Input[int] inactivity_timeout: Seconds without requests before the
            endpoint may scale to zero (Vast's scaling guide; its backend file: may be
            suspended); 0 disables, negative never.
        :param pulumi.Input[str] endpoint_state: active, suspended or stopped (also the
            state it is created in).
        :param pulumi.Input[float] overrecruit_ratio: Ratio by which to over-recruit workers
            to absorb traffic spikes.
        :param pulumi.Input[str] autoscaler_instance: Autoscaler deployment to attach to
            (Vast's own client sends prod).
        :param pulumi.Input[bool] adopt_existing: Take over an existing endpoint of the same
            name instead of failing.
        :param pulumi.Input[bool] allow_cascade_delete: Let destroy delete this endpoint while
            workergroups this stack does not manage serve it (Vast deletes them with it);
            false refuses, naming them.
        """
        keywords = given_inputs(ENDPOINT, locals())
        refuse_unknown("Endpoint", resource_name, unexpected, keywords)
        props = resource_props(args, keywords, ("created_at", "declared_inputs"))
        claim_endpoint_name(resource_name, props.get("endpoint_name"))
        plan = this_run()
        super().__init__(EndpointProvider(), resource_name, props, plan.gated(opts))
        own(self, self.id)  # a wait on this endpoint finds its max_workers
        if opts is None or opts.id is None:  # a lookup (Endpoint.get) costs this stack nothing
            plan.declare("endpoint", self, resource_name, props)

    @staticmethod
    def get(
        resource_name: str,
        id: Input[str],  # noqa: A002 (Pulumi's name for it)
        opts: ResourceOptions | None = None,
    ) -> Endpoint:
        """Read an existing endpoint by id without managing it (like a Terraform data source).

        Nothing is created, changed or deleted: ``pulumi destroy`` leaves it alone. An
        endpoint of another stack or the console can be read this way; an id that does not
        exist fails the preview with a message naming it.
        """
        return Endpoint(resource_name, opts=ResourceOptions.merge(opts, ResourceOptions(id=id)))


# Names claimed by the Endpoints of each running program (keyed by its root Stack, so
# several runs in one process, as the Automation API does, never see each other's).
_names_by_run: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def claim_endpoint_name(resource_name: str, endpoint_name: Any) -> None:
    """Fail the program when two of its Endpoints set the same endpoint_name.

    Vast allows one endpoint per name in an account, so the second would fail mid-up (or,
    with adopt_existing, take over the first). Names still unknown (Outputs) are not
    checked here; Vast refuses the duplicate at create.
    """
    root = get_root_resource()
    if root is None or not isinstance(endpoint_name, str):
        return
    claimed = _names_by_run.setdefault(root, {})
    other = claimed.setdefault(endpoint_name, resource_name)
    if other != resource_name:
        raise RunError(
            f"Endpoint {resource_name!r} and Endpoint {other!r} both set "
            f"endpoint_name={endpoint_name!r}: Vast allows one endpoint per name in an "
            "account. Give each its own endpoint_name (or declare it once and pass "
            "endpoint_id=that_endpoint.id to every Workergroup that serves it)."
        )


__all__ = ["Endpoint", "EndpointArgs"]
