"""The ``Workergroup`` resource: what runs on an endpoint and how workers are recruited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Never

from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from .._origins import own, owner
from ..cost import this_run
from ..providers import WORKERGROUP, WorkergroupProvider
from ._outputs import output
from ._props import given_inputs, refuse_unknown, resource_props
from .endpoint import Endpoint
from .readiness import Readiness
from .template import Template


@dataclass
class WorkergroupArgs:
    """The inputs of a ``Workergroup``. Unset values are left to Vast's defaults."""

    endpoint_id: Input[int | str] | None = None
    """Id of the endpoint to serve, e.g. my_endpoint.id (or endpoint_name)."""
    endpoint_name: Input[str] | None = None
    """Name of an existing endpoint to serve (or endpoint_id)."""
    template_hash: Input[str] | None = None
    """Hash of the template workers run."""
    template_id: Input[int] | None = None
    """Id of the template workers run."""
    search_params: Input[str] | None = None
    """Offer search query in Vast's language, e.g. gpu_name=RTX_4090 num_gpus=1."""
    default_offer_filters: Input[bool] | None = None
    """Add verified=True rentable=True rented=False to the search (keys you set win), as Vast's own
    client does.
    """
    max_hourly_price: Input[float] | None = None
    """Most one worker may cost, USD per hour (GPU and disk): adds dph_total<=X to the search, so
    Vast recruits no dearer offer.
    """
    launch_args: Input[str] | None = None
    """Extra launch arguments (stored as a secret)."""
    gpu_ram: Input[float] | None = None
    """GPU memory the model needs, in GB; Vast uses it to estimate bandwidth, it does not choose
    machines (put gpu_ram>=N in search_params for that).
    """
    template_revision: Input[str] | None = None
    """Content hash of the template template_id names; a change rolls the workers (set for you when
    template_id is a Template's template_id).
    """
    rolling_update: Input[bool] | None = None
    """false: ask Vast to cancel the roll it starts when what workers run changes; true: also roll
    when a Template named by template_id changes (Vast does not see it).
    """
    test_workers: Input[int] | None = None
    """Ignored by Vast's engine (not in its autoscaler)."""
    cold_workers: Input[int] | None = None
    """Ignored by Vast's engine: set cold_workers on the Endpoint."""
    max_workers: Input[int] | None = None
    """Ignored by Vast's engine: only the Endpoint's max_workers caps workers (all groups)."""
    min_load: Input[float] | None = None
    """Ignored by Vast's engine: set min_load on the Endpoint."""
    target_util: Input[float] | None = None
    """Ignored by Vast's engine: set target_util on the Endpoint."""
    cold_mult: Input[float] | None = None
    """Ignored by Vast's engine: set cold_mult on the Endpoint."""
    adopt_existing: Input[bool] | None = None
    """Take over an existing group on the same endpoint that runs and recruits the same (left
    behind by an interrupted up) instead of failing.
    """
    wait_for_ready: Input[int] | None = None
    """Make ``up`` wait until this many workers are ready (see ``Readiness``)."""
    ready_timeout: Input[float] | None = None
    """Seconds ``wait_for_ready`` waits before ``up`` fails (default 600)."""


class Workergroup(Resource, module="vast", name="Workergroup"):
    """A Vast.ai serverless workergroup: what runs on an endpoint, and on which offers.

    Example usage::

        wg = Workergroup("llm-workers", endpoint_id=ep.id, template_hash="<hash>",
                         gpu_ram=24, search_params="gpu_name=RTX_4090 num_gpus=1")

    Changing ``endpoint_id`` or ``endpoint_name`` replaces the group (the new one first);
    every other input changes in place. Scaling (how many workers, how many serve) is the
    Endpoint's: Vast's engine reads none of ``min_load``, ``target_util``, ``cold_mult``,
    ``cold_workers``, ``test_workers`` or ``max_workers`` on a group. They are accepted so
    older programs load, never sent, and a preview warns about each one set.
    """

    endpoint_id: Output[int] = output(WORKERGROUP)
    endpoint_name: Output[str] = output(WORKERGROUP)
    template_hash: Output[str | None] = output(WORKERGROUP)
    template_id: Output[int | None] = output(WORKERGROUP)
    search_params: Output[str | None] = output(WORKERGROUP)
    search_query: Output[Any] = output("The offer search as Vast parsed it.")
    default_offer_filters: Output[bool | None] = output(WORKERGROUP)
    max_hourly_price: Output[float | None] = output(WORKERGROUP)
    launch_args: Output[str | None] = output(WORKERGROUP)
    gpu_ram: Output[float] = output(WORKERGROUP)
    template_revision: Output[str | None] = output(WORKERGROUP)
    test_workers: Output[int | None] = output(WORKERGROUP)
    cold_workers: Output[int] = output(WORKERGROUP)
    max_workers: Output[int | None] = output(WORKERGROUP)
    min_load: Output[float] = output(WORKERGROUP)
    target_util: Output[float] = output(WORKERGROUP)
    cold_mult: Output[float] = output(WORKERGROUP)
    rolling_update: Output[bool | None] = output(WORKERGROUP)
    adopt_existing: Output[bool | None] = output(WORKERGROUP)
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
        max_hourly_price: Input[float] | None = None,
        launch_args: Input[str] | None = None,
        gpu_ram: Input[float] | None = None,
        template_revision: Input[str] | None = None,
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
        **unexpected: Never,
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
        :param pulumi.Input[float] max_hourly_price: Most one worker may cost, USD per hour
            (GPU and disk): adds dph_total<=X to the search, so Vast recruits no dearer
            offer.
        :param pulumi.Input[str] launch_args: Extra launch arguments (stored as a secret).
        :param pulumi.Input[float] gpu_ram: GPU memory the model needs, in GB; Vast uses it
            to estimate bandwidth, it does not choose machines (put gpu_ram>=N in
            search_params for that).
        :param pulumi.Input[str] template_revision: Content hash of the template
            template_id names; a change rolls the workers (set for you when template_id is
            a Template's template_id).
        :param pulumi.Input[bool] rolling_update: false: ask Vast to cancel the roll it
            starts when what workers run changes; true: also roll when a Template named by
            template_id changes (Vast does not see it).
        :param pulumi.Input[float] min_load: Ignored by Vast's engine: set min_load on the
            Endpoint.
        :param pulumi.Input[float] target_util: Ignored by Vast's engine: set target_util on
            the Endpoint.
        :param pulumi.Input[float] cold_mult: Ignored by Vast's engine: set cold_mult on the
            Endpoint.
        :param pulumi.Input[int] cold_workers: Ignored by Vast's engine: set cold_workers on
            the Endpoint.
        :param pulumi.Input[int] test_workers: Ignored by Vast's engine (not in its
            autoscaler).
        :param pulumi.Input[int] max_workers: Ignored by Vast's engine: only the Endpoint's
            max_workers caps workers (all groups).
        :param pulumi.Input[bool] adopt_existing: Take over an existing group on the same
            endpoint that runs and recruits the same (left behind by an interrupted up)
            instead of failing.
        :param pulumi.Input[int] wait_for_ready: Make up wait until this many workers are
            ready, after the create and after each change of what they run (a child
            Readiness resource).
        :param pulumi.Input[float] ready_timeout: Seconds that wait lasts before up fails
            with each worker's state (default 600); the group stays in state.
        """
        keywords = given_inputs(WORKERGROUP, locals(), "wait_for_ready", "ready_timeout")
        refuse_unknown("Workergroup", resource_name, unexpected, keywords)
        props = resource_props(args, keywords, ("search_query", "created_at", "declared_inputs"))
        min_ready, timeout = props.pop("wait_for_ready"), props.pop("ready_timeout")
        template = owner(props["template_id"], Template)
        if props["template_revision"] is None and template is not None:
            props["template_revision"] = template.hash_id
        endpoint = owner(props["endpoint_id"], Endpoint)
        #: The endpoint's max_workers when this program declares the endpoint (waits on
        #: this group are checked against it at preview).
        self.endpoint_max_workers = endpoint.max_workers if endpoint is not None else None
        secrets = ResourceOptions(additional_secret_outputs=sorted(WORKERGROUP.secret))
        plan = this_run()
        opts = plan.gated(ResourceOptions.merge(opts, secrets))
        super().__init__(WorkergroupProvider(), resource_name, props, opts)
        own(self, self.id)
        plan.declare("workergroup", self, resource_name, props)
        if min_ready is not None:
            self._wait_for_ready(resource_name, min_ready, timeout)

    def _wait_for_ready(
        self, resource_name: str, min_ready: Input[int], timeout: Input[float] | None
    ) -> Readiness:
        """A child ``Readiness`` that waits after the create and again whenever what the
        workers run changes (its triggers are those outputs)."""
        return Readiness(
            f"{resource_name}-ready",
            ResourceOptions(parent=self),
            workergroup_id=self.id,
            min_ready=min_ready,
            timeout=timeout,
            triggers=self.what_runs(),
        )

    def what_runs(self) -> Output[list[Any]]:
        """What this group's workers run and where: a change means new workers (a wait
        over them starts again)."""
        return Output.all(
            self.template_hash,
            self.template_id,
            self.template_revision,
            self.launch_args,
            self.search_params,
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
