"""The shape of a JSON body (field names and JSON types) and error texts with values taken out.

Nothing here keeps a value: a record built from these is safe to paste into a public issue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

Shape = Any  # a type name ("string", "integer|null"), a dict of field shapes, or [item shape]

# Fields whose keys the user chooses (environment variable names): kept as a bare "object".
FREE_FORM = frozenset({"env", "extra_env"})
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
# A token with a digit (ids, counts, generated names) or with inner punctuation (image
# names, hosts, paths, dashed names).
_VALUE_TOKEN = re.compile(r"\S*\d\S*|[\w.-]+[/:@.-][\w/:@.-]*\w")
_MIN_SCRUBBED = 3


def shape_of(value: Any, field: str = "") -> Shape:
    """The shape of a parsed JSON value."""
    if isinstance(value, dict):
        if field in FREE_FORM:
            return "object"
        shapes: dict[str, Shape] = {}
        for key, item in value.items():
            name = key if _FIELD_NAME.match(str(key)) else "{key}"
            shape = shape_of(item, name)
            shapes[name] = merge(shapes[name], shape) if name in shapes else shape
        return dict(sorted(shapes.items()))
    if isinstance(value, list):
        items = [shape_of(item) for item in value]
        if not items:
            return []
        merged = items[0]
        for item in items[1:]:
            merged = merge(merged, item)
        return [merged]
    return _type_name(value)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def merge(a: Shape, b: Shape) -> Shape:
    """One shape covering both: fields of either, item shapes merged, types joined."""
    if a == b:
        return a
    if isinstance(a, dict) and isinstance(b, dict):
        return {
            key: merge(a[key], b[key]) if key in a and key in b else a.get(key, b.get(key))
            for key in sorted(a.keys() | b.keys())
        }
    if isinstance(a, list) and isinstance(b, list):
        return [merge(a[0], b[0])] if a and b else a or b
    # A container that is sometimes null keeps its fields; anything else joins type names.
    if a == "null" and not isinstance(b, str):
        return b
    if b == "null" and not isinstance(a, str):
        return a
    names = set(type_names(a)) | set(type_names(b))
    if {"integer", "number"} <= names:
        names.discard("integer")  # JSON does not tell 1.0 from 1
    return "|".join(sorted(names))


def type_names(shape: Shape) -> list[str]:
    """The JSON type names a shape stands for."""
    if isinstance(shape, dict):
        return ["object"]
    if isinstance(shape, list):
        return ["array"]
    return str(shape).split("|")


def flatten(shape: Shape, path: str = "") -> Iterator[tuple[str, str]]:
    """Every field path with its type: ``items[].created_at`` -> ``number``."""
    if isinstance(shape, dict):
        yield path or ".", "object"
        for key, item in shape.items():
            yield from flatten(item, f"{path}.{key}" if path else key)
    elif isinstance(shape, list):
        yield path or ".", "array"
        if shape:
            yield from flatten(shape[0], f"{path}[]")
    else:
        yield path or ".", str(shape)


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included (what a request carried)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def scrub_text(text: str, values: Iterable[str]) -> str:
    """A message with every value taken out: ``values`` (what was sent, the key), quoted
    strings, and tokens that carry digits or inner punctuation (ids, names, images)."""
    for value in sorted({v for v in values if len(v) >= _MIN_SCRUBBED}, key=len, reverse=True):
        text = text.replace(value, "<value>")
    text = _QUOTED.sub("'<value>'", text)
    text = _VALUE_TOKEN.sub(_placeholder, text)
    return " ".join(text.split())[:300]


def _placeholder(match: re.Match[str]) -> str:
    token = match.group(0)
    if token in ("<value>", "'<value>'"):
        return token
    # Keep a sentence's last period: "user 42." -> "user {n}."
    end = token[-1] if token[-1] in ".,;:)" else ""
    return ("{n}" if token.rstrip(".,;:)").isdigit() else "<value>") + end
