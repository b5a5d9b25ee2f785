"""What a deploy spends once it runs: Vast's spend routes, read now, as plain values.

Never resource outputs: spend changes by the minute, so an output would show as drift on
every refresh. Read it from a program (``apply`` or at the top), a script or the
``vast-spend`` command; outside a program the key and URL come from ``VAST_API_KEY`` and
``VAST_API_URL``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..client import VastClient, object_id
from ..providers import VastLookupError


@dataclass(frozen=True)
class SpendRate:
    """The account's burn rate across its instances and volumes, USD per hour."""

    gpu_per_hour: float
    container_storage_per_hour: float
    volume_storage_per_hour: float
    has_active_resources: bool

    @property
    def total_per_hour(self) -> float:
        """GPU, container disks and volumes together."""
        return self.gpu_per_hour + self.container_storage_per_hour + self.volume_storage_per_hour


def get_endpoint_spend(endpoint_id: int | str) -> float | None:
    """An endpoint's current spend in USD per hour (None when Vast has no data for it:
    the engine never gave it a worker); ``VastLookupError`` for an id the account does
    not have."""
    return _spend_of("endpoint", _client().endpoint_spend(), endpoint_id)


def get_workergroup_spend(workergroup_id: int | str) -> float | None:
    """A workergroup's current spend in USD per hour (None when Vast has no data for it);
    ``VastLookupError`` for an id the account does not have."""
    return _spend_of("workergroup", _client().workergroup_spend(), workergroup_id)


def _spend_of(kind: str, spend: dict[int, float | None], wanted: int | str) -> float | None:
    key = object_id(wanted)
    if key not in spend:
        raise VastLookupError(
            f"no {kind} with id {key} in this Vast account's spend (it lists "
            f"{len(spend)}): check the id, and that the key is the account's that owns it"
        )
    return spend[key]


def get_spend_rate() -> SpendRate:
    """The account's current burn rate (all its instances and volumes, not only serverless)."""
    return spend_rate_of(_client())


def spend_rate_of(client: VastClient) -> SpendRate:
    """The account's current burn rate, read with ``client``."""
    rate = client.spend_rate()
    return SpendRate(
        gpu_per_hour=float(rate.get("gpu_cost_per_hour") or 0.0),
        container_storage_per_hour=float(rate.get("container_storage_cost_per_hour") or 0.0),
        volume_storage_per_hour=float(rate.get("volume_storage_cost_per_hour") or 0.0),
        has_active_resources=bool(rate.get("has_active_resources")),
    )


def _client() -> VastClient:
    # Imported here: the providers (pydantic, pulumi) load only when a read is made.
    from ..providers import program_client

    return program_client()
