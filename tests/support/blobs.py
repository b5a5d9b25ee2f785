"""The ``__provider`` values the resources register, taken from real resource objects.

Runs the resources under Pulumi's own test monitor (``pulumi.runtime.set_mocks``) in a
child process, so the global runtime settings never leak into the test process.
"""

from __future__ import annotations

import json
import subprocess
import sys

_SCRIPT = r"""
import json, pulumi
from pulumi.runtime import rpc

captured = {}

class Capture(pulumi.runtime.Mocks):
    def new_resource(self, args):
        captured[args.typ] = args.inputs.get("__provider")
        return args.name + "-id", args.inputs

    def call(self, args):
        return {}

pulumi.runtime.set_mocks(Capture(), preview=False)
from pulumi_vast_serverless import Endpoint, Readiness, Template, Workergroup

def dump(_):
    print(json.dumps({k: rpc.unwrap_rpc_secret(v) if rpc.is_rpc_secret(v) else v
                      for k, v in captured.items()}))

@pulumi.runtime.test
def program():
    ep = Endpoint("ep", endpoint_name="blob-probe")
    wg = Workergroup("wg", endpoint_id=ep.id, template_hash="abc")
    tmpl = Template("tmpl", name="blob-probe", image="img")
    ready = Readiness("ready", workergroup_id=wg.id)
    return pulumi.Output.all(ep.id, wg.id, tmpl.id, ready.id).apply(dump)

program()
"""


def resource_provider_blobs(env: dict[str, str] | None = None) -> dict[str, str]:
    """Return {type token: base64 pickled provider} for each resource type."""
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    last = [line for line in out.stdout.splitlines() if line.startswith("{")][-1]
    return dict(json.loads(last))
