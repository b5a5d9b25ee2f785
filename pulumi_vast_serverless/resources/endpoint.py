"""The ``Endpoint`` resource: a Vast serverless endpoint (router and scaling policy)."""

from __future__ import annotations

from dataclasses import dataclass

from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from ..providers import EndpointProvider
from ._props import resource_props


@dataclass
class EndpointArgs:
    """The inputs of an ``Endpoint``. Unset values are left to Vast's defaults."""

    endpoint_name: Input[str]
    """Name of the endpoint (letters, digits, ``_``, ``-``); clients route by it."""
    min_load: Input[float] | None = None
    """Minimum load to keep capacity for, in perf units per second (tokens/s for LLMs)."""
    min_cold_load: Input[float] | None = None
    """Load to keep cold (stopped) capacity for."""
    target_util: Input[float] | None = None
    """Target utilisation of hot capacity, a fraction in (0, 1]."""
    cold_mult: Input[float] | None = None
    """Cold capacity as a multiple of hot capacity."""
    cold_workers: Input[int] | None = None
    """Workers kept cold when there is no load."""
    max_workers: Input[int] | None = None
    """Maximum number of workers."""
    max_queue_time: Input[float] | None = None
    """Maximum time a request may wait in the queue, in seconds."""
    target_queue_time: Input[float] | None = None
    """Queue time the autoscaler aims for, in seconds."""
    inactivity_timeout: Input[int] | None = None
    """Seconds without requests before scaling to zero; 0 disables, negative never scales."""
    endpoint_state: Input[str] | None = None
    """``active``, ``suspended`` or ``stopped``; new endpoints start ``active``."""
    adopt_existing: Input[bool] | None = None
    """Take over an existing endpoint with the same name instead of failing (no import)."""


class Endpoint(Resource, module="vast", name="Endpoint"):
    """A Vast.ai serverless endpoint.

    Example usage::

        ep = Endpoint("llm", endpoint_name="qwen3-8b", min_load=10, target_util=0.9,
                      cold_mult=2.0, cold_workers=5, max_workers=20)
        pulumi.export("endpoint_id", ep.id)
    """

    endpoint_name: Output[str]
    """Name of the endpoint."""
    min_load: Output[float]
    """Minimum load, as Vast reports it."""
    min_cold_load: Output[float]
    """Cold load floor, as Vast reports it."""
    target_util: Output[float]
    """Target utilisation, as Vast reports it."""
    cold_mult: Output[float]
    """Cold capacity multiple, as Vast reports it."""
    cold_workers: Output[int]
    """Workers kept cold, as Vast reports it."""
    max_workers: Output[int]
    """Maximum workers, as Vast reports it."""
    max_queue_time: Output[float]
    """Maximum queue time in seconds, as Vast reports it."""
    target_queue_time: Output[float]
    """Target queue time in seconds, as Vast reports it."""
    inactivity_timeout: Output[int]
    """Inactivity timeout in seconds, as Vast reports it."""
    endpoint_state: Output[str]
    """State of the endpoint: active, suspended or stopped."""
    adopt_existing: Output[bool]
    """Whether this resource may take over an endpoint of the same name."""
    created_at: Output[str]
    """When Vast created the endpoint (ISO 8601, UTC)."""
    declared_inputs: Output[list[str]]
    """The inputs this program sets; refresh reports drift on these."""

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
        adopt_existing: Input[bool] | None = None,
    ) -> None:
        """Declare an endpoint, from ``args`` or from keyword arguments (not both)."""
        keywords = {
            "endpoint_name": endpoint_name,
            "min_load": min_load,
            "min_cold_load": min_cold_load,
            "target_util": target_util,
            "cold_mult": cold_mult,
            "cold_workers": cold_workers,
            "max_workers": max_workers,
            "max_queue_time": max_queue_time,
            "target_queue_time": target_queue_time,
            "inactivity_timeout": inactivity_timeout,
            "endpoint_state": endpoint_state,
            "adopt_existing": adopt_existing,
        }
        props = resource_props(args, keywords, ("created_at", "declared_inputs"))
        super().__init__(EndpointProvider(), resource_name, props, opts)

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


__all__ = ["Endpoint", "EndpointArgs"]
