"""Where a route's pacing state lives: in this process, or shared by the machine's processes.

Vast counts requests per route and per identity (its key, and its IP address), not per
process: the
stacks of a CI matrix or a monorepo, run at once on one machine, draw on one budget. So by
default every process on the machine shares it, through one small JSON file per API host
in the user's cache directory, read and written under a lock file. ``VAST_PACING_DIR``
moves that directory; ``VAST_PACING_DIR=off`` keeps each process to its own budget (as
processes on different machines are: there, the pacer's own adaptation does the sharing).
A cache directory that cannot be written falls back to the process's own budget.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

import filelock
import platformdirs

log = logging.getLogger(__name__)

PACING_DIR_ENV = "VAST_PACING_DIR"
# A lock held longer than this is a stuck process: pace alone rather than wait for it.
LOCK_TIMEOUT = 5.0
# Grants and holds further ahead than this come from a clock that jumped: forget them.
HORIZON = 120.0
# The budget of the host as a whole (its holds and strictness), beside its routes'.
HOST = "*"


@dataclass
class RouteBudget:
    """One route's pacing state: what was granted, what Vast asked, the rate in force."""

    #: Send times, oldest first: departures still within an interval (an answered one moved
    #: back to its answer, see ``_pacing``) and grants booked ahead.
    granted: list[float] = field(default_factory=list)
    #: Those of ``granted`` still ahead that yield (see ``_pacing``): a request that does
    #: not yield may be booked before them.
    yielding: list[float] = field(default_factory=list)
    #: Nothing is granted before this (Vast's Retry-After).
    hold_until: float = 0.0
    #: Seconds between two requests as Vast's answers taught (None: the documented ones).
    interval: float | None = None
    #: When it was learned (it is forgotten a while after, see ``_pacing.MEMORY``).
    learned_at: float = -math.inf
    #: When the interval was last doubled for a 429 that said nothing (once per burst).
    cut_at: float = -math.inf
    #: Of the host's budget (``HOST``): how much stricter than documented Vast was found.
    strictness: float = 1.0


class Budgets(Protocol):
    """Route budgets edited one at a time, on one clock."""

    def now(self) -> float:
        """The clock the budgets' times are on."""
        ...

    def edit(self, route: str) -> contextlib.AbstractContextManager[RouteBudget]:
        """Hold ``route``'s budget for a read-modify-write; changes are kept on exit."""
        ...

    def edit_with_host(
        self, route: str
    ) -> contextlib.AbstractContextManager[tuple[RouteBudget, RouteBudget]]:
        """Hold ``route``'s budget and the host's (``HOST``) in one read-modify-write."""
        ...


class ProcessBudgets:
    """Budgets of this process alone (every client and thread in it)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.now = clock
        self._lock = threading.Lock()
        self._routes: dict[str, RouteBudget] = {}

    @contextlib.contextmanager
    def edit(self, route: str) -> Iterator[RouteBudget]:
        with self._lock:
            yield self._routes.setdefault(route, RouteBudget())

    @contextlib.contextmanager
    def edit_with_host(self, route: str) -> Iterator[tuple[RouteBudget, RouteBudget]]:
        with self._lock:
            host = self._routes.setdefault(HOST, RouteBudget())
            yield self._routes.setdefault(route, RouteBudget()), host


class MachineBudgets:
    """Budgets every process of this machine shares for one API host, in one file."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.now = clock
        self._thread_lock = threading.Lock()
        self._file_lock = filelock.FileLock(str(path) + ".lock")
        self._fallback = ProcessBudgets(clock)
        self._failed = False

    @contextlib.contextmanager
    def edit(self, route: str) -> Iterator[RouteBudget]:
        with self._held(route) as (budget,):
            yield budget

    @contextlib.contextmanager
    def edit_with_host(self, route: str) -> Iterator[tuple[RouteBudget, RouteBudget]]:
        with self._held(route, HOST) as (budget, host):
            yield budget, host

    @contextlib.contextmanager
    def _held(self, *names: str) -> Iterator[list[RouteBudget]]:
        """The budgets of ``names``, read once and written back once if changed."""
        if self._failed:
            with self._fallback_held(names) as budgets:
                yield budgets
            return
        with self._thread_lock:
            try:
                self._file_lock.acquire(timeout=LOCK_TIMEOUT, poll_interval=0.001)
            except (OSError, filelock.Timeout) as exc:
                self._give_up(exc)
                with self._fallback_held(names) as budgets:
                    yield budgets
                return
            try:
                routes = self._read()
                budgets = [routes.setdefault(name, RouteBudget()) for name in names]
                before = [asdict(budget) for budget in budgets]
                yield budgets
                if [asdict(budget) for budget in budgets] != before:  # a look writes nothing
                    self._write(routes)
            except OSError as exc:
                self._give_up(exc)
            finally:
                self._file_lock.release()

    @contextlib.contextmanager
    def _fallback_held(self, names: tuple[str, ...]) -> Iterator[list[RouteBudget]]:
        if len(names) == 1:
            with self._fallback.edit(names[0]) as budget:
                yield [budget]
        else:
            with self._fallback.edit_with_host(names[0]) as pair:
                yield list(pair)

    def _read(self) -> dict[str, RouteBudget]:
        try:
            raw = json.loads(self.path.read_text())
            now = self.now()
            return {route: _sane(RouteBudget(**fields), now) for route, fields in raw.items()}
        except FileNotFoundError:
            return {}
        except (ValueError, TypeError, AttributeError):  # a torn or foreign file: start over
            return {}

    def _write(self, routes: dict[str, RouteBudget]) -> None:
        # Written whole and renamed into place, so a reader never sees half a file.
        text = json.dumps({route: asdict(budget) for route, budget in routes.items()})
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".budget-")
        try:
            with os.fdopen(handle, "w") as out:
                out.write(text)
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def _give_up(self, exc: BaseException) -> None:
        """Pace alone from now on: sharing is an optimisation, never a reason to fail."""
        self._failed = True
        log.debug("pacing budget %s unusable (%s); pacing this process alone", self.path, exc)


def _sane(budget: RouteBudget, now: float) -> RouteBudget:
    """Drop what a clock jump left in the future."""
    budget.granted = [float(at) for at in budget.granted if at <= now + HORIZON]
    budget.yielding = [float(at) for at in budget.yielding if at in budget.granted]
    budget.hold_until = min(float(budget.hold_until), now + HORIZON)
    budget.cut_at = min(float(budget.cut_at), now)
    budget.learned_at = min(float(budget.learned_at), now)
    return budget


def pacing_dir(env: dict[str, str] | None = None) -> Path | None:
    """Where machine budgets live, or None when each process paces alone."""
    value = (os.environ if env is None else env).get(PACING_DIR_ENV)
    if value is not None and value.strip().lower() in ("", "off"):
        return None
    if value:
        return Path(value).expanduser()
    return Path(platformdirs.user_cache_dir("pulumi-vast-serverless")) / "pacing"


def budgets_for(host: str) -> Budgets:
    """The budgets of API ``host``: the machine's when its directory can be made."""
    directory = pacing_dir()
    if directory is None:
        return ProcessBudgets()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.debug("pacing directory %s unusable (%s); pacing this process alone", directory, exc)
        return ProcessBudgets()
    return MachineBudgets(directory / f"{re.sub(r'[^A-Za-z0-9.-]', '_', host)}.json")
