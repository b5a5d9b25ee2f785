"""The README's property reference, generated from the property tables."""

from __future__ import annotations

from ._properties import ENDPOINT, READINESS, TEMPLATE, WORKERGROUP
from ._table import Table

_TYPES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "object": "object",
    "any": "any",
}
_CHANGES = {
    "update": "update in place",
    "replace": "**replace**",
    "none": "no API call",
    "ignored": "nothing (**ignored by Vast**)",
}


def property_table(table: Table) -> str:
    """Return a Markdown table: input, type, default, change applied, read back, description.

    "read back" says whether Vast shows the value in its rows: if not, refresh keeps the
    value last sent and it never shows as drift.
    """
    lines = [
        "| input | type | default | on change | read back | description |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for prop in table.props:
        change = _CHANGES[prop.change]
        own = prop.name in table.provider_only or prop.sent != "field" or prop.change == "ignored"
        read_back = "-" if own else ("yes" if prop.readable else "**no**")
        lines.append(
            f"| `{prop.name}` | {_TYPES[prop.kind]} | {prop.default} | {change} | {read_back} "
            f"| {prop.doc} |"
        )
    return "\n".join(lines)


def reference() -> str:
    """Every table, under its heading."""
    return (
        "### Template inputs\n\n"
        + property_table(TEMPLATE)
        + "\n\n### Endpoint inputs\n\n"
        + property_table(ENDPOINT)
        + "\n\n### Workergroup inputs\n\n"
        + property_table(WORKERGROUP)
        + "\n\n### Readiness inputs\n\n"
        + property_table(READINESS)
        + "\n"
    )


if __name__ == "__main__":
    print(reference())
