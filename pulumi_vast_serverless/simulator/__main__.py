"""``python -m pulumi_vast_serverless.simulator``: run the simulator in the foreground."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from types import FrameType

from . import Simulator
from ._variants import add_variant_option, parsed_variants


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_vast_serverless.simulator",
        description="A local stand-in for Vast.ai's serverless API. Prints its base URL "
        "as the first line of output.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (0: a free one)")
    parser.add_argument(
        "--api-key",
        action="append",
        default=[],
        dest="api_keys",
        metavar="KEY",
        help="an accepted API key (repeatable); with none, any non-empty key is accepted",
    )
    parser.add_argument(
        "--rate-limits",
        choices=("documented", "off"),
        default="documented",
        help="enforce Vast's documented per-route limits (default) or none",
    )
    parser.add_argument("--state", metavar="PATH", help="keep state in this SQLite file")
    add_variant_option(parser, "where Vast's documents disagree, answer in this documented form")
    args = parser.parse_args(argv)
    args.variants = parsed_variants(parser, args.variant)
    return args


def main(argv: list[str] | None = None) -> None:
    """Start the simulator and serve until SIGINT or SIGTERM."""
    args = _parse(argv)
    simulator = Simulator(
        host=args.host,
        port=args.port,
        api_keys=args.api_keys,
        rate_limits=args.rate_limits,
        state_path=args.state,
        variants=args.variants,
    )

    def _stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    print(simulator.base_url, flush=True)
    print(
        f"vast simulator: rate limits {args.rate_limits}, state "
        f"{args.state or 'in memory'}, variants {simulator.state.variants.as_dict()}; "
        "Ctrl-C stops it",
        file=sys.stderr,
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        simulator.serve_forever()


if __name__ == "__main__":
    main()
