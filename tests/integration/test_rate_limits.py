"""Vast's per-route limits: the simulator enforces each reading of them, the client stays
under them and learns what Vast's answers say."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_vast_serverless import VastClient, VastRateLimitError
from pulumi_vast_serverless.client._backoff import RateLimitBackoff
from pulumi_vast_serverless.client._routes import DOCUMENTED_THRESHOLDS, SCALE_ENV, route_key
from pulumi_vast_serverless.conformance import probe_reading
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.simulator._limiter import ACCOUNT_BURST, Reading
from tests.conftest import TEST_LIMIT_SCALE
from tests.support.keys import KEY_A, KEY_B

HEADERS = {"Authorization": f"Bearer {KEY_A}"}
SCALE = float(TEST_LIMIT_SCALE)


def gets(url: str, count: int, headers: dict[str, str] = HEADERS) -> list[requests.Response]:
    return [requests.get(url, headers=headers, timeout=5) for _ in range(count)]


def test_interval_reading_refuses_a_request_sooner_than_the_threshold(sim_url: str) -> None:
    """Vast's page: "a minimum interval between requests"; its 429 names the threshold in
    seconds, and carries no header."""
    first, second = gets(sim_url + "/workergroups/", 2)
    assert (first.status_code, second.status_code) == (200, 429)
    threshold = 2.0 * SCALE
    assert second.json() == {
        "detail": f"API requests too frequent: endpoint threshold={threshold:g}"
    }
    assert "Retry-After" not in second.headers
    assert not any(name.lower().startswith("x-ratelimit") for name in first.headers)
    time.sleep(threshold)
    assert gets(sim_url + "/workergroups/", 1)[0].status_code == 200


def test_limits_are_per_route_and_key(sim_url: str) -> None:
    """Per endpoint and per identity: another key, or another route, is not held."""
    gets(sim_url + "/workergroups/", 1)
    other = {"Authorization": f"Bearer {KEY_B}"}
    assert gets(sim_url + "/workergroups/", 1, other)[0].status_code == 200
    assert gets(sim_url + "/autojobs/", 1)[0].status_code == 200
    assert gets(sim_url + "/workergroups/", 1)[0].status_code == 429


def test_each_workergroup_path_has_its_own_documented_threshold(sim_url: str) -> None:
    """POST /autojobs/ every 4 s, POST /workergroups/ every 2 s (backend-generated files)."""
    body = {"endpoint_name": "auto", "template_hash": "h"}

    def threshold_of(path: str) -> str:
        for _ in range(2):
            answer = requests.post(sim_url + path, json=body, headers=HEADERS, timeout=5)
        assert answer.status_code == 429
        return str(answer.json()["detail"]).rsplit("=", 1)[1]

    assert threshold_of("/autojobs/") == f"{4.0 * SCALE:g}"
    assert threshold_of("/workergroups/") == f"{2.0 * SCALE:g}"


def test_token_bucket_reading_answers_with_vasts_headers_and_body() -> None:
    """Docs PR #68: X-RateLimit-* on answers; a 429 with Retry-After and a JSON body."""
    with run_simulator(rate_limits="token-bucket", limit_scale=1.0) as url:
        ok, refused = gets(url + "/autojobs/", 2)
    assert ok.status_code == 200
    assert ok.headers["X-RateLimit-Limit"] == "1"
    assert ok.headers["X-RateLimit-Remaining"] == "0"
    assert float(ok.headers["X-RateLimit-Reset"]) == pytest.approx(2.0, abs=0.05)
    assert refused.status_code == 429
    body = refused.json()
    assert body["error"] == "HTTPTooManyRequests"
    assert body["msg"] == "API requests too frequent"
    assert (body["limit"], body["remaining"]) == (1, 0)
    assert body["retry_after"] == pytest.approx(2.0, abs=0.05)
    assert refused.headers["Retry-After"] == "2"


def test_penalty_tokens_push_the_bucket_into_debt() -> None:
    with run_simulator(rate_limits="token-bucket", limit_scale=1.0, penalty_tokens=1.0) as url:
        waits = [r.json()["retry_after"] for r in gets(url + "/autojobs/", 4)[1:]]
    assert waits[0] == pytest.approx(4.0, abs=0.05)  # one token short, one more owed
    assert waits[1] == pytest.approx(6.0, abs=0.05)  # each refusal costs another
    assert waits[2] == pytest.approx(8.0, abs=0.05)


def test_the_account_bucket_is_shared_across_routes() -> None:
    """Each route's own bucket has its token, yet the account's runs dry after its burst."""
    routes = sorted(DOCUMENTED_THRESHOLDS)
    assert len(routes) > ACCOUNT_BURST + 2
    statuses: list[int] = []
    with run_simulator(rate_limits="token-bucket", limit_scale=1.0) as url:
        for route in routes:
            method, path = route.split(" ")
            answer = requests.request(
                method, url + path.replace("{id}", "1"), json={}, headers=HEADERS, timeout=5
            )
            statuses.append(answer.status_code)
            if answer.status_code == 429:
                assert answer.headers["X-RateLimit-Limit"] == f"{ACCOUNT_BURST:g}"
    assert 429 not in statuses[: int(ACCOUNT_BURST)]
    assert statuses[int(ACCOUNT_BURST) + 1 :].count(429) >= 1


def test_per_second_reading_keeps_the_old_bursts() -> None:
    with run_simulator(rate_limits="per-second", limit_scale=1.0) as url:
        statuses = [r.status_code for r in gets(url + "/workergroups/", 3)]
    assert statuses == [200, 200, 429]


@pytest.mark.slow
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
    assert [r["status"] for r in posts] == [200] * 40


def gaps_by_route(log: list[dict[str, Any]]) -> dict[str, list[float]]:
    """The seconds between consecutive admitted requests of each route, as they arrived."""
    times: dict[str, list[float]] = defaultdict(list)
    for entry in log:
        if entry["status"] != 429:
            path = entry["path"].removeprefix("/api/v0")
            times[route_key(entry["method"], path)].append(entry["time"])
    return {
        route: [b - a for a, b in itertools.pairwise(sorted(arrivals))]
        for route, arrivals in times.items()
    }


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_at_vasts_own_scale_no_request_leaves_sooner_than_its_route_allows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Endpoint creates and fresh workergroup lists at once, at Vast's documented
    thresholds (4 s and 2 s): the simulator's log shows every gap at least the threshold,
    and no 429."""
    monkeypatch.setenv(SCALE_ENV, "1")
    with run_simulator(limit_scale=1.0) as url:
        client = VastClient(KEY_A, base_url=url)
        with ThreadPoolExecutor(4) as pool:
            creates = [pool.submit(client.create_endpoint, endpoint_name=f"e{n}") for n in (1, 2)]
            lists = pool.submit(lambda: [client.list_workergroups(fresh=True) for _ in range(3)])
            lists.result()
            for create in creates:
                create.result()
        log = SimulatorControl(url).requests()
    assert [entry["status"] for entry in log].count(429) == 0
    gaps = gaps_by_route(log)
    assert len(gaps["POST /endptjobs/"]) == 1
    assert len(gaps["GET /autojobs/"]) == 2
    for route, seconds in gaps.items():
        assert min(seconds) >= DOCUMENTED_THRESHOLDS[route], route


def test_a_429_with_retry_after_is_waited_out_exactly_once(
    client: VastClient, control: SimulatorControl
) -> None:
    control.fault("GET /autojobs/", "status", status=429)  # Retry-After: 1
    assert client.list_workergroups(fresh=True) == []
    refused, answered = control.requests()
    assert (refused["status"], answered["status"]) == (429, 200)
    waited = answered["time"] - refused["time"]
    assert 1.0 <= waited < 1.0 + 0.3


def test_a_threshold_vast_names_is_learned_and_kept_by_the_next_process(
    tmp_path: Path,
) -> None:
    """Against a simulator twice as strict as documented, the first process draws one 429
    and learns the route's threshold from it; the next process starts at it."""
    script = (
        "import sys\n"
        "from pulumi_vast_serverless import VastClient\n"
        "client = VastClient(sys.argv[2], base_url=sys.argv[1])\n"
        "for _ in range(3):\n"
        "    client.list_workergroups(fresh=True)\n"
    )
    env = {**os.environ, "VAST_PACING_DIR": str(tmp_path / "pacing")}
    with run_simulator(limit_scale=2 * SCALE) as url:
        control = SimulatorControl(url)
        for run in (1, 2):
            subprocess.run([sys.executable, "-c", script, url, KEY_A], env=env, check=True)
            statuses = [entry["status"] for entry in control.requests()]
            control.reset()
            assert statuses.count(200) == 3
            assert statuses.count(429) == (1 if run == 1 else 0), run


def test_429s_are_retried_and_never_reach_the_caller(
    sim_url: str, control: SimulatorControl
) -> None:
    """Without client pacing, the server's 429s are absorbed by the retry loop."""
    unpaced = VastClient(
        KEY_A,
        base_url=sim_url,
        rate_limits=None,
        rate_limit_backoff=RateLimitBackoff(retries=10, base=0.05, jitter=0.05),
    )
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: unpaced.list_workergroups(fresh=True), range(6)))
    assert results == [[]] * 6
    statuses = [r["status"] for r in control.requests()]
    assert statuses.count(429) >= 1
    assert statuses.count(200) == 6


def test_a_spent_retry_budget_surfaces_a_rate_limit_error(sim_url: str) -> None:
    impatient = VastClient(
        KEY_A, base_url=sim_url, rate_limits=None, rate_limit_backoff=RateLimitBackoff(retries=0)
    )
    impatient.list_workergroups(fresh=True)
    with pytest.raises(VastRateLimitError, match=r"HTTP 429: API requests too frequent") as caught:
        impatient.list_workergroups(fresh=True)
    assert "run again later" in str(caught.value)


@pytest.mark.parametrize("reading", ["interval", "token-bucket", "per-second"])
def test_the_live_probe_tells_the_readings_apart(reading: Reading) -> None:
    """What `make test-live` records: two endpoint lists a quarter threshold apart."""
    with run_simulator(rate_limits=reading) as url:
        found = probe_reading(url, KEY_A)
    assert found.reading == reading, found.describe()
    assert found.describe().startswith(f"rate limits: the {reading} reading held")
