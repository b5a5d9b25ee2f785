"""Quickstart: one LLM endpoint on Vast.ai Serverless with two workergroups.

The API key comes from the secret stack config `vast:apiKey` (or VAST_API_KEY), read by
the provider itself; nothing in this program touches it.
"""

import pulumi

from pulumi_vast_serverless import Endpoint, Workergroup

# Scaling lives on the endpoint: Vast's engine reads it for all the endpoint's groups
# together (max_workers caps them all; a workergroup has no cap of its own).
endpoint = Endpoint(
    "llm",
    endpoint_name="qwen3-8b",
    min_load=10,
    target_util=0.9,
    cold_mult=2.0,
    cold_workers=5,
    max_workers=20,
)

# Replace the template hashes with your own (Vast console > Templates). The search chooses
# the machines, GPU memory included; gpu_ram only tells Vast what the model needs.
rtx_4090 = Workergroup(
    "llm-rtx4090",
    endpoint_id=endpoint.id,
    template_hash="0123456789abcdef0123456789abcdef",
    gpu_ram=24,
    search_params="gpu_name=RTX_4090 num_gpus=1 gpu_ram>=24",
)

# dph_total<=3.5 caps what one H100 worker may cost per hour: the one hard price lever.
# To cap how many H100s run, give them an Endpoint of their own.
h100 = Workergroup(
    "llm-h100",
    endpoint_id=endpoint.id,
    template_hash="0123456789abcdef0123456789abcdef",
    gpu_ram=80,
    search_params="gpu_name=H100_SXM num_gpus=1 gpu_ram>=80 dph_total<=3.5",
)

pulumi.export("endpoint_id", endpoint.id)
pulumi.export("endpoint_name", endpoint.endpoint_name)
pulumi.export("workergroup_ids", [rtx_4090.id, h100.id])
