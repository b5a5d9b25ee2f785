"""Normalisation of what Vast returns, applied before anything else sees a row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import _offer_query

Row = dict[str, Any]

# Rows carry the account's API key; it is a secret and nothing downstream needs it.
_SECRET_FIELDS = frozenset({"api_key"})


def normalize_row(raw: Row) -> Row:
    """Return a clean copy of a list row.

    Drops secret fields, makes ``id``/``endpoint_id`` ints, turns ``created_at`` into an
    ISO 8601 UTC string, and fills ``search_params`` from a textual ``search_query``.
    """
    row = {key: value for key, value in raw.items() if key not in _SECRET_FIELDS}
    for key in ("id", "endpoint_id", "user_id"):
        if row.get(key) is not None:
            row[key] = int(row[key])
    if "created_at" in row:
        row["created_at"] = iso_timestamp(row["created_at"])
    query = row.get("search_query")
    if row.get("search_params") is None and isinstance(query, str):
        row["search_params"] = query
    return row


def iso_timestamp(value: Any) -> str | None:
    """Return ``value`` (Unix seconds or an ISO string) as ISO 8601 in UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
    else:
        text = str(value).strip()
        try:
            moment = dt.datetime.fromtimestamp(float(text), tz=dt.UTC)
        except ValueError:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def created_id(body: Row) -> int | None:
    """Return the id a create answered with: ``result`` (endpoints) or ``id`` (spec)."""
    for key in ("result", "id"):
        value = body.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return int(value)
    return None


def same_value(a: Any, b: Any) -> bool:
    """Compare two field values the way Vast stores them (5 == 5.0, but True != 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return bool(a == b)


def matches_sent(row: Row, sent: Row) -> bool:
    """Whether ``row`` holds every field of a create body ``sent``, as Vast stores it.

    Vast stores ``search_params`` parsed, as ``search_query``; fields Vast does not show in
    its rows (``max_workers`` of a workergroup, say) cannot be compared and are skipped.
    """
    for name, value in sent.items():
        if value is None:
            continue
        if name == "search_params" and "search_query" in row:
            if not _offer_query.same_query(row["search_query"], value):
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
