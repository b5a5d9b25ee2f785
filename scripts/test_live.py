"""`make test-live`: the acceptance suite against the Vast API at VAST_API_URL.

Needs VAST_API_KEY; without it, it refuses to start (exit 2). VAST_API_URL defaults to
Vast itself (https://console.vast.ai/api/v0). The run names every object it creates with
a prefix of its own (pvs-acc-<random>-) and deletes everything with that prefix at the
end, whatever the outcome; a leftover fails the run. `--sweep` instead deletes what any
earlier run left behind (prefix pvs-acc-), for after a crashed run.

Every run writes a conformance record (`--record`, default live-record.jsonl): the shape of
each exchange, no values; `scripts/conformance.py RECORD` compares it with this release.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

from pulumi_vast_serverless import DEFAULT_BASE_URL, VastClient
from pulumi_vast_serverless.conformance import RECORD_ENV, start_record
from pulumi_vast_serverless.testing import sweep

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "pvs-acc-"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sweep", action="store_true", help="only delete earlier leftovers")
    parser.add_argument(
        "--record",
        type=Path,
        default=Path("live-record.jsonl"),
        help="where to write the conformance record (default: live-record.jsonl)",
    )
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest")
    args = parser.parse_args()
    key = os.environ.get("VAST_API_KEY", "").strip()
    if not key:
        sys.exit(
            "test-live: VAST_API_KEY is not set. The live suite runs against a real account "
            "(or a simulator); set VAST_API_KEY (and VAST_API_URL for anything but Vast)."
        )
    url = os.environ.get("VAST_API_URL", "").strip() or DEFAULT_BASE_URL
    client = VastClient(key, base_url=url)
    if args.sweep:
        swept = sweep(client, PREFIX)
        print(f"test-live: swept {len(swept)} object(s) at {url}", *swept, sep="\n  ")
        return
    prefix = f"{PREFIX}{secrets.token_hex(4)}-"
    print(f"test-live: against {url}, every object named {prefix}*", flush=True)
    record = args.record.resolve()
    start_record(record, target="vast" if url == DEFAULT_BASE_URL else "other")
    env = {**os.environ, "VAST_API_URL": url, "VAST_LIVE_PREFIX": prefix, RECORD_ENV: str(record)}
    command = [sys.executable, "-m", "pytest", "tests/live", "-p", "no:cacheprovider"]
    code = subprocess.call([*command, *args.pytest_args], cwd=ROOT, env=env)
    Path(f"{record}.lock").unlink(missing_ok=True)
    left = sweep(client, prefix)
    if left:
        print("test-live: the run left these behind (now deleted):", *left, sep="\n  ")
        code = code or 1
    else:
        print("test-live: nothing left behind")
    print(
        f"test-live: conformance record in {record} (shapes only, safe to share); "
        f"compare it with this release: python scripts/conformance.py {record}"
    )
    sys.exit(code)


if __name__ == "__main__":
    main()
