"""Vast's per-route limits: the simulator enforces them, the client stays under them."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from pulumi_vast_serverless import VastClient, VastRateLimitError
from pulumi_vast_serverless.client._backoff import RateLimitBackoff
from pulumi_vast_serverless.simulator import SimulatorControl
from tests.support.keys import KEY_A, KEY_B

HEADERS = {"Authorization": f"Bearer {KEY_A}"}


def test_simulator_answers_429_over_the_documented_threshold(sim_url: str) -> None:
    statuses = [
        requests.get(sim_url + "/workergroups/", headers=HEADERS, timeout=5) for _ in range(3)
    ]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    refused = statuses[2]
    assert refused.json() == {"detail": "API requests too frequent endpoint threshold=2.0"}
    assert int(refused.headers["Retry-After"]) >= 1


def test_limits_are_per_address_whatever_the_key(sim_url: str) -> None:
    """Vast's API files: "Maximum request frequency per IP address"."""
    other = {"Authorization": f"Bearer {KEY_B}"}
    for _ in range(2):
        requests.get(sim_url + "/workergroups/", headers=HEADERS, timeout=5)
    assert requests.get(sim_url + "/workergroups/", headers=other, timeout=5).status_code == 429


def test_each_workergroup_path_has_its_own_documented_limit(sim_url: str) -> None:
    """POST /autojobs/ takes 4/s, POST /workergroups/ 2/s (backend-generated files)."""

    def burst(path: str) -> list[int]:
        body = {"endpoint_name": "auto", "template_hash": "h"}
        return [
            requests.post(sim_url + path, json=body, headers=HEADERS, timeout=5).status_code
            for _ in range(5)
        ]

    assert burst("/autojobs/") == [200, 200, 200, 200, 429]
    assert burst("/workergroups/") == [200, 200, 429, 429, 429]


def test_eight_threads_create_forty_endpoints_without_an_error(
    client: VastClient, control: SimulatorControl
) -> None:
    """The acceptance case: paced, so no 429 surfaces and nothing is created twice."""
    errors: list[BaseException] = []
    lock = threading.Lock()

    def create_five(worker: int) -> None:
        for n in range(5):
            try:
                client.create_endpoint(endpoint_name=f"w{worker}-{n}")
            except BaseException as exc:  # collected and asserted below
                with lock:
                    errors.append(exc)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(create_five, range(8)))
    assert errors == []
    names = sorted(row["endpoint_name"] for row in client.list_endpoints(fresh=True))
    assert names == sorted(f"w{w}-{n}" for w in range(8) for n in range(5))
    posts = [r for r in control.requests() if r["method"] == "POST"]
    assert len([r for r in posts if r["status"] == 200]) == 40


def test_429s_are_retried_and_never_reach_the_caller(
    sim_url: str, control: SimulatorControl
) -> None:
    """Without client pacing, the server's 429s are absorbed by the retry loop."""
    unpaced = VastClient(
        KEY_A,
        base_url=sim_url,
        rate_limits=None,
        rate_limit_backoff=RateLimitBackoff(budget=10, base=0.05, jitter=0.05),
    )
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: unpaced.list_workergroups(fresh=True), range(6)))
    assert results == [[]] * 6
    statuses = [r["status"] for r in control.requests()]
    assert statuses.count(429) >= 1
    assert statuses.count(200) == 6


def test_a_spent_retry_budget_surfaces_a_rate_limit_error(sim_url: str) -> None:
    impatient = VastClient(
        KEY_A, base_url=sim_url, rate_limits=None, rate_limit_backoff=RateLimitBackoff(budget=0)
    )
    impatient.list_workergroups(fresh=True)
    impatient.list_workergroups(fresh=True)
    with pytest.raises(VastRateLimitError, match=r"HTTP 429: API requests too frequent") as caught:
        impatient.list_workergroups(fresh=True)
    assert "run again later" in str(caught.value)
