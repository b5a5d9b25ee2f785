"""Helpers for driving the providers through a real provider process."""

from __future__ import annotations

import base64
import os
from typing import Any

from tests.support.keys import KEY_A
from tests.support.provider_host import ProviderHost, secret

ENDPOINT_TYPE = "pulumi-python:dynamic/vast:Endpoint"
WORKERGROUP_TYPE = "pulumi-python:dynamic/vast:Workergroup"
TEMPLATE_TYPE = "pulumi-python:dynamic/vast:Template"
READINESS_TYPE = "pulumi-python:dynamic/vast:Readiness"


# Settings of the run, not of Vast: where pacing is shared, where exchanges are recorded,
# how the run compresses Vast's time.
RUN_SETTINGS = (
    "VAST_PACING_DIR",
    "VAST_CONFORMANCE_RECORD",
    "VAST_RATE_LIMIT_SCALE",
    "VAST_GRACE_SCALE",
)


def clean_env() -> dict[str, str]:
    """The environment without any Vast settings, so tests choose them explicitly."""
    return {k: v for k, v in os.environ.items() if not k.startswith("VAST_") or k in RUN_SETTINGS}


def with_provider(blob: str, **props: Any) -> dict[str, Any]:
    """Props as the engine sends them: the inputs plus ``__provider``."""
    return {"__provider": blob, **props}


def decoded(blob: str) -> bytes:
    """The pickled bytes of a ``__provider`` value."""
    return base64.b64decode(blob)


def configured_host(sim_url: str) -> ProviderHost:
    """A new provider process for tenant A on ``sim_url``, as each engine run starts one."""
    provider = ProviderHost(env=clean_env())
    provider.configure({"vast:apiKey": secret(KEY_A), "vast:apiUrl": sim_url})
    return provider
