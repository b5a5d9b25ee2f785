"""Vast's filter objects, ``{"field": {"op": value}}``, as its search routes apply them.

The template search, the offer search (``/bundles/``) and the autoscaler's reading of a
workergroup's ``search_params`` all take this form (ops eq, neq, gt, gte, lt, lte, in,
notin).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "neq": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": lambda value, wanted: value in wanted,
    "notin": lambda value, wanted: value not in wanted,
}


def matches(value: Any, condition: Any) -> bool:
    """Whether ``value`` meets ``condition`` (``{"op": wanted}``, or a bare value for eq)."""
    if not isinstance(condition, dict):
        return bool(value == _like(value, condition))
    try:
        return all(
            op in OPS and OPS[op](value, _like(value, wanted)) for op, wanted in condition.items()
        )
    except TypeError:  # comparing a missing value with a number, say
        return False


def _like(value: Any, wanted: Any) -> Any:
    """``wanted`` read as the type of ``value``: Vast's own client sends numbers and
    booleans as text (``{"num_gpus": {"eq": "1"}}``), and Vast answers them."""
    if isinstance(wanted, list):
        return [_like(value, item) for item in wanted]
    if not isinstance(wanted, str):
        return wanted
    if isinstance(value, bool):
        return {"true": True, "false": False}.get(wanted.lower(), wanted)
    if isinstance(value, (int, float)):
        try:
            return float(wanted)
        except ValueError:
            return wanted
    return wanted


def matches_all(row: Mapping[str, Any], filters: Mapping[str, Any]) -> bool:
    """Whether ``row`` meets every filter; a field the row lacks meets none."""
    return all(field in row and matches(row[field], cond) for field, cond in filters.items())
