"""Where two conformance records differ: statuses, fields, types and texts, route by route.

Counts and order are not compared: how many lists a run sends depends on timing, and so
does which provider process sends them. What is compared is what Vast answers with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..client import Record, Shape, flatten, merge


@dataclass
class _Answers:
    """Everything one route answered with one status."""

    sent: Shape = None
    answer: Shape = None
    texts: set[str] = field(default_factory=set)


def summarize(exchanges: Iterable[dict[str, Any]]) -> dict[str, dict[int, _Answers]]:
    """Per ``api route``, per status: the merged shapes and the texts."""
    routes: dict[str, dict[int, _Answers]] = defaultdict(dict)
    for exchange in exchanges:
        key = f"{exchange['route']}" + (" (autoscaler)" if exchange["api"] != "api" else "")
        seen = routes[key].setdefault(int(exchange["status"]), _Answers())
        for name in ("sent", "answer"):
            shape = exchange[name]
            if shape is not None:
                old = getattr(seen, name)
                setattr(seen, name, shape if old is None else merge(old, shape))
        seen.texts.update(f"{k}: {v}" for k, v in exchange["texts"].items())
    return dict(routes)


def differences(record: Record, release: Record) -> list[str]:
    """One line per difference between a run's record and this release's (a replay)."""
    ours, theirs = summarize(record.exchanges), summarize(release.exchanges)
    lines: list[str] = []
    for route in sorted(ours.keys() | theirs.keys()):
        if route not in theirs:
            lines.append(f"{route}: called in the record only")
            continue
        if route not in ours:
            lines.append(f"{route}: called in this release only")
            continue
        for status in sorted(ours[route].keys() | theirs[route].keys()):
            where = f"{route} -> {status}"
            if status not in theirs[route]:
                lines.append(f"{where}: in the record only{_texts_of(ours[route][status])}")
            elif status not in ours[route]:
                lines.append(f"{where}: in this release only{_texts_of(theirs[route][status])}")
            else:
                lines.extend(_compare(where, ours[route][status], theirs[route][status]))
    for name in sorted(record.findings.keys() & release.findings.keys()):
        if record.findings[name] != release.findings[name]:
            lines.append(
                f"{name}: {record.findings[name]} in the record, "
                f"{release.findings[name]} in this release"
            )
    return lines


def _texts_of(answers: _Answers) -> str:
    return f" ({'; '.join(sorted(answers.texts))})" if answers.texts else ""


def _compare(where: str, ours: _Answers, theirs: _Answers) -> list[str]:
    lines = [
        f"{where}: {part} {line}"
        for part in ("sent", "answer")
        for line in _field_differences(getattr(ours, part), getattr(theirs, part))
    ]
    lines += [f"{where}: text in the record only: {t}" for t in sorted(ours.texts - theirs.texts)]
    lines += [f"{where}: text in this release only: {t}" for t in sorted(theirs.texts - ours.texts)]
    return lines


def _field_differences(ours: Shape, theirs: Shape) -> list[str]:
    a, b = dict(flatten(ours)), dict(flatten(theirs))
    lines: list[str] = []
    reported: list[str] = []
    for path in sorted(a.keys() | b.keys()):
        if any(path.startswith((f"{p}.", f"{p}[]")) for p in reported):
            continue  # inside a field already reported missing
        if path not in b:
            lines.append(f"{path}: {a[path]} in the record, missing from this release")
            reported.append(path)
        elif path not in a:
            lines.append(f"{path}: missing from the record, {b[path]} in this release")
            reported.append(path)
        elif a[path] != b[path]:
            lines.append(f"{path}: {a[path]} in the record, {b[path]} in this release")
    return lines


def verdict(record: Record, found: list[str], against: str) -> str:
    """The one-line conclusion."""
    routes = len(summarize(record.exchanges))
    made = f"{len(record.exchanges)} exchanges on {routes} routes"
    if not found:
        return f"conformance: the record matches {against} ({made})"
    if record.header.get("target") == "vast":
        return (
            f"conformance: Vast now differs from what this release was built for: "
            f"{len(found)} difference(s) from {against} ({made}); send this output and the "
            "record with an issue"
        )
    return f"conformance: {len(found)} difference(s) from {against} ({made})"
