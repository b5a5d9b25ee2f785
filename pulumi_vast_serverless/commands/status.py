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

from .._stack_state import Managed, add_state_options, managed, read_state
from ..client import VastClient, VastError
from ..providers._settings import resolve_settings


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


def main(argv: list[str] | None = None) -> int:
    """Print the stack's workers now; exit 1 with one line when it cannot."""
    parser = argparse.ArgumentParser(prog="vast-status", description=__doc__.split("\n")[0])
    add_state_options(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    settings = resolve_settings()
    if not settings.api_key:
        print("vast-status: set VAST_API_KEY (the key of the account the stack deploys to)")
        return 1
    try:
        objects = managed(read_state(args, "vast-status"))
        with VastClient(settings.api_key, base_url=settings.base_url) as client:
            endpoints = status(objects, client)
    except (VastError, ValueError, OSError) as exc:
        print(f"vast-status: {exc}")
        return 1
    print(json.dumps(endpoints, indent=2) if args.json else "\n".join(lines_of(endpoints)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
