"""Quickstart: one LLM endpoint on Vast.ai Serverless with two workergroups.

The API key comes from the secret stack config `vast:apiKey` (or VAST_API_KEY), read by
the provider itself; nothing in this program touches it.
"""

import pulumi

from pulumi_vast_serverless import Endpoint, Workergroup

endpoint = Endpoint(
    "llm",
    endpoint_name="qwen3-8b",
    min_load=10,
    target_util=0.9,
    cold_mult=2.0,
    cold_workers=5,
    max_workers=20,
)

# Replace the template hashes with your own (Vast console > Templates).
rtx_4090 = Workergroup(
    "llm-rtx4090",
    endpoint_id=endpoint.id,
    template_hash="0123456789abcdef0123456789abcdef",
    gpu_ram=24,
    search_params="gpu_name=RTX_4090 num_gpus=1",
)

h100 = Workergroup(
    "llm-h100",
    endpoint_id=endpoint.id,
    template_hash="0123456789abcdef0123456789abcdef",
    gpu_ram=80,
    search_params="gpu_name=H100_SXM num_gpus=1",
    max_workers=4,
)

pulumi.export("endpoint_id", endpoint.id)
pulumi.export("endpoint_name", endpoint.endpoint_name)
pulumi.export("workergroup_ids", [rtx_4090.id, h100.id])
