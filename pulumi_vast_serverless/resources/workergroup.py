"""The ``Workergroup`` resource: what runs on an endpoint and how workers are recruited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from ..providers import WorkergroupProvider
from ._props import resource_props


@dataclass
class WorkergroupArgs:
    """The inputs of a ``Workergroup``. Unset values are left to Vast's defaults."""

    endpoint_id: Input[int | str] | None = None
    """Id of the endpoint to serve, e.g. ``my_endpoint.id`` (or set ``endpoint_name``)."""
    endpoint_name: Input[str] | None = None
    """Name of an existing endpoint to serve (or set ``endpoint_id``)."""
    template_hash: Input[str] | None = None
    """Hash of the template the workers run."""
    template_id: Input[int] | None = None
    """Id of the template the workers run."""
    search_params: Input[str] | None = None
    """Offer search query, e.g. ``gpu_name=RTX_4090 num_gpus=1``."""
    launch_args: Input[str] | None = None
    """Extra launch arguments for worker instances; kept encrypted in state."""
    gpu_ram: Input[float] | None = None
    """GPU memory the model needs, in GB."""
    test_workers: Input[int] | None = None
    """Workers used to measure performance."""
    cold_workers: Input[int] | None = None
    """Workers kept cold when there is no load."""
    max_workers: Input[int] | None = None
    """Maximum number of workers in this group."""
    min_load: Input[float] | None = None
    """Minimum load for this group."""
    target_util: Input[float] | None = None
    """Target utilisation, a fraction in (0, 1]."""
    cold_mult: Input[float] | None = None
    """Cold capacity as a multiple of hot capacity."""


class Workergroup(Resource, module="vast", name="Workergroup"):
    """A Vast.ai serverless workergroup, attached to an endpoint.

    Example usage::

        wg = Workergroup("llm-workers", endpoint_id=ep.id, template_hash="<hash>",
                         gpu_ram=24, search_params="gpu_name=RTX_4090 num_gpus=1")
    """

    endpoint_id: Output[int]
    """Id of the endpoint this group serves."""
    endpoint_name: Output[str]
    """Name of the endpoint this group serves."""
    template_hash: Output[str | None]
    """Template hash, as Vast reports it."""
    template_id: Output[int | None]
    """Template id, as Vast reports it."""
    search_params: Output[str | None]
    """The offer search query (as declared; Vast re-encodes it as ``search_query``)."""
    search_query: Output[Any]
    """The offer search query as Vast parsed it."""
    launch_args: Output[str | None]
    """Launch arguments (secret)."""
    gpu_ram: Output[float]
    """GPU memory in GB, as Vast reports it."""
    test_workers: Output[int]
    """Test workers, as Vast reports it."""
    cold_workers: Output[int]
    """Cold workers, as Vast reports it."""
    max_workers: Output[int]
    """Maximum workers, as Vast reports it."""
    min_load: Output[float]
    """Minimum load, as Vast reports it."""
    target_util: Output[float]
    """Target utilisation, as Vast reports it."""
    cold_mult: Output[float]
    """Cold capacity multiple, as Vast reports it."""
    created_at: Output[str]
    """When Vast created the group (ISO 8601, UTC)."""
    declared_inputs: Output[list[str]]
    """The inputs this program sets; refresh reports drift on these."""

    def __init__(
        self,
        resource_name: str,
        args: WorkergroupArgs | None = None,
        opts: ResourceOptions | None = None,
        *,
        endpoint_id: Input[int | str] | None = None,
        endpoint_name: Input[str] | None = None,
        template_hash: Input[str] | None = None,
        template_id: Input[int] | None = None,
        search_params: Input[str] | None = None,
        launch_args: Input[str] | None = None,
        gpu_ram: Input[float] | None = None,
        test_workers: Input[int] | None = None,
        cold_workers: Input[int] | None = None,
        max_workers: Input[int] | None = None,
        min_load: Input[float] | None = None,
        target_util: Input[float] | None = None,
        cold_mult: Input[float] | None = None,
    ) -> None:
        """Declare a workergroup, from ``args`` or from keyword arguments (not both)."""
        keywords = {
            "endpoint_id": endpoint_id,
            "endpoint_name": endpoint_name,
            "template_hash": template_hash,
            "template_id": template_id,
            "search_params": search_params,
            "launch_args": launch_args,
            "gpu_ram": gpu_ram,
            "test_workers": test_workers,
            "cold_workers": cold_workers,
            "max_workers": max_workers,
            "min_load": min_load,
            "target_util": target_util,
            "cold_mult": cold_mult,
        }
        props = resource_props(args, keywords, ("search_query", "created_at", "declared_inputs"))
        secrets = ResourceOptions(additional_secret_outputs=["launch_args"])
        super().__init__(
            WorkergroupProvider(), resource_name, props, ResourceOptions.merge(opts, secrets)
        )

    @staticmethod
    def get(
        resource_name: str,
        id: Input[str],  # noqa: A002 (Pulumi's name for it)
        opts: ResourceOptions | None = None,
    ) -> Workergroup:
        """Read an existing workergroup by id without managing it (like a Terraform data source).

        Nothing is created, changed or deleted: ``pulumi destroy`` leaves it alone. A
        workergroup of another stack or the console can be read this way; an id that does not
        exist fails the preview with a message naming it.
        """
        return Workergroup(resource_name, opts=ResourceOptions.merge(opts, ResourceOptions(id=id)))


__all__ = ["Workergroup", "WorkergroupArgs"]
