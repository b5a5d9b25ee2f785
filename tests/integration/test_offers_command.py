"""`vast-offers SEARCH`: what a search matches now, priced as the estimate prices it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.client._offer_query import as_sent

OFFERS = str(Path(sys.executable).parent / "vast-offers")


def run(sim_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "VAST_API_KEY"}
    env["VAST_API_URL"] = sim_url
    return subprocess.run(
        [OFFERS, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_a_search_is_sent_as_a_group_sends_it_and_priced_as_the_estimate_does(
    sim_url: str, client: VastClient
) -> None:
    search = "gpu_name=RTX_4090 num_gpus=1"
    sent = as_sent(search, price_cap=1.0)
    expected = client.search_offers(sent, storage_gb=40)
    done = run(sim_url, search, "--max-price", "1.0", "--disk", "40", "--json", "--top", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["search"] == sent
    assert report["count"] == len(expected) > 0
    assert report["priciest_per_hour"] == max(o["dph_total"] for o in expected) <= 1.0
    assert [o["id"] for o in report["offers"]] == [o["id"] for o in expected[:2]]
    text = run(sim_url, search, "--top", "1").stdout.splitlines()
    assert text[0] == f"search: {as_sent(search)}"
    assert text[1].startswith("matches now: ")
    assert len(text) == 3


def test_a_search_nothing_matches_says_so_and_a_bad_one_is_one_line(sim_url: str) -> None:
    none = run(sim_url, "gpu_name=RTX_9090")
    assert none.returncode == 0
    assert none.stdout.splitlines()[1:] == [
        "matches now: none",
        "nothing matches: a group with this search recruits nothing. Check the GPU name "
        "(Vast writes it with _ for spaces, e.g. RTX_4090) and the terms.",
    ]
    bad = run(sim_url, "gpu_ram>=")
    assert (bad.returncode, bad.stdout.strip()) == (1, "vast-offers: term 'gpu_ram' has no value")
