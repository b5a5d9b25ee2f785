"""The real Pulumi engine for the lifecycle suite: built or found by scripts/ensure-pulumi."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def pulumi_bin_dir() -> str:
    """Return the directory holding `pulumi` and its shim, failing loudly if there is none."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "ensure-pulumi")],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        pytest.fail(
            "the Pulumi engine could not be found or built; the lifecycle suite needs it.\n"
            f"scripts/ensure-pulumi exited {result.returncode}:\n{result.stderr[-4000:]}",
            pytrace=False,
        )
    return lines[-1]
