"""Property names as Pulumi's conventions have them: camelCase in the schema and in
programs of other languages, snake_case in the providers."""

from __future__ import annotations

import re
from typing import Any

_UPPER = re.compile(r"([A-Z])")


def camel(name: str) -> str:
    """``endpoint_name`` -> ``endpointName``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """``endpointName`` -> ``endpoint_name``."""
    return _UPPER.sub(lambda m: "_" + m.group(1).lower(), name)


def to_snake(props: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys in snake_case (nested objects, such as filters, keep their keys)."""
    return {snake(key): value for key, value in props.items()}


def to_camel(props: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys in camelCase."""
    return {camel(key): value for key, value in props.items()}
