"""What we adjust in the dynamic-provider host: error text, and its number of workers.

Errors as users read them: one line at `pulumi up`, the whole traceback at `--debug`.
What the dynamic-provider host (``python -m pulumi.dynamic``, Pulumi's code) allows:

- it answers every exception of a provider call with ``traceback.format_exc()`` as the
  gRPC error detail, which the engine prints whole: 35 to 55 lines for one useful line;
- whatever the provider prints to stdout or stderr is shown to the user as a message at
  every verbosity, so it cannot hold detail "for later";
- the provider process gets no verbosity flag, only the engine's address (``argv[1]``);
  the engine's ``Log`` RPC at debug severity is shown only by ``pulumi up --debug``;
- ``Log`` with a resource's URN and ``ephemeral`` shows on that resource's row while it
  works (in the live display and in CI's line output) and is left out of the
  diagnostics summary: the one way a dynamic provider can report progress (``progress``;
  the URN is read from the host's request, since the provider is not given it).

So, in that host process only, ``traceback.format_exc`` answers our own errors
(``VastError``) with their one-line message and sends the traceback to the engine as a
debug log. Every other exception keeps Pulumi's behaviour. ``PULUMI_VAST_TRACEBACKS=1``
puts the whole traceback back into the error.

Start-up: the HTTP stack (requests, urllib3) loads in a background thread, beside the
engine's first round trips, rather than before the first check.

Workers: the host serves at most 4 calls at once (its gRPC server's thread pool). A call
waiting for its route's turn under Vast's rate limit holds one of them, so four paced
workergroup deletes stall every endpoint delete queued behind them, though the two
routes' limits are separate. Calls wait on per-route pacers, not on each other, so more
threads let each route go at its own limit: the pool is widened to ``HOST_WORKERS``
(found from the worker thread that runs the first call; if Pulumi's host changes shape,
nothing happens).

Cancel: on the first Ctrl-C the engine asks every provider to cancel (the ``Cancel``
RPC) and waits for the calls under way. Pulumi's host answers that RPC and does nothing
else, so a readiness wait would go on to its timeout. The host's handler for it is
wrapped (found in the server the host's ``main`` holds) to also set the runtime's
``cancelled``, which waits poll.

Calls: ``DynamicHost`` is how the runtime (``_runtime``) reaches the user from this host:
a call's warning goes to the resource it works on (check sees its URN too: the engine
shows it under that resource at preview and up), its progress to that resource's row.

Exit: at the end of every command the engine signals the host and waits for it to end.
Python's last garbage collection over everything pulumi, grpc and pydantic loaded made
most of that wait (0.1 s here, 0.01 s without it): at exit, once the host's calls have
finished (atexit runs after the pool's threads are joined), the objects are frozen out of
it.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import thread as thread_pool
from importlib import import_module
from typing import Any

from ..client import VastError
from ._runtime import CallContext, runtime, use_host

TRACEBACKS_ENV = "PULUMI_VAST_TRACEBACKS"
HOST_WORKERS = 16
_HOST_MODULE = "pulumi.dynamic.__main__"
_CANCEL_METHOD = "/pulumirpc.ResourceProvider/Cancel"
_installed = threading.Event()


def install() -> None:
    """Make our errors one line inside the dynamic-provider host; elsewhere do nothing."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is None or spec.name != _HOST_MODULE or _installed.is_set():
        return
    _installed.set()
    use_host(DynamicHost())
    widen_workers(HOST_WORKERS)
    hear_cancel()
    atexit.register(gc.freeze)
    # Check and diff need no HTTP stack; creates, reads and deletes do, moments later.
    # Load it meanwhile, beside the engine's round trips, not on the first create's path.
    threading.Thread(target=_load_http_stack, name="vast-warm-up", daemon=True).start()
    original = traceback.format_exc

    def format_exc(limit: int | None = None, chain: bool = True) -> str:
        error = sys.exc_info()[1]
        full = original(limit, chain)
        if not isinstance(error, VastError) or os.environ.get(TRACEBACKS_ENV):
            return full
        _debug_log(full)
        return one_line(error)

    traceback.format_exc = format_exc


def hear_cancel() -> bool:
    """Make the host's ``Cancel`` handler set ``cancelled`` too; False if the host's
    server cannot be found (Pulumi changed its shape: waits then run to their end)."""
    server = _host_server()
    state = getattr(server, "_state", None)
    for handler in getattr(state, "generic_handlers", []):
        methods = getattr(handler, "_method_handlers", None)
        if not isinstance(methods, dict):
            continue
        original = methods.get(_CANCEL_METHOD)
        if original is not None and callable(getattr(original, "unary_unary", None)):
            methods[_CANCEL_METHOD] = original._replace(
                unary_unary=_also_cancelling(original.unary_unary)
            )
            return True
    return False


def _also_cancelling(answer: Any) -> Any:
    """The host's Cancel handler, which also sets ``cancelled``."""

    def cancel(request: Any, context: Any) -> Any:
        runtime().cancelled.set()
        return answer(request, context)

    return cancel


def _host_server() -> Any:
    """The gRPC server the host's ``main`` started (a local of its frame)."""
    frame = sys._current_frames().get(threading.main_thread().ident or 0)
    while frame is not None:
        server = frame.f_locals.get("server")
        if frame.f_code.co_name == "main" and server is not None:
            return server
        frame = frame.f_back
    return None


def _load_http_stack() -> None:
    with contextlib.suppress(Exception):  # the first API call would import it anyway
        import_module("pulumi_vast_serverless.client._client")


def widen_workers(workers: int) -> bool:
    """Let the thread pool running this call (in the host, its gRPC server's) run up to
    ``workers`` calls at once; False if this thread is not a pool's worker."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is thread_pool._worker.__code__:
            pool = frame.f_locals["executor_reference"]()
            if isinstance(pool, ThreadPoolExecutor) and pool._max_workers < workers:
                pool._max_workers = workers
            return isinstance(pool, ThreadPoolExecutor)
        frame = frame.f_back  # type: ignore[assignment]
    return False


def one_line(error: VastError) -> str:
    """``ClassName: message (hint)``, on one line."""
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


class DynamicHost:
    """The runtime's way to the user inside Pulumi's dynamic-provider host."""

    def context(self, cancelled: threading.Event) -> CallContext:
        """The call this thread serves: its resource found in the host's request."""
        urn = current_urn()
        if not urn:  # the resource cannot be told: warnings to stderr, as outside a host
            return CallContext(cancelled=cancelled)
        return engine_context(urn, cancelled)

    def announce(self, text: str) -> None:
        """Something about the whole run: an info message of the stack."""
        engine_log(text, severity="INFO")


def engine_context(urn: str, cancelled: threading.Event) -> CallContext:
    """A call's context whose messages go to the engine, on the resource ``urn``."""
    return CallContext(
        urn=urn,
        # A warning shows under the resource at preview and up.
        warn=lambda text: engine_log(text, severity="WARNING", urn=urn),
        # Ephemeral: the live display shows it, the summary at the end does not keep it.
        progress=lambda text: engine_log(text, severity="INFO", urn=urn, ephemeral=True),
        cancelled=cancelled,
    )


def _debug_log(text: str) -> None:
    """Send ``text`` to the engine as a debug message (shown by ``pulumi up --debug``)."""
    engine_log(text, severity="DEBUG")


def current_urn() -> str:
    """The URN in the host's gRPC request being served on this thread ("" outside the
    host).

    The host hands a provider the properties, not the URN; its ``Create``/``Update`` frame
    holds the request, a few frames up. If Pulumi's host changes shape, this finds nothing.
    """
    if not _installed.is_set():
        return ""
    frame = sys._getframe(1)
    while frame is not None:
        urn = getattr(frame.f_locals.get("request"), "urn", None)
        if isinstance(urn, str) and urn.startswith("urn:pulumi:"):
            return urn
        frame = frame.f_back  # type: ignore[assignment]
    return ""


def engine_log(text: str, *, severity: str, urn: str = "", ephemeral: bool = False) -> None:
    """One ``Engine.Log`` call to the engine whose address this process got (``argv[1]``,
    for the dynamic host and the plugin alike)."""
    with contextlib.suppress(Exception):  # best effort: a log line must never fail a call
        import grpc
        from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

        channel: Any = grpc.insecure_channel(sys.argv[1])
        try:
            request = engine_pb2.LogRequest(
                severity=getattr(engine_pb2, severity),
                message=text,
                urn=urn,
                ephemeral=ephemeral,
            )
            engine_pb2_grpc.EngineStub(channel).Log(request, timeout=5)
        finally:
            channel.close()
