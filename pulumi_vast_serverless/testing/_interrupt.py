"""Ctrl-C during a ``local_stack`` command, taken as the Pulumi CLI takes it at a terminal.

At a terminal, Ctrl-C reaches the whole foreground process group: this Python process and
the Pulumi CLI it runs. On the first, the CLI cancels cleanly: it waits for the operations
under way, records them, releases the stack's lock and stops its plugins. For that this
process must go on serving the inline program and reading the CLI's output until the CLI
ends, so during a command the first SIGINT here is only noted (and passed on to the CLI
if the CLI did not get it: a signal sent to this process alone). A second one is the
CLI's "terminate immediately": passed on too, and the command ends with one line saying
what to run next (``Interrupted``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

# What the CLI prints when it got the signal itself.
CLI_HEARD = "received; cancelling"
# How long the CLI gets to say it heard the first Ctrl-C before it is passed on.
HEARD_WITHIN = 1.0

CANCELLED = (
    "cancelled (Ctrl-C): the engine finished what was under way and recorded it; run "
    "`up()` again to converge (it refreshes first)"
)
STOPPED = (
    "stopped (Ctrl-C twice) before the engine finished cancelling: the stack may still be "
    "locked and an operation under way may not be recorded; run `stack.cancel()`, then "
    "`up()` (it refreshes first; an object whose create was cut off is named, never made "
    "twice, and `adopt_existing=True` on it takes it over)"
)


class Interrupts:
    """Counts the Ctrl-Cs of one command and passes them on to the CLI when needed."""

    def __init__(self) -> None:
        self.count = 0
        self._heard = threading.Event()

    def watch(self, shown: Callable[[str], None] | None) -> Callable[[str], None]:
        """An ``on_output`` that notes the CLI saying it heard Ctrl-C, then shows the line."""

        def on_output(line: str) -> None:
            if CLI_HEARD in line:
                self._heard.set()
            if shown is not None:
                shown(line)

        return on_output

    @contextlib.contextmanager
    def taken(self) -> Iterator[Interrupts]:
        """Take SIGINT for the duration of a command (main thread only: elsewhere Python
        cannot take signals, and nothing changes)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = signal.signal(signal.SIGINT, self._on_sigint)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)

    def message(self) -> str:
        return STOPPED if self.count > 1 else CANCELLED

    def _on_sigint(self, signum: int, frame: object) -> None:
        self.count += 1
        if self.count == 1:
            print(
                "local_stack: Ctrl-C: the engine is cancelling (it finishes what is under way "
                "and records it); Ctrl-C again stops it at once",
                file=sys.stderr,
                flush=True,
            )
            threading.Thread(target=self._pass_on_unless_heard, daemon=True).start()
        else:
            _signal_cli(signal.SIGINT)

    def _pass_on_unless_heard(self) -> None:
        deadline = time.monotonic() + HEARD_WITHIN
        while time.monotonic() < deadline and not self._heard.is_set():
            time.sleep(0.05)
        if not self._heard.is_set():
            _signal_cli(signal.SIGINT)


def _signal_cli(signum: int) -> None:
    """Send ``signum`` to the Pulumi CLI this process runs (Linux: found in /proc)."""
    for pid in _cli_children():
        with contextlib.suppress(OSError):
            os.kill(pid, signum)


def _cli_children() -> list[int]:
    me, found = os.getpid(), []
    with contextlib.suppress(OSError):
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                name = stat[stat.index("(") + 1 : stat.rindex(")")]
                parent = int(stat[stat.rindex(")") + 2 :].split()[1])
                if parent == me and name.startswith("pulumi"):
                    found.append(int(entry.name))
    return found
