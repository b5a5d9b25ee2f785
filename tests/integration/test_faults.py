"""Recovery from each fault kind, never leaving a duplicate behind: the client's retries,
and the providers' creates (``providers._creates``) settling lost answers."""

from __future__ import annotations

import time

import pytest

from pulumi_vast_serverless import VastAmbiguousCreateError, VastClient, VastServerError
from pulumi_vast_serverless.client._routes import ENDPOINTS, WORKERGROUPS
from pulumi_vast_serverless.providers._creates import Creates
from pulumi_vast_serverless.simulator import SimulatorControl
from tests.support.crash import wait_until
from tests.support.keys import KEY_A, assert_no_key


def known_ids(client: VastClient) -> list[int]:
    return [row["id"] for row in client.list_endpoints(fresh=True)]


@pytest.fixture
def creates(client: VastClient) -> Creates:
    return Creates(client)


def test_5xx_on_a_read_is_retried(client: VastClient, control: SimulatorControl) -> None:
    control.fault("GET /endptjobs/", "status", status=503, times=2)
    assert client.list_endpoints() == []
    # 400 is Vast's answer to the list of an account without endpoints: an empty list.
    assert [r["status"] for r in control.requests()] == [503, 503, 400]


def test_dropped_put_is_retried(client: VastClient, control: SimulatorControl) -> None:
    endpoint_id = client.create_endpoint(endpoint_name="e")
    control.fault("PUT /endptjobs/{id}/", "drop_before_commit")
    client.update_endpoint(endpoint_id, min_load=3)
    assert client.list_endpoints()[0]["min_load"] == 3.0


def test_commit_then_drop_on_create_finds_the_object(
    client: VastClient, creates: Creates, control: SimulatorControl
) -> None:
    before = known_ids(client)
    control.fault("POST /endptjobs/", "drop_after_commit")
    endpoint_id = creates.create(ENDPOINTS, {"endpoint_name": "once"}, known_ids=before)
    rows = client.list_endpoints(fresh=True)
    assert [row["id"] for row in rows] == [endpoint_id]
    posts = [r for r in control.requests() if r["method"] == "POST"]
    assert len(posts) == 1  # found by listing, never resent


def test_drop_before_commit_on_create_resends_once(
    client: VastClient, creates: Creates, control: SimulatorControl
) -> None:
    before = known_ids(client)
    control.fault("POST /endptjobs/", "drop_before_commit")
    endpoint_id = creates.create(ENDPOINTS, {"endpoint_name": "once"}, known_ids=before)
    assert [row["id"] for row in client.list_endpoints(fresh=True)] == [endpoint_id]


@pytest.mark.parametrize("status", [502, 503])
def test_5xx_on_create_is_read_then_resent_once(
    client: VastClient, creates: Creates, control: SimulatorControl, status: int
) -> None:
    # As Vast's own client retries these: here the list first, a resend only if absent.
    before = known_ids(client)
    endpoint_id = client.create_endpoint(endpoint_name="e")
    control.fault("POST /autojobs/", "status", status=status)
    group_id = creates.create(
        WORKERGROUPS, {"endpoint_id": endpoint_id, "template_hash": "h"}, known_ids=before
    )
    assert [row["id"] for row in client.list_workergroups(fresh=True)] == [group_id]
    sent = [(r["method"], r["status"]) for r in control.requests() if "autojobs" in r["path"]]
    assert sent[:3] == [("POST", status), ("GET", 200), ("POST", 200)]


def test_a_create_answer_without_a_readable_id_is_found_not_resent(
    client: VastClient, creates: Creates, control: SimulatorControl
) -> None:
    before = known_ids(client)
    endpoint_id = client.create_endpoint(endpoint_name="e")
    control.fault("POST /autojobs/", "garbled")
    group_id = creates.create(
        WORKERGROUPS, {"endpoint_id": endpoint_id, "template_hash": "h"}, known_ids=before
    )
    assert [row["id"] for row in client.list_workergroups(fresh=True)] == [group_id]
    posts = [r for r in control.requests() if r["method"] == "POST" and "autojobs" in r["path"]]
    assert len(posts) == 1


def test_persistent_5xx_on_create_surfaces_without_duplicates(
    client: VastClient, creates: Creates, control: SimulatorControl
) -> None:
    control.fault("POST /endptjobs/", "status", status=500, times=5)
    with pytest.raises(VastServerError, match="HTTP 500"):
        creates.create(ENDPOINTS, {"endpoint_name": "e"}, known_ids=[])
    assert client.list_endpoints(fresh=True) == []


def test_read_timeout_on_create_waits_for_the_slow_commit(
    sim_url: str, control: SimulatorControl
) -> None:
    impatient = VastClient(KEY_A, base_url=sim_url, timeout=(5.0, 0.3))
    control.fault("POST /endptjobs/", "latency", seconds=1.0)
    patient = Creates(impatient, settle=(5, 0.5))
    endpoint_id = patient.create(ENDPOINTS, {"endpoint_name": "slow"}, known_ids=[])
    assert [row["id"] for row in impatient.list_endpoints(fresh=True)] == [endpoint_id]
    assert len([r for r in control.requests() if r["method"] == "POST"]) == 1


def test_read_timeout_past_the_settle_window_is_ambiguous_and_never_resent(
    sim_url: str, control: SimulatorControl
) -> None:
    impatient = VastClient(KEY_A, base_url=sim_url, timeout=(5.0, 0.3))
    control.fault("POST /endptjobs/", "latency", seconds=1.5)
    with pytest.raises(VastAmbiguousCreateError) as caught:
        Creates(impatient, settle=(1, 0.2)).create(ENDPOINTS, {"endpoint_name": "slow"}, [])
    assert "run again: the next run finds the object if it was created" in str(caught.value)
    assert_no_key(str(caught.value))
    # The first POST commits after the client gave up: wait until Vast has handled it.
    wait_until(lambda: not control.inflight().get("POST /endptjobs/"), "the slow POST", 10)
    rows = impatient.list_endpoints(fresh=True)
    assert [row["endpoint_name"] for row in rows] == ["slow"]
    assert len([r for r in control.requests() if r["method"] == "POST"]) == 1


def test_ambiguous_create_without_known_ids_is_reported_not_guessed(
    client: VastClient, creates: Creates, control: SimulatorControl
) -> None:
    control.fault("POST /endptjobs/", "drop_after_commit")
    with pytest.raises(VastAmbiguousCreateError):
        creates.create(ENDPOINTS, {"endpoint_name": "e"})
    assert len(client.list_endpoints(fresh=True)) == 1


def test_latency_on_a_read_is_only_slower(client: VastClient, control: SimulatorControl) -> None:
    control.fault("GET /endptjobs/", "latency", seconds=0.3)
    started = time.monotonic()
    assert client.list_endpoints() == []
    assert time.monotonic() - started >= 0.3


def test_unreachable_api_is_a_transport_error_without_the_key() -> None:
    from pulumi_vast_serverless import VastTransportError

    dead = VastClient(KEY_A, base_url="http://127.0.0.1:9/api/v0", timeout=(0.5, 0.5))
    with pytest.raises(VastTransportError, match="could not connect") as caught:
        dead.list_endpoints()
    assert_no_key(str(caught.value) + repr(caught.value))


def test_sibling_creates_with_lost_answers_each_find_their_own(
    client: VastClient, control: SimulatorControl, creates: Creates
) -> None:
    """Concurrent creates on one endpoint, three answers lost: told apart by every field."""
    from concurrent.futures import ThreadPoolExecutor

    endpoint_id = client.create_endpoint(endpoint_name="siblings")
    known = [row["id"] for row in client.list_workergroups(fresh=True)]
    control.fault("POST /autojobs/", "drop_after_commit", times=3)

    def create(n: int) -> int:
        fields = {"endpoint_id": endpoint_id, "template_hash": "same", "gpu_ram": 8 * (n + 1)}
        return creates.create(WORKERGROUPS, fields, known_ids=known)

    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(create, range(4)))
    rows = {row["id"]: row["gpu_ram"] for row in client.list_workergroups(fresh=True)}
    assert sorted(rows) == sorted(ids)  # four groups, none twice
    assert [rows[i] for i in ids] == [8.0, 16.0, 24.0, 32.0]  # each got its own


def test_identical_sibling_creates_with_lost_answers_get_distinct_ids(
    client: VastClient, control: SimulatorControl, creates: Creates
) -> None:
    """Two identical creates, both answers lost: interchangeable, but never one id twice."""
    from concurrent.futures import ThreadPoolExecutor

    endpoint_id = client.create_endpoint(endpoint_name="twins")
    control.fault("POST /autojobs/", "drop_after_commit", times=2)
    with ThreadPoolExecutor(2) as pool:
        ids = list(
            pool.map(
                lambda _: creates.create(
                    WORKERGROUPS, {"endpoint_id": endpoint_id, "template_hash": "same"}, []
                ),
                range(2),
            )
        )
    assert len(set(ids)) == 2
    assert sorted(row["id"] for row in client.list_workergroups(fresh=True)) == sorted(ids)
