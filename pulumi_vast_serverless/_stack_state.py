"""A stack's own endpoints and workergroups, from its state, for the commands
(``vast-spend``, ``vast-status``): a ``pulumi stack export``, a file, stdin, or a file
backend's directory (``local_stack``'s ``state_dir``)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import VastClient

# What a stack command prints, from the stack's objects, a client and the parsed options.
Report = Callable[[list["Managed"], "VastClient", argparse.Namespace], str]


@dataclass(frozen=True)
class Managed:
    """An endpoint or workergroup the stack manages, as its state names it."""

    kind: str
    id: int
    name: str
    endpoint_id: int | None = None
    endpoint_name: str | None = None


def managed(state: dict[str, Any]) -> list[Managed]:
    """The stack's own endpoints and workergroups in a ``pulumi stack export`` (or a file
    backend's checkpoint)."""
    found = []
    deployment = state.get("checkpoint", {}).get("latest") or state.get("deployment", state)
    for resource in deployment.get("resources") or []:
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


def add_state_options(parser: argparse.ArgumentParser) -> None:
    """STATE, ``--stack`` and ``--state-dir``: where the stack's state comes from."""
    parser.add_argument("state", nargs="?", help="a `pulumi stack export` file, or - for stdin")
    parser.add_argument("--stack", help="the stack to read (with no STATE)")
    parser.add_argument(
        "--state-dir", help="a file backend's directory (local_stack's state_dir) to read"
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def run_stack_command(
    prog: str, description: str, report: Report, argv: Sequence[str] | None = None
) -> int:
    """A command over a stack's own objects: its options (STATE, ``--stack``,
    ``--state-dir``, ``--json``), the key from the environment, one client, and what
    ``report`` returns printed; exit 1 with one line when any of it fails."""
    from .client import VastClient, VastError  # the HTTP stack, once the options parse
    from .providers import resolve_settings

    parser = argparse.ArgumentParser(prog=prog, description=description)
    add_state_options(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    settings = resolve_settings()
    if not settings.api_key:
        print(f"{prog}: set VAST_API_KEY (the key of the account the stack deploys to)")
        return 1
    try:
        objects = managed(read_state(args, prog))
        with VastClient(settings.api_key, base_url=settings.base_url) as client:
            text = report(objects, client, args)
    except (VastError, ValueError, OSError) as exc:
        print(f"{prog}: {exc}")
        return 1
    print(text)
    return 0


def read_state(args: argparse.Namespace, command: str) -> dict[str, Any]:
    """The state the options chose (see ``add_state_options``); SystemExit with one line
    when it cannot be read."""
    if args.state_dir:
        return _from_state_dir(Path(args.state_dir), args.stack, command)
    if args.state == "-":
        return dict(json.load(sys.stdin))
    if args.state:
        with open(args.state, encoding="utf-8") as file:
            return dict(json.load(file))
    export = ["pulumi", "stack", "export", *(["--stack", args.stack] if args.stack else [])]
    try:
        done = subprocess.run(export, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise SystemExit(
            f"{command}: no `pulumi` on PATH; pipe a state in: pulumi stack export | {command} -"
        ) from None
    if done.returncode != 0:
        raise SystemExit(f"{command}: `{' '.join(export)}` failed: {done.stderr.strip()}")
    return dict(json.loads(done.stdout))


def _from_state_dir(directory: Path, stack: str | None, command: str) -> dict[str, Any]:
    """A stack's checkpoint in a ``file://`` backend directory (``local_stack``'s
    ``state_dir``): no CLI, no login, no passphrase (nothing secret is read)."""
    stacks = sorted((directory / ".pulumi" / "stacks").glob("**/*.json"))
    names = sorted({path.stem for path in stacks})
    chosen = [path for path in stacks if stack is None or path.stem == stack]
    if not stacks:
        raise SystemExit(f"{command}: no stack in {directory} (a local_stack's state_dir?)")
    if len(chosen) != 1:
        which = "no stack named " + repr(stack) if not chosen else "several stacks"
        raise SystemExit(
            f"{command}: {which} in {directory}: choose one with --stack ({', '.join(names)})"
        )
    return dict(json.loads(chosen[0].read_text(encoding="utf-8")))
