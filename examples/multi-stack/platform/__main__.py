"""The platform stack: one endpoint per environment, sized by the stack's config."""

import pulumi

from pulumi_vast_serverless import Endpoint

config = pulumi.Config()
endpoint = Endpoint(
    "llm",
    endpoint_name=f"llm-{pulumi.get_stack()}",
    max_workers=config.require_int("maxWorkers"),
    cold_workers=config.require_int("coldWorkers"),
    min_load=config.get_float("minLoad"),
    # Destroying this stack while app stacks' workergroups serve the endpoint is refused
    # (Vast would delete them with it) unless this is set: see the README.
    allow_cascade_delete=config.get_bool("allowCascadeDelete"),
)

pulumi.export("endpoint_id", endpoint.id)
pulumi.export("endpoint_name", endpoint.endpoint_name)
