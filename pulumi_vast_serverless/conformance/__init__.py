"""Conformance records of live runs, and where they differ from what this release expects.

``make test-live`` records the shape of every exchange (``VAST_CONFORMANCE_RECORD``);
``scripts/conformance.py`` replays the same steps against the simulator and compares.
"""

from ._compare import differences, summarize, verdict
from ._reading import ReadingFound, probe_reading
from ._record import (
    DOCUMENTED,
    RECORD_ENV,
    Record,
    Recorder,
    read_record,
    record_finding,
    recorder_from_env,
    start_record,
)

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
