"""``vast-import``: a whole Vast account (or the part a pattern names) into Pulumi, in one
step: how users of ``vastai`` scripts and the console come to Pulumi.

    vast-import > import.json                 # every endpoint, group and template
    vast-import --match 'qwen*' > import.json # endpoints whose name matches, with their groups
    pulumi import --file import.json          # any Pulumi language, through the plugin
    vast-import --python > adopt.py           # or: a Python program that adopts them

The import file is the one ``pulumi import --file`` reads (``vast:index:*`` types, names
after Vast's: an endpoint's name, ``<endpoint>-group-<id>`` for a group, a template's name).
The Python program declares the endpoints and groups with ``adopt_existing=True`` and the
values Vast shows, so its first ``up`` takes them over and changes nothing; it names
templates by hash (their env may hold secrets, which a program file must not). Templates are those
the account's groups run, by ``template_id`` or ``template_hash``. The key and URL come from
``VAST_API_KEY`` / ``VAST_API_URL``; reading costs a few list requests, and writes nothing.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
from typing import Any

from .._types import Row
from ..client import VastClient, VastError, offer_query
from ..providers import resolve_settings

_NAME = re.compile(r"[^A-Za-z0-9_-]+")
# What the Python program declares of an endpoint: every scaling field Vast shows.
_ENDPOINT_FIELDS = (
    "endpoint_name", "min_load", "min_cold_load", "target_util", "cold_mult", "cold_workers",
    "max_workers", "max_queue_time", "target_queue_time", "inactivity_timeout",
    "endpoint_state",
)  # fmt: skip


def account(client: VastClient, match: str) -> tuple[list[Row], list[Row], list[Row]]:
    """The endpoints whose name matches, their groups, and the templates those run."""
    endpoints = [
        row
        for row in client.list_endpoints(fresh=True)
        if fnmatch.fnmatchcase(str(row.get("endpoint_name")), match)
    ]
    chosen = {row["id"] for row in endpoints}
    groups = [
        row for row in client.list_workergroups(fresh=True) if row.get("endpoint_id") in chosen
    ]
    templates: dict[int, Row] = {}
    for group in groups:
        if group.get("template_id") is not None:
            found = client.template(int(group["template_id"]))
        elif group.get("template_hash"):
            hashed = client.search_templates(hash_id={"eq": group["template_hash"]})
            found = hashed[0] if hashed else None
        else:
            found = None
        if found is not None:
            templates[int(found["id"])] = found
    return endpoints, groups, list(templates.values())


def resource_names(endpoints: list[Row], groups: list[Row], templates: list[Row]) -> dict[str, str]:
    """A Pulumi name per object, after Vast's names (``kind:id`` -> name)."""
    by_endpoint = {row["id"]: str(row["endpoint_name"]) for row in endpoints}
    names = {f"Endpoint:{row['id']}": by_endpoint[row["id"]] for row in endpoints}
    for row in groups:
        names[f"Workergroup:{row['id']}"] = f"{by_endpoint[row['endpoint_id']]}-group-{row['id']}"
    for row in templates:
        names[f"Template:{row['id']}"] = _NAME.sub("-", str(row.get("name") or "template")).strip(
            "-"
        )
    return names


def import_file(endpoints: list[Row], groups: list[Row], templates: list[Row]) -> dict[str, Any]:
    """What ``pulumi import --file`` reads."""
    names = resource_names(endpoints, groups, templates)
    resources = [
        {"type": f"vast:index:{key.split(':')[0]}", "name": name, "id": key.split(":")[1]}
        for key, name in names.items()
    ]
    return {"resources": resources}


def python_program(endpoints: list[Row], groups: list[Row], templates: list[Row]) -> str:
    """A Pulumi program in Python that adopts these objects as they are."""
    names = resource_names(endpoints, groups, templates)
    variables: dict[str, str] = {}
    lines = [
        '"""Adopts what `vast-import --python` found: the first `up` takes them over."""',
        "",
        "",
        "from pulumi_vast_serverless import Endpoint, Workergroup",
        "",
    ]
    for row in templates:
        # Not declared: a template's env may hold secrets, which a program file must not.
        lines.append(
            f"# template {row['id']} ({row.get('name')}, hash {row.get('hash_id')}) runs the "
            "groups below by hash; declare a Template to manage it\n"
        )
    for row in endpoints:
        var = variables[f"Endpoint:{row['id']}"] = _variable(names[f"Endpoint:{row['id']}"])
        fields = _fields(row, _ENDPOINT_FIELDS)
        lines.append(_declaration(var, "Endpoint", names[f"Endpoint:{row['id']}"], fields))
    for row in groups:
        endpoint_var = variables[f"Endpoint:{row['endpoint_id']}"]
        fields = {"endpoint_id": f"{endpoint_var}.id"}
        if row.get("template_hash"):
            fields["template_hash"] = repr(row["template_hash"])
        elif row.get("template_id") is not None:
            fields["template_id"] = repr(row["template_id"])
        fields |= {k: repr(v) for k, v in _plain_fields(row, ("gpu_ram", "launch_args")).items()}
        search = _search_text(row)
        if search:
            fields["search_params"] = repr(search)
        name = names[f"Workergroup:{row['id']}"]
        lines.append(_declaration(_variable(name), "Workergroup", name, fields))
    return "\n".join(lines).rstrip() + "\n"


def _search_text(row: Row) -> str | None:
    """A group's search as text (its rows hold it as Vast parsed it)."""
    stored = offer_query.stored_form(row.get("search_query"))
    if stored is not None:
        return offer_query.render(stored)
    text = row.get("search_params")
    return text if isinstance(text, str) else None


def _fields(row: Row, keys: tuple[str, ...]) -> dict[str, str]:
    return {k: repr(v) for k, v in _plain_fields(row, keys).items()}


def _plain_fields(row: Row, keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: row[k] for k in keys if row.get(k) not in (None, "")}


def _declaration(variable: str, kind: str, name: str, fields: dict[str, str]) -> str:
    body = "".join(f"    {key}={value},\n" for key, value in fields.items())
    return f"{variable} = {kind}(\n    {name!r},\n{body}    adopt_existing=True,\n)\n"


def _variable(name: str) -> str:
    text = re.sub(r"\W+", "_", name).strip("_").lower() or "resource"
    return text if text[0].isalpha() else f"r_{text}"


def main(argv: list[str] | None = None) -> None:
    """``vast-import [--match PATTERN] [--python]``."""
    parser = argparse.ArgumentParser(
        prog="vast-import",
        description="Write an import file for `pulumi import --file` (or, with --python, a "
        "Python program that adopts them) for a Vast account's endpoints, their "
        "workergroups and the templates those run.",
    )
    parser.add_argument(
        "--match", default="*", help="endpoint names to take, a glob (default: all)"
    )
    parser.add_argument("--python", action="store_true", help="write a Python program instead")
    args = parser.parse_args(argv)
    settings = resolve_settings()
    if not settings.api_key:
        parser.error("no Vast API key: set VAST_API_KEY")
    try:
        with VastClient(settings.api_key, base_url=settings.base_url) as client:
            found = account(client, args.match)
    except VastError as exc:
        sys.exit(f"vast-import: {' '.join(str(exc).split())}")
    if args.python:
        print(python_program(*found), end="")
    else:
        print(json.dumps(import_file(*found), indent=2))


if __name__ == "__main__":
    main()
