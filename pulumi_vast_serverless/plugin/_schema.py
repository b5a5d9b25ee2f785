"""The plugin's Pulumi package schema, generated from each resource's table."""

from __future__ import annotations

from typing import Any

from .._version import __version__
from ..providers import ENDPOINT, READINESS, TEMPLATE, WORKERGROUP, Prop, Table
from ._names import camel

PACKAGE = "vast"
#: Resource type tokens, and the table of each.
RESOURCES: dict[str, Table] = {
    f"{PACKAGE}:index:Template": TEMPLATE,
    f"{PACKAGE}:index:Endpoint": ENDPOINT,
    f"{PACKAGE}:index:Workergroup": WORKERGROUP,
    f"{PACKAGE}:index:Readiness": READINESS,
}
_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "object": {"type": "object", "additionalProperties": {"$ref": "pulumi.json#/Any"}},
    "any": {"$ref": "pulumi.json#/Any"},
}
# Outputs every resource has beyond its inputs, and those of one kind.
_COMMON_OUTPUTS = {
    "createdAt": {"type": "string", "description": "When Vast created it (ISO 8601, UTC)."},
    "declaredInputs": {
        "type": "array",
        "items": {"type": "string"},
        "description": "The inputs the program sets; refresh reports drift on these.",
    },
}
_EXTRA_OUTPUTS: dict[str, dict[str, Any]] = {
    "template": {
        "hashId": {"type": "string", "description": "The template's content address."},
        "templateId": {"type": "integer", "description": "The numeric id of the template."},
        "creatorId": {"type": "integer", "description": "The account that created it."},
    },
    "workergroup": {
        "searchQuery": {"$ref": "pulumi.json#/Any", "description": "The search as Vast parsed it."},
    },
}


# Inputs that take another resource's id: ids are strings in Pulumi (``${llm.id}``); the
# providers read a numeric string as the number.
_RESOURCE_IDS = frozenset({"endpoint_id", "workergroup_id"})


def _input(prop: Prop) -> dict[str, Any]:
    kind = "str" if prop.name in _RESOURCE_IDS else prop.kind
    spec: dict[str, Any] = {**_TYPES[kind], "description": prop.doc}
    if prop.secret:
        spec["secret"] = True
    if prop.change == "replace":
        spec["replaceOnChanges"] = True
    return spec


def _output(prop: Prop) -> dict[str, Any]:
    spec: dict[str, Any] = {**_TYPES[prop.kind], "description": prop.output}
    if prop.secret:
        spec["secret"] = True
    return spec


def _resource(table: Table) -> dict[str, Any]:
    settable = [p for p in table.props if p.settable]
    required = [camel(p.name) for p in settable if p.default == "required"]
    outputs: dict[str, Any] = {camel(p.name): _output(p) for p in table.props}
    outputs |= _COMMON_OUTPUTS | _EXTRA_OUTPUTS.get(table.kind, {})
    resource: dict[str, Any] = {
        "description": f"A Vast.ai serverless {table.kind}.",
        "inputProperties": {camel(p.name): _input(p) for p in settable},
        "properties": outputs,
    }
    if required:
        resource["requiredInputs"] = required
    return resource


def schema() -> dict[str, Any]:
    """The whole package schema (``pulumi package get-schema`` prints it)."""
    return {
        "name": PACKAGE,
        "version": __version__,
        "displayName": "Vast.ai Serverless",
        "description": "Vast.ai Serverless GPU inference: templates, endpoints, workergroups.",
        "config": {
            "variables": {
                "apiKey": {"type": "string", "secret": True, "description": "Vast API key."},
                "apiUrl": {"type": "string", "description": "Vast's API root (…/api/v0)."},
            }
        },
        "provider": {
            "inputProperties": {
                "apiKey": {"type": "string", "secret": True, "description": "Vast API key."},
                "apiUrl": {"type": "string", "description": "Vast's API root (…/api/v0)."},
            }
        },
        "resources": {token: _resource(table) for token, table in RESOURCES.items()},
    }
