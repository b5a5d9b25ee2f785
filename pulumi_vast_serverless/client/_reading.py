"""Reading Vast's answers: every field we use, in the form we use, whatever form it came in.

APIs change without notice: a number comes back as text, an integer as a float, a field
null or gone, an id under another key Vast's documents use, a list of one where an
object was, a stored search in another parsed form. Reading is tolerant (writing stays
as the documents say): each plausible form is read, and the first time in a process that
a route answers a field in another form than the documents give, the process says so
once (naming the route and the field). What cannot be read at all raises
``VastAnswerError``: one line naming the route, the field and what came back.

Fields we do not read (an unknown extra field) pass through untouched and unremarked:
they change nothing we do, and ``scripts/conformance.py`` shows them in a live record.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from .._types import Row
from . import _offer_query

Kind = Literal["int", "number", "text", "flag", "query", "object", "time"]

# Fields each collection's rows carry that we read, and their kind (backend GET files).
_COMMON: dict[str, Kind] = {"id": "int", "user_id": "int", "created_at": "time"}
ENDPOINT_FIELDS: dict[str, Kind] = {
    **_COMMON,
    "endpoint_name": "text",
    "min_load": "number",
    "min_cold_load": "number",
    "target_util": "number",
    "cold_mult": "number",
    "cold_workers": "int",
    "max_workers": "int",
    "max_queue_time": "number",
    "target_queue_time": "number",
    "inactivity_timeout": "int",
    "endpoint_state": "text",
    "auto_delete_in_seconds": "number",
    "auto_delete_due_24h": "flag",
}
WORKERGROUP_FIELDS: dict[str, Kind] = {
    **_COMMON,
    "endpoint_id": "int",
    "endpoint_name": "text",
    "template_hash": "text",
    "template_id": "int",
    "search_query": "query",
    "search_params": "text",
    "launch_args": "text",
    "gpu_ram": "number",
    "min_load": "number",
    "target_util": "number",
    "cold_mult": "number",
    "cold_workers": "int",
    "test_workers": "int",
    "max_workers": "int",
}
TEMPLATE_FIELDS: dict[str, Kind] = {
    **_COMMON,
    "hash_id": "text",
    "creator_id": "int",
    "name": "text",
    "image": "text",
    "tag": "text",
    "env": "text",
    "onstart": "text",
    "runtype": "text",
    "args_str": "text",
    "ssh_direct": "flag",
    "jup_direct": "flag",
    "use_ssh": "flag",
    "use_jupyter_lab": "flag",
    "jupyter_dir": "text",
    "docker_login_repo": "text",
    "docker_login_user": "text",
    "docker_login_pass": "text",
    "extra_filters": "query",
    "recommended_disk_space": "number",
    "private": "flag",
    "desc": "text",
    "readme": "text",
    "href": "text",
    "repo": "text",
}
# Other keys Vast's documents give the same ids under (delete and update bodies, Vast's
# own client): read when the usual key is missing.
ALIASES: dict[str, str] = {"endptjob_id": "endpoint_id", "autojob_id": "id"}
# Never shown in a message: rows carry the account's key, templates tokens and passwords.
SECRET_FIELDS = frozenset({"api_key", "env", "docker_login_pass", "launch_args"})
# Fields a row must have for us to use it at all.
REQUIRED = frozenset({"id"})
# Fields Vast's documents show in every row of their collection, but the id: one left out
# is a change worth a word (their last known values are kept; drift on them is not seen).
ALWAYS_SHOWN = frozenset(
    {"endpoint_name", "endpoint_id", "endpoint_state", "inactivity_timeout", "gpu_ram"}
    | {"search_query", "template_hash", "template_id", "launch_args", "hash_id", "image"}
)

_KIND_WORDS = {
    "int": "a whole number",
    "number": "a number",
    "text": "text",
    "flag": "true or false",
    "query": "an offer query",
    "object": "an object",
    "time": "a time",
}
CONFORMANCE_HINT = (
    "Vast may have changed its API: `make test-live` records what it answers, and "
    "`python scripts/conformance.py RECORD` lists what differs from its documents."
)


class UnreadableError(ValueError):
    """A field's value that no reading of its kind accepts."""


class AnswerReader:
    """Reads rows and answers for one client; says each new difference once per process."""

    def __init__(self, notice: Callable[[str], None]) -> None:
        self._notice = notice
        self._said: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def rows(self, route: str, fields: Mapping[str, Kind], raws: Iterable[Any]) -> list[Row]:
        """Every row of a list answer (one object where a list was is one row)."""
        differences: dict[str, str] = {}
        if isinstance(raws, dict):
            differences["results"] = "an object where a list was"
            raws = [raws]
        rows = [self._row(fields, raw, differences) for raw in raws if isinstance(raw, dict)]
        self._say(route, differences)
        return rows

    def row(self, route: str, fields: Mapping[str, Kind], raw: Row) -> Row:
        """One row: known fields read into their kind, the account's key dropped."""
        differences: dict[str, str] = {}
        row = self._row(fields, raw, differences)
        self._say(route, differences)
        return row

    def _row(self, fields: Mapping[str, Kind], raw: Row, differences: dict[str, str]) -> Row:
        row = {key: value for key, value in raw.items() if key != "api_key"}
        for alias, name in ALIASES.items():
            if name in fields and row.get(name) is None and row.get(alias) is not None:
                row[name] = row[alias]
                differences.setdefault(name, f"under {alias!r}")
        for name, kind in fields.items():
            if name not in row:
                if name in REQUIRED:
                    raise UnreadableError(f"{name} is missing")
                if name in ALWAYS_SHOWN:
                    differences.setdefault(name, "left out")
                continue
            value, difference = read_value(kind, row[name], name)
            if difference:
                differences.setdefault(name, difference)
            row[name] = value
        query = row.get("search_query")
        if row.get("search_params") is None and isinstance(query, str):
            row["search_params"] = query
        return row

    def one(self, route: str, name: str, value: Any) -> Row | None:
        """An object of an answer; a list of exactly one is read as that one."""
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
            self._say(route, {name: "a list of one where an object was"})
            return value[0]
        return value if isinstance(value, dict) else None

    def _say(self, route: str, differences: dict[str, str]) -> None:
        """One notice per route for the fields not yet reported on it by this process."""
        with self._lock:
            new = {n: d for n, d in differences.items() if (route, n) not in self._said}
            self._said.update((route, name) for name in new)
        if new:
            by_how: dict[str, list[str]] = {}
            for name, how in sorted(new.items()):
                by_how.setdefault(how, []).append(name)
            listed = "; ".join(f"{', '.join(names)} {how}" for how, names in by_how.items())
            self._notice(
                f"Vast answered {route} in a shape its documents do not give ({listed}); "
                f"read as this release understands it. {CONFORMANCE_HINT}"
            )


def read_value(kind: Kind, value: Any, name: str = "") -> tuple[Any, str]:
    """``value`` in ``kind``'s form, and how it differed ("" when it did not).

    None stays None: a null field means Vast did not say (callers keep what they knew).
    """
    if value is None:
        return None, ""
    reader = _READERS[kind]
    try:
        return reader(value)
    except (TypeError, ValueError, OverflowError):
        message = f"{name} came back as {shown(name, value)}, not {_KIND_WORDS[kind]}"
        raise UnreadableError(message) from None


def shown(name: str, value: Any) -> str:
    """A value as a message may show it: secrets never, long values cut."""
    if name in SECRET_FIELDS:
        return f"(secret, {type(value).__name__})"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _int(value: Any) -> tuple[int, str]:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value, ""
    # JSON has one number type: 5.0 for a whole number is no change worth a word.
    number, how = _number(value)
    if not number.is_integer():
        raise ValueError(value)
    return int(number), how


def _number(value: Any) -> tuple[float, str]:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        number, how = float(value), ""
    elif isinstance(value, str) and value.strip():
        number, how = float(value.strip()), "as text"
    else:
        raise ValueError(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number, how


def _text(value: Any) -> tuple[str, str]:
    if isinstance(value, str):
        return value, ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (str(int(value)) if float(value).is_integer() else str(value)), "as a number"
    raise ValueError(value)


def _flag(value: Any) -> tuple[bool, str]:
    if isinstance(value, bool):
        return value, ""
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value), "as a number"
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1"), "as text"
    raise ValueError(value)


def _query(value: Any) -> tuple[Any, str]:
    if isinstance(value, str):  # a textual search, as older rows had it
        return value, ""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    stored = _offer_query.stored_form(value)
    if stored is None:
        # A form we cannot read: kept as it is. Nothing can be said of what it selects, so
        # reconciliation does not weigh it, and drift is not claimed on it.
        return value, "in a form this release cannot read"
    return stored, "" if stored == value else "in another stored form"


def _object(value: Any) -> tuple[Any, str]:
    if isinstance(value, dict):
        return value, ""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return value[0], "as a list of one"
    raise ValueError(value)


def _time(value: Any) -> tuple[str | None, str]:
    return iso_timestamp(value), ""


_READERS: dict[str, Callable[[Any], tuple[Any, str]]] = {
    "int": _int,
    "number": _number,
    "text": _text,
    "flag": _flag,
    "query": _query,
    "object": _object,
    "time": _time,
}


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
