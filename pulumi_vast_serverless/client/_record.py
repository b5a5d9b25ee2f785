"""Conformance records: one JSON line per exchange with Vast, shapes only.

A run turns recording on with ``VAST_CONFORMANCE_RECORD=<path>``; every process of the run
(the test process, each provider process the engine starts) appends to that file under a
lock. The first line, written by whoever starts the run, says what was recorded against.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock

from .._version import __version__
from ._shape import scrub_text, shape_of, strings_in

RECORD_ENV = "VAST_CONFORMANCE_RECORD"
FORMAT = "pulumi-vast-serverless conformance record"
# Where Vast puts its own words in an answer (see client._http._vast_message).
MESSAGE_FIELDS = ("msg", "message", "detail", "error_msg", "error")
_WORD = re.compile(r"[a-z_]+\Z")


@dataclass(frozen=True)
class Record:
    """A record's header, its exchanges, and what its probes found (name -> value)."""

    header: dict[str, Any]
    exchanges: list[dict[str, Any]]
    findings: dict[str, str] = field(default_factory=dict)


def start_record(path: Path, *, target: str) -> None:
    """Begin a record at ``path`` (replacing any): its header line."""
    header = {
        "format": FORMAT,
        "version": 1,
        "package": __version__,
        "target": target,
        "recorded_at": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
    path.write_text(json.dumps(header) + "\n", encoding="utf-8")


def read_record(path: Path) -> Record:
    """Read a record; ValueError says what is wrong with a file that is not one."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        entries = [json.loads(line) for line in lines]
    except json.JSONDecodeError as exc:
        message = f"{path}: line {exc.lineno} is not JSON: not a conformance record"
        raise ValueError(message) from None
    if not entries or entries[0].get("format") != FORMAT:
        raise ValueError(f"{path}: no {FORMAT!r} header: make one with `make test-live`")
    body = entries[1:]
    findings = {str(e["finding"]): str(e["value"]) for e in body if "finding" in e}
    return Record(entries[0], [e for e in body if "finding" not in e], findings)


@dataclass
class Recorder:
    """Appends exchanges to a record; what requests carried is scrubbed from answers' texts."""

    path: Path
    secrets: tuple[str, ...] = field(default=(), repr=False)
    _sent: set[str] = field(default_factory=set, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def exchange(
        self,
        *,
        api: str,
        route: str,
        params: list[str],
        sent: Any,
        status: int,
        answer: Any,
        json_answer: bool,
    ) -> None:
        """Append one exchange: ``route`` as ``METHOD /path/{id}/``, bodies as parsed JSON."""
        with self._guard:
            self._sent.update(strings_in(sent))
            values = (*self.secrets, *self._sent)
        entry = {
            "api": api,
            "route": _placeholders(route),
            "params": sorted(params),
            "status": status,
            "sent": shape_of(sent) if sent is not None else None,
            "answer": shape_of(answer) if json_answer else "not JSON",
            "texts": _texts(answer, values),
        }
        line = json.dumps(entry, sort_keys=True) + "\n"
        with FileLock(f"{self.path}.lock"), self.path.open("a", encoding="utf-8") as out:
            out.write(line)


def record_finding(path: Path, name: str, value: str, detail: str) -> None:
    """Append what a probe of the run found (``name`` is what, ``value`` the answer)."""
    line = json.dumps({"finding": name, "value": value, "detail": detail}, sort_keys=True)
    with FileLock(f"{path}.lock"), path.open("a", encoding="utf-8") as out:
        out.write(line + "\n")


def recorder_from_env(*secrets: str) -> Recorder | None:
    """The recorder this process's run asked for, if any."""
    path = os.environ.get(RECORD_ENV, "").strip()
    return Recorder(Path(path), secrets=secrets) if path else None


def _placeholders(route: str) -> str:
    """Every path segment that is not a plain word becomes ``{id}`` (ids, hashes)."""
    method, _, path = route.partition(" ")
    segments = [s if not s or _WORD.match(s) or s == "{id}" else "{id}" for s in path.split("/")]
    return f"{method} {'/'.join(segments)}"


def _texts(answer: Any, values: tuple[str, ...]) -> dict[str, str]:
    """Vast's own words in an answer (a bare JSON string counts as ``msg``), scrubbed."""
    if isinstance(answer, str):
        return {"msg": scrub_text(answer, values)}
    if not isinstance(answer, dict):
        return {}
    return {
        key: scrub_text(answer[key], values)
        for key in MESSAGE_FIELDS
        if isinstance(answer.get(key), str) and answer[key]
    }
