"""``vast-spend``: what a stack's endpoints and workergroups spend now, USD per hour.

    vast-spend                          # `pulumi stack export` of this directory's stack
    vast-spend --stack prod             # another stack of this project
    pulumi stack export | vast-spend -  # any state, from any backend

The ids come from the stack's state (only what the stack manages; lookups are left out),
the figures from Vast's spend routes, read now. The key and URL come from
``VAST_API_KEY`` and ``VAST_API_URL``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from ..client import VastClient, VastError
from ..providers._settings import resolve_settings
from ._estimate import money
from ._spend import spend_rate_of


@dataclass(frozen=True)
class Managed:
    """An endpoint or workergroup the stack manages, as its state names it."""

    kind: str
    id: int
    name: str
    endpoint_id: int | None = None
    endpoint_name: str | None = None


def managed(state: dict[str, Any]) -> list[Managed]:
    """The stack's own endpoints and workergroups in a ``pulumi stack export``."""
    found = []
    for resource in state.get("deployment", state).get("resources") or []:
        kind = str(resource.get("type", "")).rsplit(":", 1)[-1]
        if kind not in ("Endpoint", "Workergroup") or resource.get("external"):
            continue
        outputs = resource.get("outputs") or {}
        found.append(
            Managed(
                kind=kind.lower(),
                id=int(resource["id"]),
                name=str(resource.get("urn", "")).rsplit("::", 1)[-1],
                endpoint_id=_int(outputs.get("endpoint_id")),
                endpoint_name=outputs.get("endpoint_name"),
            )
        )
    return found


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


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _state(args: argparse.Namespace) -> dict[str, Any]:
    if args.state == "-":
        return dict(json.load(sys.stdin))
    if args.state:
        with open(args.state, encoding="utf-8") as file:
            return dict(json.load(file))
    command = ["pulumi", "stack", "export", *(["--stack", args.stack] if args.stack else [])]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise SystemExit(
            "vast-spend: no `pulumi` on PATH; pipe a state in: pulumi stack export | vast-spend -"
        ) from None
    if done.returncode != 0:
        raise SystemExit(f"vast-spend: `{' '.join(command)}` failed: {done.stderr.strip()}")
    return dict(json.loads(done.stdout))


def main(argv: list[str] | None = None) -> int:
    """Print the stack's spend now; exit 1 with one line when it cannot."""
    parser = argparse.ArgumentParser(prog="vast-spend", description=__doc__.split("\n")[0])
    parser.add_argument("state", nargs="?", help="a `pulumi stack export` file, or - for stdin")
    parser.add_argument("--stack", help="the stack to export (with no STATE)")
    args = parser.parse_args(argv)
    settings = resolve_settings()
    if not settings.api_key:
        print("vast-spend: set VAST_API_KEY (the key of the account the stack deploys to)")
        return 1
    try:
        objects = managed(_state(args))
        with VastClient(settings.api_key, base_url=settings.base_url) as client:
            lines = report(objects, client)
            rate = spend_rate_of(client)
    except (VastError, ValueError, OSError) as exc:
        print(f"vast-spend: {exc}")
        return 1
    print("\n".join(lines))
    print(
        f"account: {money(rate.total_per_hour)} now (GPU {money(rate.gpu_per_hour)}, disks "
        f"{money(rate.container_storage_per_hour)}, volumes {money(rate.volume_storage_per_hour)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
