"""A local stand-in for Vast's serverless API, for demos and offline tests.

    with run_simulator() as base_url:          # http://127.0.0.1:PORT/api/v0
        client = VastClient("any-key", base_url=base_url)

Run it from a shell with ``python -m pulumi_vast_serverless.simulator``; the first line it
prints is the base URL.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Literal

from ..client import routes
from ._autoscaler import settle_all
from ._control import SimulatorControl
from ._limiter import READINGS, Reading, make_limiter
from ._server import API_ROOT, SimulatorServer
from ._state import SimulatorState
from ._store import Store
from ._variants import CHOICES as VARIANTS

RateLimits = Reading | Literal["off"]
# Users' offline stacks meet Vast's limits as Vast's own page describes them today (see
# ``_limiter``): the strictest of the readings that take the documented figures, so a
# stack that keeps to it offline keeps to Vast.
DEFAULT_READING: Reading = "interval"

__all__ = [
    "DEFAULT_READING",
    "READINGS",
    "VARIANTS",
    "Simulator",
    "SimulatorControl",
    "run_simulator",
]


class Simulator:
    """The simulator as an object: ``start()``, ``base_url``, ``stop()``."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_keys: Collection[str] = (),
        rate_limits: RateLimits = DEFAULT_READING,
        limit_scale: float | None = None,
        penalty_tokens: float = 0.0,
        state_path: str | None = None,
        variants: Mapping[str, str] | None = None,
    ) -> None:
        """``limit_scale`` multiplies every threshold (None: ``VAST_RATE_LIMIT_SCALE``, the
        figure the clients of this environment pace to, else 1)."""
        if rate_limits not in (*READINGS, "off"):
            raise ValueError(f"rate_limits must be one of {(*READINGS, 'off')}")
        limiter = (
            None
            if rate_limits == "off"
            else make_limiter(
                rate_limits,
                routes.DOCUMENTED_THRESHOLDS,
                scale=routes.scale_factor() if limit_scale is None else limit_scale,
                penalty=penalty_tokens,
            )
        )
        self._store = Store(state_path)
        self.state = SimulatorState(self._store, limiter, api_keys)
        for name, value in (variants or {}).items():
            self.state.variants.set(name, value)
        self._server = SimulatorServer((host, port), self.state)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The API root, ``http://HOST:PORT/api/v0``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{API_ROOT}"

    def start(self) -> str:
        """Serve in a background thread and return the base URL."""
        self._wake_engine()
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="vast-simulator", daemon=True
        )
        self._thread.start()
        return self.base_url

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted, then close."""
        self._wake_engine()
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()
            self._store.close()

    def _wake_engine(self) -> None:
        """Workers live in memory: for endpoints kept in ``--state``, the engine recruits
        them again at its first cycle."""
        settle_all(self.state, changed=True)

    def stop(self) -> None:
        """Stop serving and close the state database."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._store.close()


@contextmanager
def run_simulator(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    api_keys: Collection[str] = (),
    rate_limits: RateLimits = DEFAULT_READING,
    limit_scale: float | None = None,
    penalty_tokens: float = 0.0,
    state_path: str | None = None,
    variants: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Run a simulator for the duration of the block and yield its base URL."""
    simulator = Simulator(
        host=host,
        port=port,
        api_keys=api_keys,
        rate_limits=rate_limits,
        limit_scale=limit_scale,
        penalty_tokens=penalty_tokens,
        state_path=state_path,
        variants=variants,
    )
    base_url = simulator.start()
    try:
        yield base_url
    finally:
        simulator.stop()
