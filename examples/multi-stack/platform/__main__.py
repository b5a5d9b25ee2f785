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
)

pulumi.export("endpoint_id", endpoint.id)
pulumi.export("endpoint_name", endpoint.endpoint_name)
