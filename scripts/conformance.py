"""Compare a conformance record (from `make test-live`) with what this release expects.

    python scripts/conformance.py live-record.jsonl [--variant NAME=FORM ...]

replays the live suite's steps against a fresh simulator process (Vast as this release
documents it; `--variant` switches a disagreement between Vast's documents to another
form), records the replay the same way, and prints one line per difference (statuses,
fields missing or extra, JSON types, error texts), then a one-line verdict. Exit 0: no
difference; 1: differences; 2: the replay itself failed.

`--no-replay` compares with the record shipped in the package instead (what this release
was built for; no engine needed); `--against OTHER` with another record (last month's
run, say). `--keep-replay PATH` keeps the replay's record. `--write-documented` replays
and makes the result the shipped record (after a change to the simulator).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pulumi_vast_serverless.conformance import (
    DOCUMENTED,
    Record,
    differences,
    read_record,
    verdict,
)
from pulumi_vast_serverless.simulator._variants import add_variant_option, parsed_variants

ROOT = Path(__file__).resolve().parent.parent


def replay(variants: list[str], into: Path) -> Record:
    """Run the live suite against a new simulator process, recording into ``into``."""
    key = f"conformance-{secrets.token_hex(8)}"
    command = [sys.executable, "-m", "pulumi_vast_serverless.simulator", "--api-key", key]
    for item in variants:
        command += ["--variant", item]
    simulator = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
    )
    try:
        assert simulator.stdout is not None
        url = simulator.stdout.readline().strip()
        env = {k: v for k, v in os.environ.items() if not k.startswith("VAST_")}
        env |= {"VAST_API_KEY": key, "VAST_API_URL": url}
        for name in ("VAST_PACING_DIR", "VAST_RATE_LIMIT_SCALE"):  # the run's, not Vast's
            if name in os.environ:
                env[name] = os.environ[name]
        done = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "test_live.py"), "--record", str(into)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        print(f"conformance: the replay against the simulator failed ({done.returncode})")
        sys.exit(2)
    return read_record(into)


def load(path: Path) -> Record:
    """A record, or the reason it is not one (exit 2)."""
    try:
        return read_record(path)
    except (OSError, ValueError) as exc:
        print(f"conformance: {exc}", file=sys.stderr)
        sys.exit(2)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("record", type=Path, nargs="?", help="a record from make test-live")
    add_variant_option(parser, "replay against this documented form")
    parser.add_argument(
        "--no-replay", action="store_true", help="compare with the shipped record instead"
    )
    parser.add_argument("--against", type=Path, help="compare with this record instead")
    parser.add_argument("--keep-replay", type=Path, help="keep the replay's record here")
    parser.add_argument(
        "--write-documented", action="store_true", help="replay and ship the result"
    )
    args = parser.parse_args()
    parsed_variants(parser, args.variant)
    if args.write_documented:
        with tempfile.TemporaryDirectory() as scratch:
            fresh = Path(scratch) / "documented.jsonl"
            replay([], fresh)
            shutil.copyfile(fresh, DOCUMENTED)
        print(f"conformance: wrote {DOCUMENTED.relative_to(ROOT)}")
        return
    if args.record is None:
        parser.error("give the record to compare (make test-live writes live-record.jsonl)")
    record = load(args.record)
    target = "Vast" if record.header.get("target") == "vast" else "another API than Vast's"
    print(
        f"conformance: {args.record}: made by pulumi-vast-serverless "
        f"{record.header.get('package')} against {target} on {record.header.get('recorded_at')}"
    )
    if args.no_replay:
        expected, against = read_record(DOCUMENTED), "the record shipped with this release"
    elif args.against:
        expected, against = load(args.against), str(args.against)
    else:
        with tempfile.TemporaryDirectory() as scratch:
            kept = args.keep_replay or Path(scratch) / "replay.jsonl"
            expected = replay(args.variant, kept.resolve())
        forms = f" ({', '.join(args.variant)})" if args.variant else ""
        against = f"this release's simulator{forms}"
    for name, value in sorted(record.findings.items()):
        print(f"conformance: {name}: {value}")
    found = differences(record, expected)
    for line in found:
        print(f"  {line}")
    print(verdict(record, found, against))
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
