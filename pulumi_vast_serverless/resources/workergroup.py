"""The ``Workergroup`` resource: what runs on an endpoint and how workers are recruited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from ..providers import WorkergroupProvider
from ._outputs import output
from ._props import resource_props
from .readiness import Readiness


@dataclass
class WorkergroupArgs:
    """The inputs of a ``Workergroup``. Unset values are left to Vast's defaults."""

    endpoint_id: Input[int | str] | None = None
    """Id of the endpoint to serve, e.g. ``my_endpoint.id`` (or set ``endpoint_name``)."""
    endpoint_name: Input[str] | None = None
    """Name of an existing endpoint to serve (or set ``endpoint_id``)."""
    template_hash: Input[str] | None = None
    """Hash of the template the workers run, e.g. ``my_template.hash_id``."""
    template_id: Input[int] | None = None
    """Id of the template the workers run."""
    search_params: Input[str] | None = None
    """Offer search query in Vast's language, e.g. ``gpu_name=RTX_4090 num_gpus=1``."""
    default_offer_filters: Input[bool] | None = None
    """Add ``verified=True rentable=True rented=False`` to the search (default true)."""
    launch_args: Input[str] | None = None
    """Extra launch arguments for worker instances; kept encrypted in state."""
    gpu_ram: Input[float] | None = None
    """GPU memory the model needs, in GB."""
    test_workers: Input[int] | None = None
    """Workers used to measure performance (Vast does not show it back)."""
    cold_workers: Input[int] | None = None
    """Workers kept cold when there is no load (a change replaces the group)."""
    max_workers: Input[int] | None = None
    """Maximum number of workers in this group (a change replaces the group)."""
    min_load: Input[float] | None = None
    """Minimum load for this group."""
    target_util: Input[float] | None = None
    """Target utilisation, a fraction in (0, 1]."""
    cold_mult: Input[float] | None = None
    """Cold capacity as a multiple of hot capacity."""
    rolling_update: Input[bool] | None = None
    """Roll running workers onto a new template or launch arguments (default true)."""
    adopt_existing: Input[bool] | None = None
    """Take over an identical group an interrupted ``up`` left behind, instead of failing."""
    wait_for_ready: Input[int] | None = None
    """Make ``up`` wait until this many workers are ready (see ``Readiness``)."""
    ready_timeout: Input[float] | None = None
    """Seconds ``wait_for_ready`` waits before ``up`` fails (default 600)."""


class Workergroup(Resource, module="vast", name="Workergroup"):
    """A Vast.ai serverless workergroup: what runs on an endpoint, and on which offers.

    Example usage::

        wg = Workergroup("llm-workers", endpoint_id=ep.id, template_hash="<hash>",
                         gpu_ram=24, search_params="gpu_name=RTX_4090 num_gpus=1")

    ``endpoint_id``, ``endpoint_name``, ``cold_workers`` and ``max_workers`` are not in
    Vast's workergroup PUT: changing one replaces the group (the new one first). Every
    other input changes in place.
    """

    endpoint_id: Output[int] = output("Id of the endpoint this group serves.")
    endpoint_name: Output[str] = output("Name of the endpoint this group serves.")
    template_hash: Output[str | None] = output("Template hash, as Vast reports it.")
    template_id: Output[int | None] = output("Template id, as Vast reports it.")
    search_params: Output[str | None] = output(
        "The offer search as sent (default filters included); Vast's stored query as text "
        "once the two differ."
    )
    search_query: Output[Any] = output("The offer search as Vast parsed it.")
    default_offer_filters: Output[bool | None] = output(
        "Whether the default offer filters are added, as declared."
    )
    launch_args: Output[str | None] = output("Launch arguments (secret).")
    gpu_ram: Output[float] = output("GPU memory in GB, as Vast reports it.")
    test_workers: Output[int | None] = output("Test workers last sent (Vast does not report it).")
    cold_workers: Output[int] = output("Cold workers, as Vast reports it.")
    max_workers: Output[int | None] = output("Maximum workers last sent (Vast does not report it).")
    min_load: Output[float] = output("Minimum load, as Vast reports it.")
    target_util: Output[float] = output("Target utilisation, as Vast reports it.")
    cold_mult: Output[float] = output("Cold capacity multiple, as Vast reports it.")
    rolling_update: Output[bool | None] = output(
        "Whether updates to what workers run roll the running workers, as declared."
    )
    adopt_existing: Output[bool | None] = output(
        "Whether this resource may take over an identical group left behind."
    )
    created_at: Output[str] = output("When Vast created the group (ISO 8601, UTC).")
    declared_inputs: Output[list[str]] = output(
        "The inputs this program sets; refresh reports drift on these."
    )

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
        default_offer_filters: Input[bool] | None = None,
        launch_args: Input[str] | None = None,
        gpu_ram: Input[float] | None = None,
        test_workers: Input[int] | None = None,
        cold_workers: Input[int] | None = None,
        max_workers: Input[int] | None = None,
        min_load: Input[float] | None = None,
        target_util: Input[float] | None = None,
        cold_mult: Input[float] | None = None,
        rolling_update: Input[bool] | None = None,
        adopt_existing: Input[bool] | None = None,
        wait_for_ready: Input[int] | None = None,
        ready_timeout: Input[float] | None = None,
    ) -> None:
        """Declare a workergroup, from ``args`` or from keyword arguments (not both).

        :param str resource_name: The Pulumi name of the resource.
        :param WorkergroupArgs args: The inputs, as one object (instead of keywords).
        :param pulumi.ResourceOptions opts: Options for the resource.
        :param pulumi.Input[int] endpoint_id: Id of the endpoint to serve, e.g.
            my_endpoint.id (or endpoint_name).
        :param pulumi.Input[str] endpoint_name: Name of an existing endpoint to serve (or
            endpoint_id).
        :param pulumi.Input[str] template_hash: Hash of the template workers run.
        :param pulumi.Input[int] template_id: Id of the template workers run.
        :param pulumi.Input[str] search_params: Offer search query in Vast's language, e.g.
            gpu_name=RTX_4090 num_gpus=1.
        :param pulumi.Input[bool] default_offer_filters: Add verified=True rentable=True
            rented=False to the search (keys you set win), as Vast's own client does.
        :param pulumi.Input[str] launch_args: Extra launch arguments (stored as a secret).
        :param pulumi.Input[float] gpu_ram: GPU memory the model needs, in GB.
        :param pulumi.Input[int] test_workers: Workers used to measure performance.
        :param pulumi.Input[int] cold_workers: Workers kept cold (not in Vast's PUT).
        :param pulumi.Input[int] max_workers: Maximum workers (not in Vast's PUT).
        :param pulumi.Input[float] min_load: Minimum load for this group.
        :param pulumi.Input[float] target_util: Target utilisation, a fraction in (0, 1].
        :param pulumi.Input[float] cold_mult: Cold capacity as a multiple of hot capacity.
        :param pulumi.Input[bool] rolling_update: After an update that changes what workers
            run (template_hash, template_id, launch_args), roll the running workers onto it,
            one at a time.
        :param pulumi.Input[bool] adopt_existing: Take over an existing group on the same
            endpoint that runs and recruits the same (left behind by an interrupted up)
            instead of failing.
        :param pulumi.Input[int] wait_for_ready: Make up wait until this many workers are
            ready, after the create and after each change of what they run (a child
            Readiness resource).
        :param pulumi.Input[float] ready_timeout: Seconds that wait lasts before up fails
            with each worker's state (default 600); the group stays in state.
        """
        keywords = {
            "endpoint_id": endpoint_id,
            "endpoint_name": endpoint_name,
            "template_hash": template_hash,
            "template_id": template_id,
            "search_params": search_params,
            "default_offer_filters": default_offer_filters,
            "launch_args": launch_args,
            "gpu_ram": gpu_ram,
            "test_workers": test_workers,
            "cold_workers": cold_workers,
            "max_workers": max_workers,
            "min_load": min_load,
            "target_util": target_util,
            "cold_mult": cold_mult,
            "rolling_update": rolling_update,
            "adopt_existing": adopt_existing,
            "wait_for_ready": wait_for_ready,
            "ready_timeout": ready_timeout,
        }
        props = resource_props(args, keywords, ("search_query", "created_at", "declared_inputs"))
        min_ready, timeout = props.pop("wait_for_ready"), props.pop("ready_timeout")
        secrets = ResourceOptions(additional_secret_outputs=["launch_args"])
        super().__init__(
            WorkergroupProvider(), resource_name, props, ResourceOptions.merge(opts, secrets)
        )
        if min_ready is not None:
            self._wait_for_ready(resource_name, min_ready, timeout)

    def _wait_for_ready(
        self, resource_name: str, min_ready: Input[int], timeout: Input[float] | None
    ) -> Readiness:
        """A child ``Readiness`` that waits after the create and again whenever what the
        workers run changes (its triggers are those outputs)."""
        runs = Output.all(self.template_hash, self.template_id, self.launch_args)
        return Readiness(
            f"{resource_name}-ready",
            ResourceOptions(parent=self),
            workergroup_id=self.id,
            min_ready=min_ready,
            timeout=timeout,
            triggers=runs,
        )

    @staticmethod
    def get(
        resource_name: str,
        id: Input[str],  # noqa: A002 (Pulumi's name for it)
        opts: ResourceOptions | None = None,
    ) -> Workergroup:
        """Read an existing workergroup by id without managing it (like a Terraform data
        source).

        Nothing is created, changed or deleted: ``pulumi destroy`` leaves it alone. An id
        that does not exist fails the preview with a message naming it.
        """
        return Workergroup(resource_name, opts=ResourceOptions.merge(opts, ResourceOptions(id=id)))


__all__ = ["Workergroup", "WorkergroupArgs"]
