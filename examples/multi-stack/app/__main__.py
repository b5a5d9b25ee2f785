"""An app stack: workergroups on the endpoint that the platform stack of its environment owns."""

import pulumi

from pulumi_vast_serverless import Endpoint, Workergroup

config = pulumi.Config()
platform_name = config.get("platformStack") or f"organization/vast-platform/{pulumi.get_stack()}"
platform = pulumi.StackReference(platform_name)


def deployed(endpoint_id: object) -> str:
    """The platform's endpoint id, or one line saying why there is none."""
    if endpoint_id is None:
        raise pulumi.RunError(
            f"the platform stack {platform_name} exports no endpoint_id: deploy it first "
            "(or it was destroyed)"
        )
    return str(endpoint_id)


# Read-only: this stack never changes or deletes the platform's endpoint.
shared = Endpoint.get("shared-llm", platform.get_output("endpoint_id").apply(deployed))

groups = [
    Workergroup(
        f"workers-{group['name']}",
        endpoint_id=shared.id,
        template_hash=config.require("templateHash"),
        gpu_ram=group["gpuRam"],
        search_params=group["search"],
    )
    for group in config.require_object("workergroups")
]

pulumi.export("endpoint_name", shared.endpoint_name)
pulumi.export("endpoint_max_workers", shared.max_workers)
pulumi.export("workergroup_ids", [group.id for group in groups])
