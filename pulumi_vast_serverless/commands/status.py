"""``vast-status``: a stack's endpoints, their workergroups and their workers by state, now.

    vast-status                          # `pulumi stack export` of this directory's stack
    vast-status --state-dir .pulumi-state [--stack local]   # a local_stack's stack
    pulumi stack export | vast-status -  # any state, from any backend
    vast-status --json ...               # the same as JSON

The ids come from the stack's state, the workers from Vast's autoscaler, read now; the key
and URL from ``VAST_API_KEY`` and ``VAST_API_URL``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from .._stack_state import Managed, run_stack_command
from ..client import VastClient


def status(objects: list[Managed], client: VastClient) -> list[dict[str, Any]]:
    """Per endpoint of the stack: its groups, each with its workers counted by state."""
    found = []
    for endpoint in (o for o in objects if o.kind == "endpoint"):
        groups = []
        for group in (o for o in objects if o.kind == "workergroup"):
            if group.endpoint_id == endpoint.id:
                workers = client.workergroup_workers(group.id)
                states = Counter(str(w.get("status")) for w in workers)
                groups.append({"id": group.id, "name": group.name, "workers": dict(states)})
        found.append(
            {
                "id": endpoint.id,
                "name": endpoint.name,
                "endpoint_name": endpoint.endpoint_name,
                "workergroups": groups,
            }
        )
    return found


def lines_of(endpoints: list[dict[str, Any]]) -> list[str]:
    """The report as printed: one line per endpoint and per group."""
    lines = []
    for endpoint in endpoints:
        total: Counter[str] = Counter()
        for group in endpoint["workergroups"]:
            total.update(group["workers"])
        lines.append(
            f"endpoint {endpoint['id']} {endpoint['endpoint_name']} ({endpoint['name']}): "
            f"{_tally(total)}"
        )
        lines += [
            f"  workergroup {g['id']} ({g['name']}): {_tally(Counter(g['workers']))}"
            for g in endpoint["workergroups"]
        ]
    return lines or ["no endpoint in this stack"]


def _tally(states: Counter[str]) -> str:
    if not states:
        return "no workers"
    count = sum(states.values())
    each = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
    return f"{count} worker{'s' if count != 1 else ''} ({each})"


def _report(objects: list[Managed], client: VastClient, args: argparse.Namespace) -> str:
    endpoints = status(objects, client)
    return json.dumps(endpoints, indent=2) if args.json else "\n".join(lines_of(endpoints))


def main(argv: list[str] | None = None) -> int:
    """Print the stack's workers now; exit 1 with one line when it cannot."""
    return run_stack_command("vast-status", __doc__.split("\n")[0], _report, argv)


if __name__ == "__main__":
    sys.exit(main())
