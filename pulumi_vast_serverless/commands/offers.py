"""``vast-offers SEARCH``: what a workergroup's search matches on Vast now, priced as the
preview's cost estimate prices it.

    vast-offers "gpu_name=RTX_4090 num_gpus=1"
    vast-offers "gpu_ram>=80" --max-price 3.5 --disk 40 --top 5
    vast-offers "..." --json

The search is sent as a workergroup sends it: Vast's default filters added (verified,
rentable, not rented; ``--no-default-filters`` leaves them out) and ``--max-price`` as
``dph_total<=X``; offers are priced for the group's disk (``--disk``, 8 GB by default,
Vast's). The offer search is public: no key is sent. ``VAST_API_URL`` chooses the API.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..client import DEFAULT_BASE_URL, VastClient, VastError, offer_query
from ..cost import DEFAULT_DISK_GB, Offers, money, offers_text
from ..providers import resolve_settings

# The search is public: a client needs some key to exist, none is sent.
_NO_KEY = "no-key-needed"
_SHOWN = ("id", "gpu_name", "num_gpus", "gpu_ram", "dph_total", "storage_total_cost")


def summary(query: str, offers: list[dict[str, Any]], top: int) -> dict[str, Any]:
    """The figures the estimate takes from a search, and its ``top`` offers, priciest
    first."""
    found = Offers.of(offers, offer_query.OFFER_LIMIT)
    return {
        "search": query,
        "count": found.count,
        "more": found.more,
        "cheapest_per_hour": found.cheapest["dph_total"] if found.cheapest else None,
        "priciest_per_hour": found.priciest["dph_total"] if found.priciest else None,
        "dearest_disk_per_hour": found.dearest_disk,
        "offers": [{k: o.get(k) for k in _SHOWN} for o in offers[:top]],
    }


def lines_of(report: dict[str, Any], found: Offers) -> list[str]:
    lines = [f"search: {report['search']}", f"matches now: {offers_text(found)}"]
    if not report["count"]:
        lines.append(
            "nothing matches: a group with this search recruits nothing. Check the GPU name "
            "(Vast writes it with _ for spaces, e.g. RTX_4090) and the terms."
        )
    for offer in report["offers"]:
        memory = offer.get("gpu_ram")  # MB in Vast's offers
        each = f" {float(memory) / 1024:.0f} GB" if isinstance(memory, int | float) else ""
        lines.append(
            f"  {money(float(offer['dph_total']))}  {offer.get('num_gpus')}x "
            f"{offer.get('gpu_name')}{each}  (offer {offer.get('id')}, disk "
            f"{money(float(offer.get('storage_total_cost') or 0.0))})"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print what the search matches now; exit 1 with one line when it cannot."""
    parser = argparse.ArgumentParser(prog="vast-offers", description=__doc__.split("\n\n")[0])
    parser.add_argument("search", help="a search in Vast's offer language, as search_params")
    parser.add_argument("--max-price", type=float, help="as max_hourly_price: dph_total<=X")
    parser.add_argument("--disk", type=float, default=DEFAULT_DISK_GB, help="disk GB to price")
    parser.add_argument(
        "--no-default-filters", action="store_true", help="as default_offer_filters=False"
    )
    parser.add_argument("--top", type=int, default=10, help="offers to list (priciest first)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    try:
        query = offer_query.as_sent(
            args.search, defaults=not args.no_default_filters, price_cap=args.max_price
        )
        offer_query.parse(query)
    except offer_query.OfferQueryError as exc:
        print(f"vast-offers: {exc}")
        return 1
    settings = resolve_settings()
    try:
        url = settings.base_url or DEFAULT_BASE_URL
        with VastClient(settings.api_key or _NO_KEY, base_url=url) as client:
            offers = client.search_offers(query, storage_gb=args.disk)
    except (VastError, OSError) as exc:
        print(f"vast-offers: {exc}")
        return 1
    report = summary(query, offers, args.top)
    found = Offers.of(offers, offer_query.OFFER_LIMIT)
    print(json.dumps(report, indent=2) if args.json else "\n".join(lines_of(report, found)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
