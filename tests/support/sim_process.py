"""The simulator as users run it: a separate process, started from its command line."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def simulator_process(*args: str) -> Iterator[str]:
    """Run ``python -m pulumi_vast_serverless.simulator ARGS`` and yield its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_vast_serverless.simulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
