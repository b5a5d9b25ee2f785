"""``vast-spend``: what a stack's endpoints and workergroups spend now, USD per hour.

    vast-spend                          # `pulumi stack export` of this directory's stack
    vast-spend --stack prod             # another stack of this project
    vast-spend --state-dir .pulumi-state [--stack local]   # a local_stack's file backend
    pulumi stack export | vast-spend -  # any state, from any backend
    vast-spend --json ...               # the same figures as JSON

The ids come from the stack's state (only what the stack manages; lookups are left out),
the figures from Vast's spend routes, read now. The key and URL come from
``VAST_API_KEY`` and ``VAST_API_URL``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .._stack_state import Managed, run_stack_command
from ..client import VastClient
from ._estimate import money
from ._spend import spend_rate_of


def figures(objects: list[Managed], client: VastClient) -> dict[str, Any]:
    """What the command reports, as ``--json`` prints it: each object's USD per hour now
    (null: no data yet), whether Vast still lists it, and the stack's total."""
    endpoint_spend, group_spend = client.endpoint_spend(), client.workergroup_spend()
    rows: list[dict[str, Any]] = []
    ours = {item.id for item in objects if item.kind == "endpoint"}
    total = 0.0
    for item in objects:
        spend = endpoint_spend if item.kind == "endpoint" else group_spend
        if item.kind == "endpoint" or item.endpoint_id not in ours:
            total += spend.get(item.id) or 0.0
        rows.append(
            {
                "kind": item.kind,
                "id": item.id,
                "name": item.name,
                "endpoint_id": item.endpoint_id,
                "on_vast": item.id in spend,
                "per_hour": spend.get(item.id),
            }
        )
    return {"objects": rows, "stack_per_hour": total}


def report(objects: list[Managed], client: VastClient) -> list[str]:
    """The lines the command prints."""
    endpoint_spend = client.endpoint_spend()
    group_spend = client.workergroup_spend()
    lines, total = [], 0.0
    for endpoint in (o for o in objects if o.kind == "endpoint"):
        spend = endpoint_spend.get(endpoint.id)
        total += spend or 0.0
        lines.append(
            f"endpoint {endpoint.id} {endpoint.endpoint_name} ({endpoint.name}): "
            f"{_figure(spend, endpoint.id in endpoint_spend)}"
        )
        for group in (o for o in objects if o.kind == "workergroup"):
            if group.endpoint_id == endpoint.id:
                figure = _figure(group_spend.get(group.id), group.id in group_spend)
                lines.append(f"  workergroup {group.id} ({group.name}): {figure}")
    others = [o for o in objects if o.kind == "workergroup" and o.endpoint_id not in
              {e.id for e in objects if e.kind == "endpoint"}]  # fmt: skip
    for group in others:
        figure = _figure(group_spend.get(group.id), group.id in group_spend)
        lines.append(
            f"workergroup {group.id} ({group.name}, on endpoint {group.endpoint_id}, not "
            f"this stack's): {figure}"
        )
        total += group_spend.get(group.id) or 0.0
    count = sum(o.kind == "endpoint" for o in objects)
    lines.append(f"stack: {money(total)} now ({count} endpoint{'s' if count != 1 else ''})")
    return lines


def _figure(spend: float | None, listed: bool) -> str:
    if not listed:
        return "not on Vast any more (run `pulumi refresh`)"
    return money(spend) if spend is not None else "no data yet"


def _report(objects: list[Managed], client: VastClient, args: argparse.Namespace) -> str:
    """The lines, or with ``--json`` the figures (each route read once either way)."""
    if args.json:
        data = figures(objects, client)
        data["account_per_hour"] = spend_rate_of(client).total_per_hour
        return json.dumps(data, indent=2)
    lines = report(objects, client)
    rate = spend_rate_of(client)
    lines.append(
        f"account: {money(rate.total_per_hour)} now (GPU {money(rate.gpu_per_hour)}, disks "
        f"{money(rate.container_storage_per_hour)}, volumes {money(rate.volume_storage_per_hour)})"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the stack's spend now; exit 1 with one line when it cannot."""
    return run_stack_command("vast-spend", __doc__.split("\n")[0], _report, argv)


if __name__ == "__main__":
    sys.exit(main())
