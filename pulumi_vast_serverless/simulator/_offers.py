"""The simulator's GPU marketplace: a fixed catalog of offers, searched as ``/bundles/`` does.

Vast publishes no price list; the catalog's shapes follow third-party observations (see
README "Compatibility"): per-GPU price ranges by class, unverified offers cheaper than
verified ones, a long upper tail of verified datacenter offers, multi-GPU machines priced
whole (a search without ``num_gpus=1`` can match an 8-GPU machine at 8 times the price),
storage priced per GB-month per host. It is generated from a fixed seed, so every
simulator lists the same offers.

Offers carry Vast's offer fields (the backend file of ``POST /api/v0/bundles/``). Prices
that depend on the search (``dph_total``, ``storage_total_cost``, the per-dollar scores)
are computed per search from ``allocated_storage``. An offer a worker holds is no longer
``rentable``; to the account that holds it, it shows as ``rented``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._types import Row
from ..client import offer_query
from ._filters import OPS, matches_all

HOURS_PER_MONTH = 30 * 24  # storage_cost is $/GB/month; Vast's month is taken as 30 days
DEFAULT_ALLOCATED_STORAGE = 8.0  # GB, the backend file's default
# The search's defaults (backend file): verified, rentable, not rented by the caller.
SEARCH_DEFAULTS: Row = {"verified": {"eq": True}, "rentable": {"eq": True}, "rented": {"eq": False}}
_SPECIAL = frozenset({"order", "limit", "type", "allocated_storage", "disable_bundling"})
_SEED = 20261125
_COUNTRIES = ("US", "US", "US", "CA", "DE", "NL", "SE", "FR", "GB", "PL", "JP", "TW", "KR")


class OfferSearchError(ValueError):
    """A search body Vast refuses (400), with Vast's text."""


@dataclass(frozen=True)
class GpuClass:
    """One GPU model as the catalog lists it."""

    name: str  # Vast's gpu_name
    vram_mb: int
    price: tuple[float, float]  # typical on-demand $/h per GPU, verified
    dlperf: float  # per GPU, on Vast's DLPerf scale
    tflops: float  # per GPU
    compute_cap: int
    datacenter: bool  # mostly sold by datacenters, often as 4x and 8x machines
    count: int  # offers of this class in the catalog


# Price ranges: ../shared/notes/vast-prices.md's third-party figures (2026).
GPU_CLASSES: tuple[GpuClass, ...] = (
    GpuClass("RTX 3090", 24576, (0.18, 0.30), 21.0, 35.6, 860, False, 40),
    GpuClass("RTX 4090", 24564, (0.31, 0.88), 36.0, 82.6, 890, False, 60),
    GpuClass("RTX 5090", 32607, (0.87, 1.14), 48.0, 104.8, 1200, False, 30),
    GpuClass("RTX A6000", 49140, (0.55, 0.95), 28.0, 38.7, 860, True, 25),
    GpuClass("A100 PCIE", 81920, (0.78, 1.10), 58.0, 78.0, 800, True, 20),
    GpuClass("A100 SXM4", 81920, (0.85, 1.21), 66.0, 78.0, 800, True, 25),
    GpuClass("H100 SXM", 81559, (1.85, 4.00), 118.0, 267.0, 900, True, 40),
    GpuClass("H100 NVL", 95830, (2.30, 2.80), 110.0, 240.0, 900, True, 15),
    GpuClass("H200", 143771, (3.50, 4.60), 135.0, 267.0, 900, True, 15),
    GpuClass("B200", 183359, (4.20, 5.20), 220.0, 450.0, 1000, True, 10),
)


def build_catalog(seed: int = _SEED) -> list[Row]:
    """The catalog's offers, in a fixed order, without search-dependent prices."""
    rng = random.Random(seed)
    offers: list[Row] = []
    for gpu in GPU_CLASSES:
        for _ in range(gpu.count):
            offers.append(_offer(rng, gpu, len(offers)))
    return offers


def _offer(rng: random.Random, gpu: GpuClass, index: int) -> Row:
    sizes, weights = ((1, 2, 4, 8), (45, 15, 15, 25) if gpu.datacenter else (72, 18, 7, 3))
    num_gpus = rng.choices(sizes, weights)[0]
    datacenter = rng.random() < (0.8 if gpu.datacenter else 0.15)
    verified = rng.random() < (0.95 if datacenter else 0.8)
    low, high = gpu.price
    per_gpu = rng.uniform(low, high)
    if not verified:
        per_gpu *= rng.uniform(0.45, 0.7)  # unverified hosts ask about half
    elif datacenter and rng.random() < 0.12:
        per_gpu *= rng.uniform(1.5, 8.0)  # the long upper tail of verified offers
    dph_base = round(per_gpu * num_gpus, 4)
    dlperf = round(gpu.dlperf * num_gpus * rng.uniform(0.88, 1.04), 2)
    return {
        "id": 4_100_000 + index,
        "ask_contract_id": 4_100_000 + index,
        "machine_id": 20_000 + index,
        "host_id": 300 + index // 3,
        "gpu_name": gpu.name,
        "num_gpus": num_gpus,
        "gpu_ram": gpu.vram_mb,
        "gpu_total_ram": gpu.vram_mb * num_gpus,
        "gpu_arch": "nvidia",
        "gpu_frac": 1.0,
        "gpu_display_active": False,
        "gpu_max_power": 450.0 if not gpu.datacenter else 700.0,
        "gpu_max_temp": 83.0,
        "gpu_mem_bw": round(gpu.tflops * 12.0, 1),
        "bw_nvlink": 450.0 if gpu.datacenter and num_gpus > 1 else 0.0,
        "compute_cap": gpu.compute_cap,
        "cuda_max_good": rng.choice((12.2, 12.4, 12.6, 12.8)),
        "driver_version": rng.choice(("550.127.05", "560.35.03", "570.86.15")),
        "dlperf": dlperf,
        "total_flops": round(gpu.tflops * num_gpus, 1),
        "dph_base": dph_base,
        "min_bid": round(dph_base * rng.uniform(0.35, 0.65), 4),
        "storage_cost": round(rng.uniform(0.05, 0.30), 4),
        "inet_up_cost": round(rng.uniform(0.0, 0.02), 4),
        "inet_down_cost": round(rng.uniform(0.0, 0.02), 4),
        "inet_up": round(rng.uniform(100, 10_000), 1),
        "inet_down": round(rng.uniform(100, 10_000), 1),
        "reliability": round(rng.uniform(0.97, 0.9995) if verified else rng.uniform(0.9, 0.99), 4),
        "verified": verified,
        "verification": "verified" if verified else "unverified",
        "datacenter": datacenter,
        "external": False,
        "geolocation": rng.choice(_COUNTRIES),
        "static_ip": datacenter or rng.random() < 0.3,
        "direct_port_count": rng.choice((20, 50, 100, 500)),
        "disk_space": round(rng.uniform(60, 2000), 1),
        "disk_bw": round(rng.uniform(500, 6000), 1),
        "cpu_cores": num_gpus * rng.choice((8, 12, 16, 24)),
        "cpu_cores_effective": float(num_gpus * 8),
        "cpu_ram": num_gpus * rng.choice((32_768, 65_536, 131_072)),
        "cpu_ghz": round(rng.uniform(2.0, 3.8), 2),
        "cpu_arch": "amd64",
        "has_avx": 1,
        "pci_gen": rng.choice((4.0, 5.0)) if gpu.compute_cap >= 890 else 4.0,
        "pcie_bw": round(rng.uniform(12, 50), 1),
        "mobo_name": rng.choice(("ROMED8-2T", "H12SSL-i", "WRX80E-SAGE", "X13DEG-OAD")),
        "os_version": "22.04",
        "ubuntu_version": "22.04",
        "vms_enabled": False,
        "duration": round(rng.uniform(3, 180) * 86400.0, 1),
        "cluster_id": None,
    }


def priced(offer: Row, allocated_storage: float, kind: str = "ondemand") -> Row:
    """The offer with the prices a search of ``allocated_storage`` GB shows."""
    storage_per_hour = offer["storage_cost"] * allocated_storage / HOURS_PER_MONTH
    gpu = offer["min_bid"] if kind == "bid" else offer["dph_base"]
    total = gpu + storage_per_hour
    return {
        **offer,
        "storage_total_cost": round(storage_per_hour, 6),
        "dph_total": round(total, 6),
        "dlperf_per_dphtotal": round(offer["dlperf"] / total, 4),
        "flops_per_dphtotal": round(offer["total_flops"] / total, 4),
        "score": round(offer["dlperf"] / total * offer["reliability"], 4),
    }


def for_tenant(offer: Row, holder: str | None, tenant: str) -> Row:
    """The offer as ``tenant`` sees it, given which account's worker holds it (if any)."""
    if holder is None:
        return {**offer, "rentable": True, "rented": False}
    return {**offer, "rentable": False, "rented": holder == tenant}


def search(catalog: list[Row], body: Row, holders: Mapping[int, str], tenant: str) -> list[Row]:
    """Answer ``POST /bundles/``: the offers a body selects, ordered and limited.

    Raise ``OfferSearchError`` with Vast's text for a body it refuses.
    """
    query = {k: v for k, v in body.items() if k not in _SPECIAL}
    for condition in query.values():
        if not isinstance(condition, dict) or not condition or set(condition) - set(OPS):
            raise OfferSearchError("Invalid query: must be dict of conditions")
    query = {**SEARCH_DEFAULTS, **query}
    kind = "bid" if body.get("type") in ("bid", "interruptible") else "ondemand"
    storage = body.get("allocated_storage", DEFAULT_ALLOCATED_STORAGE)
    if isinstance(storage, bool) or not isinstance(storage, (int, float)) or storage < 0:
        raise OfferSearchError("Invalid query: allocated_storage must be a number of GB")
    views = (
        priced(for_tenant(offer, holders.get(offer["id"]), tenant), storage, kind)
        for offer in catalog
    )
    found = [view for view in views if matches_all(view, query)]
    for field, direction in reversed(_order(body.get("order"))):
        found.sort(key=lambda row: _sort_key(row.get(field)), reverse=direction == "desc")
    limit = body.get("limit")
    if isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0:
        found = found[:limit]
    return found


def recruitable(
    catalog: list[Row], search_query: Row, holders: Mapping[int, str], disk_gb: float
) -> list[Row]:
    """The free offers a workergroup's stored search selects, priced for its disk, best
    price-performance first (what the engine recruits first)."""
    query = offer_query.in_offer_units(search_query)
    views = (
        priced(for_tenant(offer, None, ""), disk_gb)
        for offer in catalog
        if offer["id"] not in holders
    )
    free = [view for view in views if matches_all(view, query)]
    return sorted(free, key=lambda row: (-row["dlperf_per_dphtotal"], row["id"]))


def selects(search_query: Row, offer: Row) -> bool:
    """Whether a workergroup's stored search selects ``offer`` (query units converted)."""
    return matches_all(offer, offer_query.in_offer_units(search_query))


def _order(raw: Any) -> list[tuple[str, str]]:
    if not isinstance(raw, list) or not raw:
        return [("score", "desc")]  # what Vast's own client asks for by default
    order = []
    for item in raw:
        if not (
            isinstance(item, list) and len(item) == 2 and all(isinstance(p, str) for p in item)
        ):
            raise OfferSearchError('Invalid query: order is a list of ["field", "asc"|"desc"]')
        order.append((item[0], item[1].lower()))
    return order


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value)
    return (1, str(value))
