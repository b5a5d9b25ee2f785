"""What one provider process owns, and what one call knows of the host serving it.

``ProviderRuntime`` owns what outlives a call: the clients (one per key and URL, each with
its pacers and list caches, so every resource of the process shares them), the groups
the engine replaces in this run, the warnings already given, and the cancel event a
Ctrl-C sets. ``CallContext`` is what one call may do towards its user: warn about its
resource, show progress on its row, see whether the run was cancelled.

A host fills them: Pulumi's dynamic-provider host through ``_host`` (which finds the
call's URN in the host's request), another host directly (``serving``). Outside any host
(tests, a program's own lookups) warnings go to stderr and progress nowhere.
"""

from __future__ import annotations

import contextvars
import hashlib
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..client import VastConfigError
from ._settings import MISSING_KEY, ProviderSettings, program_settings

if TYPE_CHECKING:
    from ..client import VastClient
    from ._creates import Creates


@dataclass(frozen=True)
class CallContext:
    """What one provider call knows of its host."""

    #: The resource the call works on ("" when the host does not say).
    urn: str = ""
    #: A warning about that resource, shown at preview and up.
    warn: Callable[[str], None] = field(default=lambda text: _to_stderr(f"warning: {text}"))
    #: Progress on the resource's row while the call works (not kept in the summary).
    progress: Callable[[str], None] = field(default=lambda text: None)
    #: Set once the engine asked the process to cancel (Ctrl-C).
    cancelled: threading.Event = field(default_factory=threading.Event)


class Host(Protocol):
    """How a host tells its user things: per call, and about the whole run."""

    def context(self, cancelled: threading.Event) -> CallContext:
        """The context of the call this thread serves."""

    def announce(self, text: str) -> None:
        """Something about the whole run (a queue behind Vast's rate limit)."""


class PlainHost:
    """No host: warnings and announcements to stderr, progress nowhere."""

    def context(self, cancelled: threading.Event) -> CallContext:
        """A context without a resource."""
        return CallContext(cancelled=cancelled)

    def announce(self, text: str) -> None:
        """Print ``text`` to stderr."""
        _to_stderr(text)


class ProviderRuntime:
    """What one provider process owns (see the module's docstring)."""

    def __init__(self, host: Host | None = None) -> None:
        self.host: Host = host or PlainHost()
        self.cancelled = threading.Event()
        self._clients: dict[tuple[str, str], VastClient] = {}
        self._creates: dict[int, Creates] = {}
        self._replacing: set[int] = set()
        self._lock = threading.Lock()

    def context(self) -> CallContext:
        """The context of the call this thread serves: the one a host set for it
        (``serving``), else the host's own view of it."""
        given = _current.get()
        return given if given is not None else self.host.context(self.cancelled)

    def client(self, settings: ProviderSettings) -> VastClient:
        """The process's client for these settings, so providers share pacers and caches.

        Settings that cannot be right (no key, a config problem) are refused before any
        client exists: no request ever leaves with them.
        """
        if not settings.api_key:
            raise VastConfigError(MISSING_KEY)
        if settings.config_problems:
            raise VastConfigError(settings.config_problems[0])
        from ..client import VastClient  # the HTTP stack, on first use

        fingerprint = hashlib.sha256(settings.api_key.encode()).hexdigest()
        with self._lock:
            client = self._clients.get((settings.base_url, fingerprint))
            if client is None:
                client = VastClient(
                    settings.api_key,
                    base_url=settings.base_url,
                    announce=self.host.announce,
                    notice=lambda text: self.context().warn(text),
                )
                self._clients[(settings.base_url, fingerprint)] = client
            return client

    def creates(self, settings: ProviderSettings) -> Creates:
        """The creates of the client for these settings, and what they took."""
        from ._creates import Creates  # with the HTTP stack, on first use

        client = self.client(settings)
        with self._lock:
            return self._creates.setdefault(id(client), Creates(client))

    def replacing(self, group_id: int) -> None:
        """Note that the engine replaces ``group_id`` in this run (its diff said so): its
        successor's create must not take it for a twin, since the engine deletes it next."""
        with self._lock:
            self._replacing.add(group_id)

    def is_replacing(self, group_id: int) -> bool:
        """Whether the engine replaces ``group_id`` in this run."""
        with self._lock:
            return group_id in self._replacing


_current: contextvars.ContextVar[CallContext | None] = contextvars.ContextVar(
    "vast_call", default=None
)
_runtime = ProviderRuntime()
_runtime_lock = threading.Lock()


def runtime() -> ProviderRuntime:
    """This process's runtime."""
    return _runtime


def program_client() -> VastClient:
    """The client of a program's own reads (lookups, spend): the stack's settings, else the
    environment's."""
    return _runtime.client(program_settings())


def use_host(host: Host) -> ProviderRuntime:
    """Serve this process's calls through ``host`` (its runtime keeps what it owns)."""
    with _runtime_lock:
        _runtime.host = host
    return _runtime


@contextmanager
def serving(context: CallContext) -> Iterator[None]:
    """Run a call with ``context`` (for a host that knows its call's resource itself)."""
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def _to_stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
