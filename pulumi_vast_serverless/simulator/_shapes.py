"""Answers in the shapes a changed API plausibly sends, for the client to be held to them.

No Vast document gives these shapes; each is a change an API makes without notice (a
number as text, a field null or gone, an id under another key, a list of one where an
object was, a search stored in another parsed form). The ``Variants`` fields ``numbers``,
``optional_fields``, ``extra_fields``, ``single_objects``, ``search_query`` and ``id_keys``
choose them; the default of each is the documented shape, and leaves answers untouched.
"""

from __future__ import annotations

from typing import Any

from .._types import Row
from ._variants import Variants

# Routes whose answers are reshaped: the rows and creates the providers read.
_SHAPED = ("/endptjobs/", "/autojobs/", "/workergroups/", "/template/", "/api/v1/template/")
# Row fields a changed API may leave null or out (none of them an id or a name).
OPTIONAL = frozenset(
    {
        "launch_args",
        "gpu_ram",
        "inactivity_timeout",
        "auto_delete_in_seconds",
        "onstart",
        "desc",
        "readme",
        "href",
        "repo",
        "jupyter_dir",
    }
)
# The operator a server that splits "gpu_ram>=24" at its "=" leaves in the field.
_SPLIT_SUFFIX = {"gte": ">", "lte": "<", "neq": "!"}


def reshape(route_key: str, answer: Any, variants: Variants) -> Any:
    """``answer`` of ``route_key`` in the shapes ``variants`` choose."""
    path = route_key.split(" ", 1)[-1]
    if not isinstance(answer, dict) or not path.startswith(_SHAPED):
        return answer
    shaped = dict(answer)
    for key in ("results", "templates"):
        if isinstance(shaped.get(key), list):
            shaped[key] = [_row(row, variants) for row in shaped[key]]
    for key in ("result", "template"):
        if isinstance(shaped.get(key), dict):
            shaped[key] = _row(shaped[key], variants)
    if variants.single_objects == "list" and isinstance(shaped.get("template"), dict):
        shaped["template"] = [shaped["template"]]
    for key in ("result", "id"):  # a create's id
        if not isinstance(shaped.get(key), (dict, list)):
            shaped[key] = _numbers(shaped.get(key), variants.numbers)
    shaped = {k: v for k, v in shaped.items() if v is not None or k in answer}
    if variants.extra_fields == "added":
        shaped["request_id"] = "req-7f3a"
    return shaped


def _row(row: Any, variants: Variants) -> Any:
    if not isinstance(row, dict):
        return row
    shaped = dict(row)
    if variants.search_query == "split" and isinstance(shaped.get("search_query"), dict):
        shaped["search_query"] = _split(shaped["search_query"])
    if variants.id_keys == "renamed" and "endpoint_id" in shaped and "template_hash" in shaped:
        shaped["endptjob_id"] = shaped.pop("endpoint_id")
    for name in OPTIONAL & set(shaped):
        if variants.optional_fields == "null":
            shaped[name] = None
        elif variants.optional_fields == "missing":
            del shaped[name]
    shaped = {k: _numbers(v, variants.numbers) for k, v in shaped.items()}
    if variants.extra_fields == "added":
        shaped["gpu_arch_hint"] = {"family": "ada", "since": [2026, 11]}
    return shaped


def _split(query: Row) -> Row:
    """``{"gpu_ram": {"gte": 24}}`` as ``{"gpu_ram>": {"eq": "24"}}``, every value text."""
    split: Row = {}
    for field, conditions in query.items():
        for op, value in (conditions or {}).items():
            suffix = _SPLIT_SUFFIX.get(op)
            key, kept_op = (field + suffix, "eq") if suffix else (field, op)
            split.setdefault(key, {})[kept_op] = _as_text(value)
    return split


def _as_text(value: Any) -> Any:
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    return value if value is None else str(value)


def _numbers(value: Any, form: str) -> Any:
    """Every number in ``value`` as text (``text``) or every whole one as a float."""
    if form == "number" or isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dict):
        return {k: _numbers(v, form) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(item, form) for item in value]
    if isinstance(value, (int, float)):
        return str(value) if form == "text" else float(value)
    return value


def garbled(answer: Any) -> Any:
    """``answer`` with every number in it (ids too) as text no reading accepts."""
    if isinstance(answer, dict):
        return {k: garbled(v) for k, v in answer.items()}
    if isinstance(answer, list):
        return [garbled(item) for item in answer]
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        return "n/a"
    return answer
