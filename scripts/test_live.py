"""`make test-live`: the acceptance suite against the Vast API at VAST_API_URL.

Needs VAST_API_KEY; without it, it refuses to start (exit 2). VAST_API_URL defaults to
Vast itself (https://console.vast.ai/api/v0). The run names every object it creates with
a prefix of its own (pvs-acc-<random>-) and deletes everything with that prefix at the
end, whatever the outcome; a leftover fails the run. `--sweep` instead deletes what any
earlier run left behind (prefix pvs-acc-), for after a crashed run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

from pulumi_vast_serverless import DEFAULT_BASE_URL, VastClient
from pulumi_vast_serverless.testing import sweep

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "pvs-acc-"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sweep", action="store_true", help="only delete earlier leftovers")
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
    env = {**os.environ, "VAST_API_URL": url, "VAST_LIVE_PREFIX": prefix}
    command = [sys.executable, "-m", "pytest", "tests/live", "-p", "no:cacheprovider"]
    code = subprocess.call([*command, *args.pytest_args], cwd=ROOT, env=env)
    left = sweep(client, prefix)
    if left:
        print("test-live: the run left these behind (now deleted):", *left, sep="\n  ")
        code = code or 1
    else:
        print("test-live: nothing left behind")
    sys.exit(code)


if __name__ == "__main__":
    main()
