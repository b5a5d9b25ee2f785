"""Every documented answer, in each form Vast's documents give it, handled by the client.

Where Vast's documents disagree, the simulator answers in either form (see
``simulator.VARIANTS``); the client and providers must cope with both.
"""

from __future__ import annotations

import grpc
import pytest
import requests

from pulumi_vast_serverless import VastClient, VastNotFoundError
from pulumi_vast_serverless.simulator import SimulatorControl
from tests.support.keys import KEY_A
from tests.support.provider_fixtures import ENDPOINT_TYPE, WORKERGROUP_TYPE, with_provider
from tests.support.provider_host import ProviderHost

HEADERS = {"Authorization": f"Bearer {KEY_A}"}


@pytest.mark.parametrize("form", ["refused", "empty"])
def test_an_account_without_endpoints_lists_as_empty(
    client: VastClient, control: SimulatorControl, form: str
) -> None:
    control.set_variants(empty_account=form)
    assert client.list_endpoints(fresh=True) == []
    assert client.list_workergroups(fresh=True) == []
    statuses = [r["status"] for r in control.requests() if r["path"].endswith("/endptjobs/")]
    assert statuses == [400 if form == "refused" else 200]


def test_vasts_empty_account_answer_is_the_documented_one(sim_url: str) -> None:
    response = requests.get(sim_url + "/endptjobs/", headers=HEADERS, timeout=5)
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "invalid_args",
        "msg": "No endpoints for user 101 found.",
    }


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ("backend", 404, "Endpoint 999 for user 101 not found."),
        ("handwritten", 400, "Routegroup not found for user"),
    ],
)
def test_deleting_a_missing_endpoint_is_not_found_in_either_form(
    client: VastClient, control: SimulatorControl, form: str, status: int, message: str
) -> None:
    control.set_variants(missing_endpoint=form)
    with pytest.raises(VastNotFoundError) as caught:
        client.delete_endpoint(999)
    assert (caught.value.status, caught.value.vast_message) == (status, message)


@pytest.mark.parametrize("form", ["id", "result"])
def test_a_new_workergroups_id_is_read_in_either_form(
    client: VastClient, control: SimulatorControl, form: str
) -> None:
    control.set_variants(workergroup_id_key=form)
    endpoint_id = client.create_endpoint(endpoint_name="ids")
    group_id = client.create_workergroup(endpoint_id=endpoint_id, template_hash="h")
    assert [row["id"] for row in client.list_workergroups()] == [group_id]


@pytest.mark.parametrize("form", ["number", "iso"])
def test_created_at_reads_the_same_in_either_form(
    client: VastClient, control: SimulatorControl, form: str
) -> None:
    control.set_variants(created_at=form)
    client.create_endpoint(endpoint_name="when")
    (row,) = client.list_endpoints()
    assert row["created_at"].endswith("Z")
    assert row["created_at"][:4] >= "2026"


def test_the_key_may_travel_in_the_body_as_the_guide_allows(sim_url: str) -> None:
    response = requests.post(
        sim_url + "/endptjobs/", json={"api_key": KEY_A, "endpoint_name": "body"}, timeout=5
    )
    assert response.json()["success"] is True
    listed = requests.get(sim_url + "/endptjobs/", headers=HEADERS, timeout=5).json()
    assert [row["endpoint_name"] for row in listed["results"]] == ["body"]


def test_a_bad_key_gets_vasts_401_text(sim_url: str) -> None:
    response = requests.get(sim_url + "/endptjobs/", timeout=5)
    assert response.status_code == 401
    assert response.json() == {"success": False, "error": "auth_error", "msg": "Invalid user key"}


def test_fields_a_route_does_not_document_are_ignored(client: VastClient) -> None:
    endpoint_id = client.create_endpoint(endpoint_name="strict", client_id="me", colour="red")
    group_id = client.create_workergroup(endpoint_id=endpoint_id, template_hash="h", max_workers=4)
    # Vast's workergroup PUT takes neither cold_workers nor max_workers.
    client.update_workergroup(group_id, endpoint_id=endpoint_id, cold_workers=9, gpu_ram=8)
    (row,) = client.list_workergroups()
    assert (row["cold_workers"], row["gpu_ram"]) == (3, 8.0)
    assert "colour" not in client.list_endpoints()[0]
    # Rows show what the backend files list: a workergroup row has no max_workers.
    assert "max_workers" not in row
    assert "test_workers" not in row


def test_deleting_an_endpoint_deletes_its_workergroups(
    client: VastClient, control: SimulatorControl
) -> None:
    endpoint_id = client.create_endpoint(endpoint_name="cascade")
    client.create_workergroup(endpoint_id=endpoint_id, template_hash="a")
    client.create_workergroup(endpoint_id=endpoint_id, template_hash="b")
    client.delete_endpoint(endpoint_id)
    assert control.object_counts() == {"endpoints": 0, "workergroups": 0, "templates": 0}
    assert client.list_workergroups() == []


# Refusals Vast documents, through a provider process: one line naming the fix.


def created_endpoint(host: ProviderHost, blob: str, name: str) -> tuple[str, dict[str, object]]:
    inputs, failures = host.check(with_provider(blob, endpoint_name=name))
    assert failures == []
    endpoint_id, outs = host.create(inputs)
    return endpoint_id, outs


def test_a_deployment_managed_endpoint_is_refused_naming_the_fix(
    host: ProviderHost, blobs: dict[str, str], control: SimulatorControl
) -> None:
    endpoint_id, outs = created_endpoint(host, blobs[ENDPOINT_TYPE], "managed")
    control.mark_deployment_managed("endpoint", int(endpoint_id))
    news, _ = host.check(with_provider(blobs[ENDPOINT_TYPE], endpoint_name="managed", min_load=3))
    with pytest.raises(grpc.RpcError) as caught:
        host.update(endpoint_id, outs, news)
    details = caught.value.details() or ""
    assert f"HTTP 400: Endpoint {endpoint_id} is managed by a deployment" in details
    assert "change it through that deployment, or remove it from this program" in details


def test_a_host_only_account_is_refused_naming_the_fix(
    host: ProviderHost, blobs: dict[str, str], control: SimulatorControl
) -> None:
    control.set_host_only(KEY_A)
    inputs, _ = host.check(with_provider(blobs[ENDPOINT_TYPE], endpoint_name="host"))
    with pytest.raises(grpc.RpcError) as caught:
        host.create(inputs)
    details = caught.value.details() or ""
    assert "HTTP 403: Host-only accounts cannot create endpoints or use serverless" in details
    assert "use the key of a client account" in details


def test_the_first_up_of_a_new_account_creates_everything(
    host: ProviderHost, blobs: dict[str, str], control: SimulatorControl
) -> None:
    """The very first list answers 400 "No endpoints for user ... found."."""
    endpoint_id, _ = created_endpoint(host, blobs[ENDPOINT_TYPE], "first")
    inputs, _ = host.check(
        with_provider(blobs[WORKERGROUP_TYPE], endpoint_id=endpoint_id, template_hash="h")
    )
    host.create(inputs)
    first = control.requests()[0]
    assert (first["method"], first["path"], first["status"]) == ("GET", "/api/v0/endptjobs/", 400)
    assert control.object_counts() == {"endpoints": 1, "workergroups": 1, "templates": 0}


def test_a_duplicate_endpoint_name_is_refused_naming_the_fix(client: VastClient) -> None:
    from pulumi_vast_serverless import VastValidationError

    client.create_endpoint(endpoint_name="twice")
    with pytest.raises(VastValidationError) as caught:
        client.create_endpoint(endpoint_name="twice")
    # The client names Vast's fix; the Endpoint provider adds its own (adopt_existing).
    assert str(caught.value).endswith(
        "HTTP 400: Duplicate endpoint name already exists for this account (an endpoint of "
        "this name exists already in the account: choose another endpoint_name)"
    )


def test_the_autoscaler_refuses_a_missing_id_as_its_backend_files_say(sim_url: str) -> None:
    root = sim_url.removesuffix("/api/v0")
    answer = requests.post(
        f"{root}/get_workergroup_workers/",
        json={},
        headers={"Authorization": "Bearer k"},
        timeout=5,
    )
    assert (answer.status_code, answer.json()) == (
        400,
        {"error_msg": "id must be a positive integer"},
    )
