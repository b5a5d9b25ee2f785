"""The simulator's model of Vast's objects: fields, server defaults and validation."""

from __future__ import annotations

import math
import re
from typing import Any

Row = dict[str, Any]


class InvalidArgsError(ValueError):
    """A request Vast would refuse with ``400 invalid_args``; the text is Vast's ``msg``."""


ENDPOINT_STATES = ("active", "suspended", "stopped")

ENDPOINT_DEFAULTS: Row = {
    "endpoint_name": "default-endpoint",
    "min_load": 10.0,
    "min_cold_load": 0.0,
    "target_util": 0.9,
    "cold_mult": 2.5,
    "cold_workers": 5,
    "max_workers": 20,
    "max_queue_time": 30.0,
    "target_queue_time": 10.0,
    "inactivity_timeout": 0,
    "endpoint_state": "active",
    "autoscaler_instance": "prod",
}

WORKERGROUP_DEFAULTS: Row = {
    "template_hash": None,
    "template_id": None,
    "search_params": None,
    "launch_args": "",
    "gpu_ram": 24,
    "test_workers": 3,
    "cold_workers": 3,
    "max_workers": 20,
    "min_load": 1.0,
    "target_util": 0.9,
    "cold_mult": 3.0,
}

_NUMBERS = {
    "min_load",
    "min_cold_load",
    "target_util",
    "cold_mult",
    "max_queue_time",
    "target_queue_time",
    "gpu_ram",
}
_INTEGERS = {
    "cold_workers",
    "max_workers",
    "test_workers",
    "template_id",
    "endpoint_id",
    "inactivity_timeout",
}
# inactivity_timeout < 0 means "never scale to zero" in Vast's docs.
_MAY_BE_NEGATIVE = {"inactivity_timeout"}
_STRINGS = {
    "endpoint_name",
    "template_hash",
    "search_params",
    "launch_args",
    "endpoint_state",
    "autoscaler_instance",
}
_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,255}$")


def clean_endpoint(body: Row) -> Row:
    """Return the endpoint fields of ``body``, checked; unknown fields are ignored."""
    fields = _clean(body, ENDPOINT_DEFAULTS)
    if "endpoint_name" in fields and not _NAME.match(fields["endpoint_name"]):
        raise InvalidArgsError("endpoint_name must match ^[a-zA-Z0-9_-]+$ (at most 255 characters)")
    if "endpoint_state" in fields and fields["endpoint_state"] not in ENDPOINT_STATES:
        raise InvalidArgsError(f"endpoint_state must be one of {', '.join(ENDPOINT_STATES)}")
    return fields


def clean_workergroup(body: Row) -> Row:
    """Return the workergroup fields of ``body``, checked; unknown fields are ignored."""
    allowed = {**WORKERGROUP_DEFAULTS, "endpoint_id": None, "endpoint_name": None}
    return _clean(body, allowed)


def _clean(body: Row, allowed: Row) -> Row:
    fields: Row = {}
    for key, value in body.items():
        if key not in allowed or value is None:
            continue
        if key in _NUMBERS or key in _INTEGERS:
            fields[key] = _number(key, value, integral=key in _INTEGERS)
        elif key in _STRINGS:
            if not isinstance(value, str):
                raise InvalidArgsError(f"{key} must be a string")
            fields[key] = value
    if "target_util" in fields and not 0 < fields["target_util"] <= 1:
        raise InvalidArgsError("target_util must be a fraction in (0, 1]")
    return fields


def _number(key: str, value: Any, *, integral: bool) -> float | int:
    """Check a number the way Vast's input patterns do (``^[0-9]+$`` for integers)."""
    if isinstance(value, bool):
        raise InvalidArgsError(f"{key} must be a number")
    if integral:
        # 20.0 is not an integer to Vast: a client must send 20.
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
            value = int(value)
        if not isinstance(value, int):
            raise InvalidArgsError(f"{key} must be an integer")
    elif isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise InvalidArgsError(f"{key} must be a number") from None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidArgsError(f"{key} must be a number")
    if value < 0 and key not in _MAY_BE_NEGATIVE:
        raise InvalidArgsError(f"{key} must not be negative")
    return int(value) if integral else float(value)


def parse_search_query(text: str) -> Row:
    """Parse ``gpu_name=RTX_4090 num_gpus>=1`` the way Vast re-encodes search params."""
    query: Row = {}
    for term in text.split():
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_.]*)(>=|<=|!=|==|=|>|<)(.*)$", term)
        if not match:
            continue
        name, op, raw = match.groups()
        ops = {"=": "eq", "==": "eq", "!=": "neq", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
        query[name] = {ops[op]: _scalar(raw)}
    return query


def _scalar(raw: str) -> Any:
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        number = float(raw)
    except ValueError:
        return raw
    return int(number) if number.is_integer() and "." not in raw else number
