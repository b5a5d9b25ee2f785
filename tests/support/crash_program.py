"""The program of the crash-safety suite: one endpoint, two groups that differ in gpu_ram.

A module of its own so that a separate process (the `up` that gets killed) and the test
run the very same program.
"""

from __future__ import annotations

import pulumi

from pulumi_vast_serverless import Endpoint, Workergroup

#: The test turns adoption on for the recovery run; the killed process never does.
ADOPT = {"endpoint": False, "groups": False}
GROUPS = (("a", 24), ("b", 80))


def program() -> None:
    endpoint = Endpoint("llm", endpoint_name="crash", adopt_existing=ADOPT["endpoint"] or None)
    for name, gpu_ram in GROUPS:
        Workergroup(
            name,
            endpoint_id=endpoint.id,
            template_hash="hash-crash",
            gpu_ram=gpu_ram,
            adopt_existing=ADOPT["groups"] or None,
        )
    pulumi.export("endpoint_id", endpoint.id)
