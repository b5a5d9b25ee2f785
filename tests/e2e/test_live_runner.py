"""`make test-live` as a user runs it: against a simulator process here, Vast in real use.

Two live runs serve every test here: one against a simulator answering in Vast's other
documented forms (the run itself, and its conformance record), and the replay
(scripts/conformance.py) of the record this release ships, made against the simulator as
documented (`--write-documented`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pulumi_vast_serverless.conformance import DOCUMENTED
from pulumi_vast_serverless.simulator import SimulatorControl
from tests.live.test_acceptance import RENT_NOTHING_GROUP
from tests.support.keys import KEY_A
from tests.support.sim_process import simulator_process

ROOT = Path(__file__).resolve().parents[2]
RUNNER = [sys.executable, str(ROOT / "scripts" / "test_live.py")]
CONFORMANCE = [sys.executable, str(ROOT / "scripts" / "conformance.py")]
# Where Vast's documents disagree, the other forms: each shows in what the live suite sees.
VARIANTS = ("workergroup_id_key=result", "created_at=iso", "empty_account=empty")


def runner_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VAST_", "PYTEST_"))}
    for name in ("VAST_PACING_DIR", "VAST_RATE_LIMIT_SCALE"):  # the run's, not Vast's
        if name in os.environ:
            env[name] = os.environ[name]
    return {**env, **extra}


@dataclass(frozen=True)
class LiveRun:
    done: subprocess.CompletedProcess[str]
    counts: dict[str, int]
    record: Path


def live_run(record: Path, *simulator_args: str) -> LiveRun:
    """`make test-live` against a new simulator process, recording into ``record``."""
    with simulator_process("--api-key", KEY_A, *simulator_args) as url:
        done = subprocess.run(
            [*RUNNER, "--record", str(record)],
            env=runner_env(VAST_API_KEY=KEY_A, VAST_API_URL=url),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        counts = SimulatorControl(url).object_counts()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return LiveRun(done, counts, record)


def conformance(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CONFORMANCE, *map(str, args)],
        env=runner_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def variant_run(tmp_path_factory: pytest.TempPathFactory) -> LiveRun:
    """`make test-live` against a simulator switched to Vast's other documented forms."""
    variant_args = [arg for form in VARIANTS for arg in ("--variant", form)]
    return live_run(tmp_path_factory.mktemp("live") / "variant.jsonl", *variant_args)


@pytest.fixture(scope="module")
def replayed(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """scripts/conformance.py on the shipped record (the documented simulator's), kept."""
    replay = tmp_path_factory.mktemp("replay") / "replay.jsonl"
    return conformance(DOCUMENTED, "--keep-replay", replay), replay


def test_the_live_suite_passes_against_a_simulator_and_leaves_nothing(
    variant_run: LiveRun,
) -> None:
    out = variant_run.done.stdout
    assert "3 passed" in out
    assert "test-live: nothing left behind" in out
    assert f"test-live: conformance record in {variant_run.record}" in out
    assert variant_run.counts == {"endpoints": 0, "workergroups": 0, "templates": 0}
    assert KEY_A not in out + variant_run.done.stderr


JSON_TYPES = {"string", "integer", "number", "boolean", "null", "object", "not JSON"}


def leaves(shape: Any) -> Iterator[str]:
    """The values of a shape (not its field names)."""
    if isinstance(shape, dict):
        for item in shape.values():
            yield from leaves(item)
    elif isinstance(shape, list):
        for item in shape:
            yield from leaves(item)
    elif shape is not None:
        yield shape


def test_the_record_holds_shapes_and_no_value_of_the_run(variant_run: LiveRun) -> None:
    text = variant_run.record.read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    findings = {line["finding"]: line["value"] for line in lines if "finding" in line}
    assert findings == {"rate-limit reading": "interval"}  # the simulator's default
    lines = [line for line in lines if "finding" not in line]
    prefix = re.search(r"every object named (pvs-acc-\w+-)", variant_run.done.stdout)
    assert prefix is not None
    group_texts = [value for value in RENT_NOTHING_GROUP.values() if isinstance(value, str)]
    sent = [KEY_A, prefix.group(1), *group_texts, "RTX_4090", "base-image"]
    assert [value for value in sent if value in text] == []
    # Ids and counts are gone from Vast's texts too.
    texts = [t for line in lines[1:] for t in line["texts"].values()]
    assert "Deleted endpoint job and {n} workers" in texts
    assert [t for t in texts if re.search(r"\d", t)] == []
    # Every leaf is a JSON type name, never a value.
    found = {leaf for line in lines[1:] for leaf in leaves([line["sent"], line["answer"]])}
    assert {leaf for leaf in found if not set(leaf.split("|")) <= JSON_TYPES} == set()
    assert len(lines) > 30


def test_the_shipped_record_replays_clean(
    replayed: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """A record of the documented simulator matches a fresh replay: and the shipped one
    is current (after a change to the simulator: scripts/conformance.py --write-documented)."""
    done, _ = replayed
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[-1].startswith("conformance: the record matches this release's simulator (")


def test_a_record_of_another_documented_form_shows_exactly_its_differences(
    variant_run: LiveRun, replayed: tuple[subprocess.CompletedProcess[str], Path]
) -> None:
    done = conformance(variant_run.record, "--against", replayed[1])
    assert done.returncode == 1, done.stdout + done.stderr
    found = [line.strip() for line in done.stdout.splitlines() if line.startswith("  ")]
    assert found == [
        "GET /autojobs/ -> 200: answer results[].created_at: string in the record, "
        "number in this release",
        "GET /endptjobs/ -> 200: answer results[].created_at: string in the record, "
        "number in this release",
        "GET /endptjobs/ -> 400: in this release only "
        "(error: invalid_args; msg: No endpoints for user {n} found.)",
        "POST /autojobs/ -> 200: answer id: missing from the record, integer in this release",
        "POST /autojobs/ -> 200: answer result: integer in the record, missing from this release",
    ]
    assert done.stdout.splitlines()[-1].startswith("conformance: 5 difference(s) from ")
    # Against the shipped record, without a replay: the same five.
    shipped = conformance(variant_run.record, "--no-replay")
    assert [line.strip() for line in shipped.stdout.splitlines() if line.startswith("  ")] == found


def test_a_file_that_is_not_a_record_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello\n")
    done = conformance(bogus, "--no-replay")
    assert done.returncode == 2
    assert "not JSON: not a conformance record" in done.stderr


def test_the_live_suite_refuses_to_start_without_a_key() -> None:
    done = subprocess.run(
        RUNNER, env=runner_env(), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert "test-live: VAST_API_KEY is not set" in done.stderr


def test_the_live_tests_refuse_to_run_outside_the_runner() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/live", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=runner_env(VAST_LIVE_PREFIX="x-"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "the live suite needs VAST_API_KEY" in done.stdout + done.stderr
