"""Turning a resource's arguments into the props a dynamic resource registers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from typing import Any


def resource_props(
    args: Any, keywords: Mapping[str, object], output_only: tuple[str, ...]
) -> dict[str, Any]:
    """Merge the two ways of passing inputs and name every output (None until known)."""
    if args is not None:
        if not is_dataclass(args):
            raise TypeError(f"args must be an Args object; got {type(args).__name__}")
        if any(value is not None for value in keywords.values()):
            raise TypeError("pass inputs either as an Args object or as keywords, not both")
        keywords = {f.name: getattr(args, f.name) for f in fields(args)}
    return {**dict.fromkeys(output_only), **keywords}
