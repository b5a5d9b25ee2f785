"""Normalisation of what Vast returns, applied before anything else sees a row."""

from __future__ import annotations

from typing import Any

from .._types import Row
from . import _offer_query
from ._reading import AnswerReader, Kind, iso_timestamp

__all__ = ["created_id", "iso_timestamp", "matches_sent", "normalize_row", "object_id"]

# What any row may carry, whatever its collection (see ``_reading`` for each collection's).
_ANY_ROW: dict[str, Kind] = {
    "id": "int",
    "endpoint_id": "int",
    "user_id": "int",
    "created_at": "time",
    "search_query": "query",
}


def normalize_row(raw: Row) -> Row:
    """Return a clean copy of a row of unknown collection (see ``AnswerReader.row``).

    Drops the account key, makes ids ints, turns ``created_at`` into an ISO 8601 UTC
    string, and fills ``search_params`` from a textual ``search_query``.
    """
    return AnswerReader(lambda _: None).row("", _ANY_ROW, raw)


def created_id(body: Row) -> int | None:
    """Return the id a create answered with: ``result`` (endpoints) or ``id`` (spec)."""
    for key in ("result", "id"):
        value = body.get(key)
        if isinstance(value, list) and len(value) == 1:  # a list of one where a number was
            value = value[0]
        if isinstance(value, bool):
            continue
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
            return int(value)
    return None


def same_value(a: Any, b: Any) -> bool:
    """Compare two field values the way Vast stores them (5 == 5.0, but True != 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    a, b = _as_number(a, b), _as_number(b, a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return bool(a == b)


def _as_number(value: Any, other: Any) -> Any:
    """``value`` as a number when it is a number written as text and ``other`` is a
    number (an odd answer, or a state an earlier release stored)."""
    if isinstance(value, str) and isinstance(other, (int, float)) and not isinstance(other, bool):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def matches_sent(row: Row, sent: Row) -> bool:
    """Whether ``row`` holds every field of a create body ``sent``, as Vast stores it.

    Vast stores ``search_params`` parsed, as ``search_query``; fields Vast does not show in
    its rows (``max_workers`` of a workergroup, say) cannot be compared and are skipped.
    """
    for name, value in sent.items():
        if value is None:
            continue
        if name == "search_params" and "search_query" in row:
            # A stored form we cannot read says nothing: the other fields decide.
            known = isinstance(row["search_query"], str) or _offer_query.stored_form(
                row["search_query"]
            )
            if known and not _offer_query.same_query(row["search_query"], value):
                return False
        elif name in row and not same_value(row[name], value):
            return False
    return True


def object_id(value: int | str) -> int:
    """An object id as a user gives it (``42`` or ``"42"``); TypeError for anything else."""
    text = str(value).strip()
    if not text.isdigit():
        raise TypeError(f"an id is a positive whole number; got {value!r}")
    return int(text)
