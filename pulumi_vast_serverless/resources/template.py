"""The ``Template`` resource: what workers run (image, tag, env, start command)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Never

from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from .._origins import own
from ..cost import this_run
from ..providers import TEMPLATE, TemplateProvider
from ._outputs import output
from ._props import given_inputs, refuse_unknown, resource_props


@dataclass
class TemplateArgs:
    """The inputs of a ``Template``. Unset values are left to Vast's defaults."""

    name: Input[str]
    """Name of the template."""
    image: Input[str]
    """Docker image, e.g. vllm/vllm-openai."""
    tag: Input[str] | None = None
    """Image tag; a new tag is a new release."""
    env: Input[str] | None = None
    """Docker flags for env vars and ports, e.g. -e MODEL=x -p 8000:8000 (a secret)."""
    onstart: Input[str] | None = None
    """Commands run when an instance starts."""
    runtype: Input[str] | None = None
    """Launch mode: args, ssh or jupyter."""
    args_str: Input[str] | None = None
    """Arguments to the entrypoint when runtype is args."""
    ssh_direct: Input[bool] | None = None
    """Direct SSH connections."""
    jup_direct: Input[bool] | None = None
    """Direct Jupyter connections."""
    use_ssh: Input[bool] | None = None
    """SSH access to instances."""
    use_jupyter_lab: Input[bool] | None = None
    """JupyterLab instead of Notebook."""
    jupyter_dir: Input[str] | None = None
    """Directory Jupyter starts in."""
    docker_login_repo: Input[str] | None = None
    """Private registry, e.g. docker.io."""
    docker_login_user: Input[str] | None = None
    """User of the private registry."""
    docker_login_pass: Input[str] | None = None
    """Password or token of the private registry (a secret; Vast shows it masked)."""
    extra_filters: Input[Mapping[str, Any]] | None = None
    """Extra offer filters, e.g. {"cuda_max_good": {"gte": 12.6}}."""
    recommended_disk_space: Input[float] | None = None
    """Disk space instances get, in GB."""
    private: Input[bool] | None = None
    """Keep the template out of public search."""
    desc: Input[str] | None = None
    """Short description."""
    readme: Input[str] | None = None
    """Longer documentation."""
    href: Input[str] | None = None
    """Link to the image's documentation."""
    repo: Input[str] | None = None
    """Repository of the image, e.g. library/ubuntu."""
    adopt_existing: Input[bool] | None = None
    """Use a template of the same content that exists already instead of failing."""


class Template(Resource, module="vast", name="Template"):
    """A Vast.ai template: the image, tag, environment and start command workers run.

    Example usage::

        tmpl = Template("vllm", name="vllm-qwen3", image="vllm/vllm-openai",
                        tag=config.require("imageTag"), env="-e MODEL=Qwen/Qwen3-8B -p 8000:8000")
        Workergroup("workers", endpoint_id=ep.id, template_hash=tmpl.hash_id)

    Every input changes in place: Vast edits the template (its numeric id stays, its
    content-based ``hash_id`` changes), and workergroups that use ``tmpl.hash_id`` update
    in place. ``env`` and ``docker_login_pass`` are kept encrypted in state.
    """

    name: Output[str | None] = output(TEMPLATE)
    image: Output[str | None] = output(TEMPLATE)
    tag: Output[str | None] = output(TEMPLATE)
    env: Output[str | None] = output(TEMPLATE)
    onstart: Output[str | None] = output(TEMPLATE)
    runtype: Output[str | None] = output(TEMPLATE)
    args_str: Output[str | None] = output(TEMPLATE)
    ssh_direct: Output[bool | None] = output(TEMPLATE)
    jup_direct: Output[bool | None] = output(TEMPLATE)
    use_ssh: Output[bool | None] = output(TEMPLATE)
    use_jupyter_lab: Output[bool | None] = output(TEMPLATE)
    jupyter_dir: Output[str | None] = output(TEMPLATE)
    docker_login_repo: Output[str | None] = output(TEMPLATE)
    docker_login_user: Output[str | None] = output(TEMPLATE)
    docker_login_pass: Output[str | None] = output(TEMPLATE)
    extra_filters: Output[dict[str, Any] | None] = output(TEMPLATE)
    recommended_disk_space: Output[float | None] = output(TEMPLATE)
    private: Output[bool | None] = output(TEMPLATE)
    desc: Output[str | None] = output(TEMPLATE)
    readme: Output[str | None] = output(TEMPLATE)
    href: Output[str | None] = output(TEMPLATE)
    repo: Output[str | None] = output(TEMPLATE)
    adopt_existing: Output[bool | None] = output(TEMPLATE)
    hash_id: Output[str] = output("The template's content address; changes with every edit.")
    template_id: Output[int] = output("The numeric id of the template this resource manages.")
    creator_id: Output[int | None] = output("The account that created the template.")
    created_at: Output[str] = output("When Vast created the template (ISO 8601, UTC).")
    declared_inputs: Output[list[str]] = output(
        "The inputs this program sets; refresh reports drift on these."
    )

    def __init__(
        self,
        resource_name: str,
        args: TemplateArgs | None = None,
        opts: ResourceOptions | None = None,
        *,
        name: Input[str] | None = None,
        image: Input[str] | None = None,
        tag: Input[str] | None = None,
        env: Input[str] | None = None,
        onstart: Input[str] | None = None,
        runtype: Input[str] | None = None,
        args_str: Input[str] | None = None,
        ssh_direct: Input[bool] | None = None,
        jup_direct: Input[bool] | None = None,
        use_ssh: Input[bool] | None = None,
        use_jupyter_lab: Input[bool] | None = None,
        jupyter_dir: Input[str] | None = None,
        docker_login_repo: Input[str] | None = None,
        docker_login_user: Input[str] | None = None,
        docker_login_pass: Input[str] | None = None,
        extra_filters: Input[Mapping[str, Any]] | None = None,
        recommended_disk_space: Input[float] | None = None,
        private: Input[bool] | None = None,
        desc: Input[str] | None = None,
        readme: Input[str] | None = None,
        href: Input[str] | None = None,
        repo: Input[str] | None = None,
        adopt_existing: Input[bool] | None = None,
        **unexpected: Never,
    ) -> None:
        """Declare a template, from ``args`` or from keyword arguments (not both).

        :param str resource_name: The Pulumi name of the resource.
        :param TemplateArgs args: The inputs, as one object (instead of keywords).
        :param pulumi.ResourceOptions opts: Options for the resource.
        :param pulumi.Input[str] name: Name of the template.
        :param pulumi.Input[str] image: Docker image, e.g. vllm/vllm-openai.
        :param pulumi.Input[str] tag: Image tag; a new tag is a new release.
        :param pulumi.Input[str] env: Docker flags for env vars and ports, e.g. -e MODEL=x -p
            8000:8000 (a secret).
        :param pulumi.Input[str] onstart: Commands run when an instance starts.
        :param pulumi.Input[str] runtype: Launch mode: args, ssh or jupyter.
        :param pulumi.Input[str] args_str: Arguments to the entrypoint when runtype is args.
        :param pulumi.Input[bool] ssh_direct: Direct SSH connections.
        :param pulumi.Input[bool] jup_direct: Direct Jupyter connections.
        :param pulumi.Input[bool] use_ssh: SSH access to instances.
        :param pulumi.Input[bool] use_jupyter_lab: JupyterLab instead of Notebook.
        :param pulumi.Input[str] jupyter_dir: Directory Jupyter starts in.
        :param pulumi.Input[str] docker_login_repo: Private registry, e.g. docker.io.
        :param pulumi.Input[str] docker_login_user: User of the private registry.
        :param pulumi.Input[str] docker_login_pass: Password or token of the private registry (a
            secret; Vast shows it masked).
        :param pulumi.Input[Mapping[str, Any]] extra_filters: Extra offer filters, e.g.
            {"cuda_max_good": {"gte": 12.6}}.
        :param pulumi.Input[float] recommended_disk_space: Disk space instances get, in GB.
        :param pulumi.Input[bool] private: Keep the template out of public search.
        :param pulumi.Input[str] desc: Short description.
        :param pulumi.Input[str] readme: Longer documentation.
        :param pulumi.Input[str] href: Link to the image's documentation.
        :param pulumi.Input[str] repo: Repository of the image, e.g. library/ubuntu.
        :param pulumi.Input[bool] adopt_existing: Use a template of the same content that exists
            already instead of failing.
        """
        keywords = given_inputs(TEMPLATE, locals())
        outputs = ("hash_id", "template_id", "creator_id", "created_at", "declared_inputs")
        refuse_unknown("Template", resource_name, unexpected, keywords)
        props = resource_props(args, keywords, outputs)
        secrets = ResourceOptions(additional_secret_outputs=sorted(TEMPLATE.secret))
        plan = this_run()
        opts = plan.gated(ResourceOptions.merge(opts, secrets))
        super().__init__(TemplateProvider(), resource_name, props, opts)
        # A group naming it by id rolls when its hash changes; the cost check finds its disk.
        own(self, self.template_id, self.hash_id)
        plan.declare("template", self, resource_name, props)

    @staticmethod
    def get(
        resource_name: str,
        id: Input[str],  # noqa: A002 (Pulumi's name for it)
        opts: ResourceOptions | None = None,
    ) -> Template:
        """Read an existing template by its numeric id without managing it.

        Nothing is created, changed or deleted: ``pulumi destroy`` leaves it alone. Use
        ``template.hash_id`` in a Workergroup to run it.
        """
        return Template(resource_name, opts=ResourceOptions.merge(opts, ResourceOptions(id=id)))


__all__ = ["Template", "TemplateArgs"]
