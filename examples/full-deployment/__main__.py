"""The whole deployment in code: a Template, an Endpoint, two Workergroups.

The image tag comes from stack config (`vast-full:imageTag`), so a release is
`pulumi config set vast-full:imageTag v0.6.4 && pulumi up`: the template is edited (its
hash_id changes) and each workergroup is updated in place to the new hash (one PUT each).
"""

import pulumi

from pulumi_vast_serverless import Endpoint, Template, Workergroup

config = pulumi.Config()

template = Template(
    "vllm",
    name="vllm-qwen3-8b",
    image="vllm/vllm-openai",
    tag=config.require("imageTag"),
    env="-e MODEL=Qwen/Qwen3-8B -p 8000:8000",
    args_str="--model Qwen/Qwen3-8B --max-model-len 8192",
    recommended_disk_space=64,
)

endpoint = Endpoint(
    "llm",
    endpoint_name=f"qwen3-8b-{pulumi.get_stack()}",
    target_util=0.9,
    max_workers=config.get_int("maxWorkers") or 4,
)

workergroups = [
    Workergroup(
        f"workers-{name}",
        endpoint_id=endpoint.id,
        template_hash=template.hash_id,
        gpu_ram=gpu_ram,
        search_params=search,
    )
    for name, gpu_ram, search in (
        ("rtx4090", 24, "gpu_name=RTX_4090 num_gpus=1 gpu_ram>=24"),
        ("h100", 80, "gpu_name=H100_SXM num_gpus=1 gpu_ram>=80"),
    )
]

pulumi.export("template_hash", template.hash_id)
pulumi.export("endpoint_id", endpoint.id)
pulumi.export("workergroup_ids", [group.id for group in workergroups])
