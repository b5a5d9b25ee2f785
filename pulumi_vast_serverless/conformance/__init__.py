"""Conformance records of live runs, and where they differ from what this release expects.

``make test-live`` records the shape of every exchange (``VAST_CONFORMANCE_RECORD``);
``scripts/conformance.py`` replays the same steps against the simulator and compares.
"""

from pathlib import Path

from ..client import (
    RECORD_ENV,
    Record,
    Recorder,
    read_record,
    record_finding,
    recorder_from_env,
    start_record,
)
from ._compare import differences, summarize, verdict
from ._reading import ReadingFound, probe_reading

# What this release was built for: the simulator's record of Vast as documented.
DOCUMENTED = Path(__file__).with_name("documented.jsonl")

__all__ = [
    "DOCUMENTED",
    "RECORD_ENV",
    "ReadingFound",
    "Record",
    "Recorder",
    "differences",
    "probe_reading",
    "read_record",
    "record_finding",
    "recorder_from_env",
    "start_record",
    "summarize",
    "verdict",
]
