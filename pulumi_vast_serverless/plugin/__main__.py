"""``pulumi-resource-vast``: the plugin's entry point (the engine starts it)."""

from __future__ import annotations

import sys

from pulumi.provider.experimental.server import main as serve

from .._version import __version__
from ._adapter import VastPlugin


def main() -> None:
    """Serve the plugin on the engine's address (``argv[1]``)."""
    serve(sys.argv[1:], __version__, VastPlugin())


if __name__ == "__main__":
    main()
