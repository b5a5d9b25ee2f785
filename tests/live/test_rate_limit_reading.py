"""Which reading of its rate limits the API holds to, recorded for the conformance report."""

from __future__ import annotations

import os
from pathlib import Path

from pulumi_vast_serverless.conformance import RECORD_ENV, probe_reading, record_finding
from tests.live.conftest import Live

READINGS = ("interval", "token-bucket", "per-second")


def test_which_reading_of_the_rate_limits_holds(live: Live) -> None:
    """Two endpoint lists a quarter of the threshold apart: 429 or not, headers or not."""
    found = probe_reading(live.api_url, live.api_key)
    print(found.describe())
    record = os.environ.get(RECORD_ENV)
    if record:
        record_finding(Path(record), "rate-limit reading", found.reading, found.describe())
    # An empty account's list is a 400 on Vast (its documented answer): any but a 429.
    assert found.statuses[0] != 429, found.describe()
    assert found.reading in READINGS, found.describe()
