"""MkDocs hooks: what the docs site takes from the code, so it cannot drift from it.

- ``<!-- properties: endpoint -->``: the resource's property table, from its table.
- ``<!-- outputs: endpoint -->``: what each of its outputs holds, from the same table.
- ``<!-- functions -->``: the public functions, their signatures and docstrings.
- ``<!-- include: CHANGELOG.md -->``: a file of the repository, without its first heading.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pulumi_vast_serverless as package
from pulumi_vast_serverless.providers import ENDPOINT, READINESS, TEMPLATE, WORKERGROUP
from pulumi_vast_serverless.providers._reference import property_table

ROOT = Path(__file__).resolve().parent.parent
TABLES = {table.kind: table for table in (TEMPLATE, ENDPOINT, WORKERGROUP, READINESS)}
FUNCTIONS = (
    "get_endpoint",
    "get_workergroups",
    "get_endpoint_workers",
    "get_workergroup_workers",
    "get_endpoint_logs",
    "get_workergroup_logs",
    "get_endpoint_spend",
    "get_workergroup_spend",
    "get_spend_rate",
)
_MARKER = re.compile(r"<!-- (properties|outputs|include): ([\w.-]+) -->|<!-- functions -->")


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Fill the markers of one page."""
    return _MARKER.sub(_filled, markdown)


def _filled(found: re.Match[str]) -> str:
    kind, name = found.group(1), found.group(2)
    if kind == "properties":
        return property_table(TABLES[name])
    if kind == "outputs":
        return outputs_table(name)
    if kind == "include":
        text = (ROOT / name).read_text(encoding="utf-8")
        return text.split("\n", 1)[1] if text.startswith("# ") else text
    return functions_text()


def outputs_table(kind: str) -> str:
    """Each output of a resource and what it holds."""
    lines = ["| output | what it holds |", "| --- | --- |"]
    lines += [f"| `{p.name}` | {p.output} |" for p in TABLES[kind].props]
    return "\n".join(lines)


def functions_text() -> str:
    """A section per public function: its signature, then its docstring."""
    parts = []
    for name in FUNCTIONS:
        function = getattr(package, name)
        signature = f"{name}{inspect.signature(function)}".replace("'", "")
        doc = inspect.cleandoc(function.__doc__ or "")
        parts.append(f"## `{name}`\n\n```python\n{signature}\n```\n\n{doc}\n")
    return "\n".join(parts)
