"""Vast's offer query language: what a workergroup's ``search_params`` may say.

The grammar is the one Vast's own client parses (``vastai`` 1.9.1, ``parse_query``):
space-separated terms ``field op value`` with ``=``, ``==``, ``!=``, ``>``, ``>=``, ``<``,
``<=`` or the words ``eq``, ``neq``, ``gt``, ``gte``, ``lt``, ``lte``, ``in``, ``nin``,
``not in``; ``_`` in a value stands for a space; ``any``/``*``/``?`` drop a field. Vast stores
the parsed form as ``search_query``, e.g. ``{"gpu_name": {"eq": "RTX 4090"}}``.

We are stricter than the official client on one point: a field it does not recognise is an
error here (it only warns), because Vast drops such a term and the group then recruits any
GPU.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any

Query = dict[str, dict[str, Any]]

# The offer fields of Vast's official client (vastai/api/query.py, offers_fields), and its
# aliases (offers_alias).
OFFER_FIELDS = frozenset(
    [
        "bw_nvlink",
        "compute_cap",
        "cpu_arch",
        "cpu_cores",
        "cpu_cores_effective",
        "cpu_ghz",
        "cpu_ram",
        "cuda_max_good",
        "datacenter",
        "direct_port_count",
        "driver_version",
        "disk_bw",
        "disk_space",
        "dlperf",
        "dlperf_per_dphtotal",
        "dph_total",
        "duration",
        "external",
        "flops_per_dphtotal",
        "gpu_arch",
        "gpu_display_active",
        "gpu_frac",
        "gpu_mem_bw",
        "gpu_name",
        "gpu_ram",
        "gpu_total_ram",
        "gpu_max_power",
        "gpu_max_temp",
        "has_avx",
        "host_id",
        "id",
        "inet_down",
        "inet_down_cost",
        "inet_up",
        "inet_up_cost",
        "machine_id",
        "min_bid",
        "mobo_name",
        "num_gpus",
        "pci_gen",
        "pcie_bw",
        "reliability",
        "rentable",
        "rented",
        "storage_cost",
        "static_ip",
        "total_flops",
        "ubuntu_version",
        "verification",
        "verified",
        "vms_enabled",
        "geolocation",
        "cluster_id",
    ]
)
ALIASES = {
    "cuda_vers": "cuda_max_good",
    "display_active": "gpu_display_active",
    "dlperf_usd": "dlperf_per_dphtotal",
    "dph": "dph_total",
    "flops_usd": "flops_per_dphtotal",
}
# Appended by Vast's official client unless told not to (`--no-default`): without them a
# group may recruit unverified machines, or machines someone else rents.
DEFAULT_FILTERS = "verified=True rentable=True rented=False"
# Offers one search returns at most (ordered by price, the priciest first).
OFFER_LIMIT = 500
# The query language writes these in GB (days for duration); offers hold MB (seconds).
# Vast's own client converts them when it searches (vastai's offers_mult).
UNIT_MULTIPLIERS: dict[str, float] = {
    "gpu_ram": 1000,
    "cpu_ram": 1000,
    "gpu_total_ram": 1000,
    "duration": 86400.0,
}

_TERM = re.compile(
    r"([a-zA-Z0-9_]+)( *[=><!]+| +(?:[lg]te?|nin|neq|eq|not ?eq|not ?in|in) )?( *)"
    r"(\[[^\]]+\]|\"[^\"]+\"|[^ ]+)?( *)"
)
_OPERATORS = {
    ">=": "gte", ">": "gt", "gt": "gt", "gte": "gte", "<=": "lte", "<": "lt", "lt": "lt",
    "lte": "lte", "!=": "neq", "==": "eq", "=": "eq", "eq": "eq", "neq": "neq",
    "noteq": "neq", "not eq": "neq", "notin": "notin", "not in": "notin", "nin": "notin",
    "in": "in",
}  # fmt: skip
_SYMBOLS = {"eq": "=", "neq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_WILDCARDS = ("?", "*", "any")


class OfferQueryError(ValueError):
    """Text that is not a query Vast would read as the user meant it."""


def parse(text: str) -> Query:
    """Parse ``text`` into Vast's stored form; raise ``OfferQueryError`` naming the problem."""
    text = text.strip()
    terms = _TERM.findall(text)
    if "".join("".join(term) for term in terms) != text:
        raise OfferQueryError(
            f"cannot read {text!r} as an offer query: write space-separated terms such as "
            "gpu_name=RTX_4090 num_gpus>=1 (use _ for spaces inside a value)"
        )
    query: Query = {}
    for field, raw_op, _, raw_value, _ in terms:
        field = ALIASES.get(field, field)
        op = _OPERATORS.get(raw_op.strip())
        if op is None:
            shown = raw_op.strip() or "(none)"
            raise OfferQueryError(
                f"term {field!r} has no valid operator ({shown}): write it as "
                f"{field}=value, {field}>=value, ... (for example gpu_name=RTX_4090)"
            )
        if field not in OFFER_FIELDS:
            raise OfferQueryError(f"unknown offer field {field!r}{_suggestion(field)}")
        value = raw_value.strip(",[]")
        if not value:
            raise OfferQueryError(f"term {field!r} has no value")
        if value in _WILDCARDS:
            if op != "eq":
                raise OfferQueryError(f"the wildcard {value!r} only works with = (in {field!r})")
            query.pop(field, None)
            continue
        if op in ("in", "notin"):
            items = [item.strip() for item in value.split(",") if item.strip()]
            query.setdefault(field, {})[op] = [_scalar(item) for item in items]
        else:
            query.setdefault(field, {})[op] = _scalar(value)
    return query


def check_stored(query: Any) -> None:
    """Check a query given in Vast's stored form, ``{"field": {"op": value}}``."""
    if not isinstance(query, dict):
        raise OfferQueryError('write it as {"field": {"op": value}}')
    for field, conditions in query.items():
        if ALIASES.get(field, field) not in OFFER_FIELDS:
            raise OfferQueryError(f"unknown offer field {field!r}{_suggestion(field)}")
        if not isinstance(conditions, dict) or not conditions:
            raise OfferQueryError(f'{field!r} needs conditions such as {{"gte": 1}}')
        for op in conditions:
            if op not in set(_OPERATORS.values()):
                ops = ", ".join(sorted(set(_OPERATORS.values())))
                raise OfferQueryError(f"{field!r} has an unknown operator {op!r} (use {ops})")


def in_offer_units(query: Query) -> Query:
    """A stored query with GB and days turned into the MB and seconds offers hold."""
    return {field: _scaled_condition(field, cond) for field, cond in query.items()}


def search_body(
    text: str, *, storage_gb: float, limit: int, order: tuple[str, str] = ("dph_total", "desc")
) -> dict[str, Any]:
    """The body of Vast's offer search (``POST /bundles/``) for ``text``, as Vast's own
    client sends it: the query in offer units, an order, a limit, on-demand prices for a
    disk of ``storage_gb``."""
    return {
        **in_offer_units(parse(text)),
        "order": [list(order)],
        "type": "on-demand",
        "limit": int(limit),
        "allocated_storage": float(storage_gb),
    }


def as_sent(text: str | None, *, defaults: bool = True, price_cap: float | None = None) -> str:
    """A workergroup's search as it is sent: the default filters (unless turned off), then
    the price cap (``dph_total<=cap``) if there is one."""
    if defaults:
        text = with_defaults(text)
    if price_cap is not None:
        text = with_price_cap(text, price_cap)
    return text or ""


def with_price_cap(text: str | None, cap: float) -> str:
    """``text`` that also caps what an offer costs: ``dph_total<=cap`` ($/h, GPU and disk)."""
    return " ".join(part for part in [(text or "").strip(), f"dph_total<={cap:g}"] if part)


def with_defaults(text: str | None) -> str:
    """Append the default filters whose fields ``text`` does not set itself."""
    own = parse(text or "")
    extra = [term for term in DEFAULT_FILTERS.split() if term.split("=")[0] not in own]
    return " ".join(part for part in [(text or "").strip(), *extra] if part)


def same_query(a: Any, b: Any) -> bool:
    """Whether two stored (or textual) queries select the same offers."""
    return bool(_canonical(a) == _canonical(b))


def stored_form(query: Any) -> Query | None:
    """A stored query in the form we write, whatever form Vast kept it in; None when it is
    not a query we can read (then nothing can be said of what it selects).

    Forms read: ours (``{"gpu_ram": {"gte": 24}}``), values as text (``"24"``, ``"True"``),
    and the operator split into the field (``{"gpu_ram>": {"eq": "24"}}``, what a server
    that splits ``gpu_ram>=24`` at its ``=`` keeps).
    """
    if not isinstance(query, dict):
        return None
    known_ops = set(_OPERATORS.values())
    stored: Query = {}
    for raw_field, conditions in query.items():
        if not isinstance(raw_field, str) or not isinstance(conditions, dict) or not conditions:
            return None
        field, extra = _split_field(raw_field)
        field = ALIASES.get(field, field)
        if field not in OFFER_FIELDS:
            return None
        for op, value in conditions.items():
            if extra:
                op = _OPERATORS.get(extra + "=") if op == "eq" else None
            if op not in known_ops:
                return None
            stored.setdefault(field, {})[op] = _typed(value)
    return stored


def _split_field(raw: str) -> tuple[str, str]:
    """``"gpu_ram>"`` -> (``gpu_ram``, ``>``); a plain field has no operator part."""
    field = raw.rstrip("<>!= ")
    return field, raw[len(field) :].strip().rstrip("=")


def _typed(value: Any) -> Any:
    """A stored value as our parser would have typed it (text "24" is 24, "True" True)."""
    if isinstance(value, list):
        return [_typed(item) for item in value]
    if isinstance(value, str):
        typed = _scalar(value)
        return value if isinstance(typed, str) else typed
    return value


def render(query: Query) -> str:
    """Write a stored query back as text (used to show drift)."""
    terms = []
    for field, conditions in query.items():
        for op, value in conditions.items():
            if isinstance(value, list):
                listed = ",".join(_text(item) for item in value)
                terms.append(f"{field} {'nin' if op == 'notin' else 'in'} [{listed}]")
            else:
                terms.append(f"{field}{_SYMBOLS.get(op, '=')}{_text(value)}")
    return " ".join(terms)


def _scalar(raw: str) -> Any:
    value = raw.strip('"').replace("_", " ")
    if value in ("true", "True"):
        return True
    if value in ("false", "False"):
        return False
    if value in ("None", "null"):
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    if not math.isfinite(number):
        return value
    return int(number) if number.is_integer() and re.fullmatch(r"-?\d+", value) else number


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value).replace(" ", "_")


def _canonical(query: Any) -> Any:
    if isinstance(query, str):
        try:
            query = parse(query)
        except OfferQueryError:
            return query.strip()
    if not isinstance(query, dict):
        return query
    query = stored_form(query) or query
    return {
        ALIASES.get(field, field): {
            op: _canonical_value(value) for op, value in (conditions or {}).items()
        }
        for field, conditions in query.items()
        if isinstance(conditions, dict)
    }


def _canonical_value(value: Any) -> Any:
    if isinstance(value, list):
        return sorted((_canonical_value(item) for item in value), key=repr)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip('"').replace("_", " ").strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return float(text)
    except ValueError:
        return text.lower()


def _scaled_condition(field: str, condition: Any) -> Any:
    factor = UNIT_MULTIPLIERS.get(field)
    if factor is None or not isinstance(condition, dict):
        return condition
    return {op: _scaled(value, factor) for op, value in condition.items()}


def _scaled(value: Any, factor: float) -> Any:
    if isinstance(value, list):
        return [_scaled(item, factor) for item in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value * factor
    return value


def _suggestion(field: str) -> str:
    close = difflib.get_close_matches(field, sorted(OFFER_FIELDS | set(ALIASES)), n=1)
    return f" (did you mean {close[0]!r}?)" if close else " (see `vastai search offers --help`)"
