"""``python -m pulumi_vast_serverless.simulator``: run the simulator in the foreground."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from types import FrameType

from ..client import routes
from . import DEFAULT_READING, READINGS, Simulator
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
        choices=(*READINGS, "off"),
        default=DEFAULT_READING,
        help="how Vast's documented thresholds are enforced: 'interval' (default; Vast's "
        "page: the least seconds between two requests of a route and key), 'token-bucket' "
        "(Vast's docs PR #68: buckets per route, account and address, X-RateLimit headers), "
        "'per-second' (the threshold as requests per second), or 'off'",
    )
    parser.add_argument(
        "--limit-scale",
        type=_positive,
        default=None,
        metavar="X",
        help="multiply every threshold by X (0.05: twenty times faster, for tests; 2: twice "
        f"as strict as documented); default: {routes.SCALE_ENV}, else 1. Clients pace to it "
        f"with {routes.SCALE_ENV}=X",
    )
    parser.add_argument(
        "--penalty-tokens",
        type=float,
        default=0.0,
        metavar="N",
        help="token-bucket: tokens a refused request costs the bucket that refused it",
    )
    parser.add_argument("--state", metavar="PATH", help="keep state in this SQLite file")
    add_variant_option(parser, "where Vast's documents disagree, answer in this documented form")
    args = parser.parse_args(argv)
    args.variants = parsed_variants(parser, args.variant)
    return args


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number such as 0.05; got {text!r}")
    return value


def main(argv: list[str] | None = None) -> None:
    """Start the simulator and serve until SIGINT or SIGTERM."""
    args = _parse(argv)
    simulator = Simulator(
        host=args.host,
        port=args.port,
        api_keys=args.api_keys,
        rate_limits=args.rate_limits,
        limit_scale=args.limit_scale,
        penalty_tokens=args.penalty_tokens,
        state_path=args.state,
        variants=args.variants,
    )

    def _stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    scale = simulator.state.limiter.scale if simulator.state.limiter is not None else 1.0
    print(simulator.base_url, flush=True)
    print(
        f"vast simulator: rate limits {args.rate_limits} x{scale:g}"
        + (f" (clients: {routes.SCALE_ENV}={scale:g})" if scale != 1 else "")
        + ", state "
        f"{args.state or 'in memory'}, variants {simulator.state.variants.as_dict()}; "
        "Ctrl-C stops it",
        file=sys.stderr,
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        simulator.serve_forever()


if __name__ == "__main__":
    main()
