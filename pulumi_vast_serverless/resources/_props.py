"""Turning a resource's arguments into the props a dynamic resource registers."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from typing import Any

from pulumi import RunError

from ..providers import Table


class InputError(TypeError, RunError):
    """A resource given an input it does not have. A ``TypeError``, as Python would
    raise; a ``RunError`` too, so Pulumi shows the one line without a traceback."""


def refuse_unknown(
    kind: str, resource_name: str, given: Mapping[str, object], inputs: Iterable[str]
) -> None:
    """Fail on keyword arguments the resource does not take, naming the closest input."""
    if not given:
        return
    known = sorted(inputs)
    name = sorted(given)[0]
    close = difflib.get_close_matches(name, known, n=1)
    fix = f"did you mean {close[0]}?" if close else f"its inputs are {', '.join(known)}"
    raise InputError(f"{kind} {resource_name!r} has no input {name!r}: {fix}")


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


def given_inputs(table: Table, arguments: Mapping[str, object], *own: str) -> dict[str, object]:
    """The inputs among a constructor's arguments (its ``locals()`` before anything else):
    the table's rows a program sets, and the resource's ``own`` ones (not the provider's)."""
    names = [p.name for p in table.props if p.settable] + list(own)
    return {name: arguments[name] for name in names}
