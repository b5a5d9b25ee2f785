"""Vast's official client (``vastai`` 1.9.1) against the simulator, and crossed with ours.

What Vast's own CLI and SDK send and expect is a contract nobody on this project wrote:
the simulator must answer them as Vast does, and both clients must read what the other
wrote identically.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from vastai.sdk import VastAI

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.simulator import SimulatorControl
from tests.support.keys import KEY_A, KEY_B
from tests.support.sim_process import simulator_process

# Fields our client normalises on purpose: created_at to ISO 8601 (Vast sends Unix
# seconds); the auto-delete countdown is dropped by Vast's own client and moves by itself.
VOLATILE = {"created_at", "auto_delete_in_seconds", "auto_delete_due_24h"}


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    """One simulator process for the module; only KEY_A is a valid key."""
    with simulator_process("--api-key", KEY_A) as url:
        yield url


@pytest.fixture
def fresh(api_url: str) -> str:
    SimulatorControl(api_url).reset()
    return api_url


def host_of(api_url: str) -> str:
    """Vast's client takes the host; it appends /api/v0 itself."""
    return api_url.removesuffix("/api/v0")


@pytest.fixture
def sdk(fresh: str) -> VastAI:
    return VastAI(api_key=KEY_A, server_url=host_of(fresh))


@pytest.fixture
def ours(fresh: str) -> Iterator[VastClient]:
    client = VastClient(KEY_A, base_url=fresh)
    yield client
    client.close()


def cli(api_url: str, *args: str, key: str = KEY_A, home: Path) -> subprocess.CompletedProcess[str]:
    """Run Vast's CLI against the simulator; no update check, no user config touched."""
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "VASTAI_NO_UPDATE_CHECK": "1",
    }
    env.pop("VAST_API_KEY", None)
    # The `vastai` command the package installs next to this interpreter.
    command = [str(Path(sys.executable).parent / "vastai"), "--url", host_of(api_url)]
    return subprocess.run(
        [*command, "--api-key", key, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def comparable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in VOLATILE and k != "api_key"}


def test_the_sdk_runs_the_whole_endpoint_and_workergroup_lifecycle(sdk: VastAI) -> None:
    created = sdk.create_endpoint(endpoint_name="contract", min_load=5, max_workers=3)
    assert created["success"] is True
    endpoint_id = created["result"]
    (row,) = sdk.show_endpoints()
    assert (row["id"], row["endpoint_name"], row["min_load"], row["max_workers"]) == (
        endpoint_id,
        "contract",
        5.0,
        3,
    )
    assert sdk.update_endpoint(endpoint_id, min_load=7, endpoint_state="suspended") == {
        "success": True
    }
    (row,) = sdk.show_endpoints()
    assert (row["min_load"], row["endpoint_state"], row["max_workers"]) == (7.0, "suspended", 3)

    group = sdk.create_workergroup(
        endpoint_id=endpoint_id, template_hash="h1", search_params="gpu_name=RTX_4090"
    )
    assert group["success"] is True
    group_id = group["id"]
    (wg,) = sdk.show_workergroups()
    assert (wg["id"], wg["endpoint_id"], wg["template_hash"]) == (group_id, endpoint_id, "h1")
    # The official client appended its default filters; Vast stores the parsed query.
    assert wg["search_query"] == {
        "gpu_name": {"eq": "RTX 4090"},
        "verified": {"eq": True},
        "rentable": {"eq": True},
        "rented": {"eq": False},
    }
    assert sdk.update_workergroup(group_id, endpoint_id=endpoint_id, gpu_ram=48) == {
        "success": True
    }
    assert sdk.show_workergroups()[0]["gpu_ram"] == 48.0

    # Deleting the endpoint takes its workergroups along.
    deleted = sdk.delete_endpoint(endpoint_id)
    assert deleted["success"] is True
    assert deleted["failed_workers"] == []
    assert sdk.show_workergroups() == []


def test_the_sdk_meets_the_refusals_vast_documents(sdk: VastAI) -> None:
    endpoint_id = sdk.create_endpoint(endpoint_name="refusals")["result"]
    group_id = sdk.create_workergroup(endpoint_id=endpoint_id, template_hash="h")["id"]
    cases: list[tuple[Callable[[], object], int, str]] = [
        # A workergroup PUT without endpoint_id (the SDK sends it only when given).
        (lambda: sdk.update_workergroup(group_id, gpu_ram=8), 400, "missing endpoint_id"),
        (
            lambda: sdk.create_endpoint(endpoint_name="refusals"),
            400,
            "Duplicate endpoint name already exists for this account",
        ),
        (lambda: sdk.delete_endpoint(999), 404, "Endpoint 999 for user 101 not found."),
        (lambda: sdk.delete_workergroup(999), 404, "No autojob by that id is available."),
    ]
    for call, status, message in cases:
        with pytest.raises(requests.HTTPError) as caught:
            call()
        assert caught.value.response.status_code == status
        assert caught.value.response.json()["msg"] == message


def test_what_our_client_writes_the_official_client_reads_identically(
    sdk: VastAI, ours: VastClient
) -> None:
    endpoint_id = ours.create_endpoint(endpoint_name="ours", target_util=0.5, cold_workers=2)
    group_id = ours.create_workergroup(
        endpoint_id=endpoint_id, template_hash="h2", gpu_ram=24, launch_args="--env A=1"
    )
    ours.update_workergroup(group_id, endpoint_id=endpoint_id, min_load=3)
    assert [comparable(r) for r in sdk.show_endpoints()] == [
        comparable(r) for r in ours.list_endpoints(fresh=True)
    ]
    assert [comparable(r) for r in sdk.show_workergroups()] == [
        comparable(r) for r in ours.list_workergroups(fresh=True)
    ]
    ours.delete_workergroup(group_id)
    assert sdk.show_workergroups() == []


def test_what_the_official_client_writes_our_client_reads_identically(
    sdk: VastAI, ours: VastClient
) -> None:
    endpoint_id = sdk.create_endpoint(endpoint_name="theirs", cold_mult=2.0)["result"]
    sdk.create_workergroup(endpoint_id=endpoint_id, template_hash="h3", gpu_ram=16)
    sdk.update_endpoint(endpoint_id, max_workers=9)
    assert [comparable(r) for r in ours.list_endpoints(fresh=True)] == [
        comparable(r) for r in sdk.show_endpoints()
    ]
    assert [comparable(r) for r in ours.list_workergroups(fresh=True)] == [
        comparable(r) for r in sdk.show_workergroups()
    ]
    (row,) = ours.list_endpoints(fresh=True)
    assert (row["max_workers"], row["cold_mult"]) == (9, 2.0)
    sdk.delete_endpoint(endpoint_id)
    assert ours.list_endpoints(fresh=True) == []
    assert ours.list_workergroups(fresh=True) == []


def test_the_cli_creates_shows_and_deletes(fresh: str, tmp_path: Path) -> None:
    created = cli(fresh, "create", "endpoint", "--endpoint_name", "cli-ep", home=tmp_path)
    assert created.returncode == 0, created.stderr
    assert "'success': True" in created.stdout
    shown = cli(fresh, "--raw", "show", "endpoints", home=tmp_path)
    (row,) = json.loads(shown.stdout)
    assert row["endpoint_name"] == "cli-ep"
    group = cli(
        fresh,
        "create", "workergroup", "--endpoint_id", str(row["id"]), "--template_hash", "h4",
        home=tmp_path,
    )  # fmt: skip
    assert "'success': True" in group.stdout, group.stdout + group.stderr
    deleted = cli(fresh, "delete", "endpoint", str(row["id"]), home=tmp_path)
    assert "'success': True" in deleted.stdout
    assert SimulatorControl(fresh).object_counts() == {
        "endpoints": 0,
        "workergroups": 0,
        "templates": 0,
    }


@pytest.mark.parametrize(
    ("args", "key", "printed"),
    [
        (("show", "endpoints"), KEY_A, "Failed with error 400: No endpoints for user 101 found."),
        (("delete", "endpoint", "999"), KEY_A, "Failed with error 404: Endpoint 999 for user"),
        (("show", "endpoints"), KEY_B, "Failed with error 401: Invalid user key"),
    ],
)
def test_the_cli_reports_vasts_refusals_in_its_own_words(
    fresh: str, tmp_path: Path, args: tuple[str, ...], key: str, printed: str
) -> None:
    result = cli(fresh, *args, key=key, home=tmp_path)
    assert printed in result.stderr, result.stdout + result.stderr


def test_the_sdk_and_cli_read_workers_and_roll_them(
    sdk: VastAI, fresh: str, ours: VastClient, tmp_path: Path
) -> None:
    control = SimulatorControl(fresh)
    control.set_worker_speed(100)  # models loaded in 0.6 s
    # The client sends its own cold_workers (5); max_workers caps the endpoint at 2.
    endpoint_id = sdk.create_endpoint(endpoint_name="workers", max_workers=2)["result"]
    group_id = sdk.create_workergroup(endpoint_id=endpoint_id, template_hash="h")["id"]
    deadline = time.monotonic() + 10
    while [w["status"] for w in ours.endpoint_workers(endpoint_id)] != ["stopped", "stopped"]:
        assert time.monotonic() < deadline, "the engine never loaded two cold workers"
        time.sleep(0.05)

    answer = sdk.get_endpoint_workers(endpoint_id)
    assert [w["status"] for w in answer["workers"]] == ["stopped", "stopped"]
    assert [w["id"] for w in answer["workers"]] == [
        w["id"] for w in ours.endpoint_workers(endpoint_id)
    ]
    assert sdk.get_endpoint_workers(999) == (
        "authenticate_endpoint_apikey: invalid api_key or endpoint 999 not found"
    )

    control.set_worker_speed(1)  # a worker's roll takes 41 s now
    assert sdk.update_workers(group_id) == {"success": True, "workers_to_update": 2}
    rolling = [w["status"] for w in ours.workergroup_workers(group_id)]
    assert rolling[0].startswith("update_")
    assert rolling[1] == "stopped"  # its turn comes once the first serves again
    started = cli(fresh, "update", "workers", str(group_id), home=tmp_path)
    assert f"Update started for workergroup {group_id} (2 workers)" in started.stdout
    cancelled = cli(fresh, "update", "workers", str(group_id), "--cancel", home=tmp_path)
    assert f"Update cancelled for workergroup {group_id}" in cancelled.stdout
    # The worker being replaced finishes; the other's turn is dropped.
    after = [w["status"] for w in ours.workergroup_workers(group_id)]
    assert after[0].startswith("update_")
    assert after[1] == "stopped"
    missing = cli(fresh, "update", "workers", "999", home=tmp_path)
    assert "Error: workergroup 999 not found" in missing.stdout


def test_the_cli_searches_offers_and_finds_what_our_client_finds(
    fresh: str, ours: VastClient, tmp_path: Path
) -> None:
    """Vast's client sends its query with numbers as text and its own defaults (external:
    false, score order, 5 GB): the simulator answers it as Vast does."""
    found = cli(fresh, "search", "offers", "gpu_name=RTX_4090 num_gpus=1", "--raw", home=tmp_path)
    theirs = json.loads(found.stdout)
    assert theirs
    assert {(o["gpu_name"], o["num_gpus"]) for o in theirs} == {("RTX 4090", 1)}
    mine = ours.search_offers("gpu_name=RTX_4090 num_gpus=1 verified=True rentable=True")
    assert {o["id"] for o in theirs} == {o["id"] for o in mine}
    assert [o["score"] for o in theirs] == sorted((o["score"] for o in theirs), reverse=True)


def test_our_template_edit_is_the_one_vasts_client_sends(
    sdk: VastAI, ours: VastClient, fresh: str
) -> None:
    created = sdk.create_template(name="tpl", image="vllm/vllm-openai", image_tag="v1")
    template = created["template"]
    theirs = sdk.update_template(
        template["hash_id"], name="tpl", image="vllm/vllm-openai", image_tag="v2"
    )
    assert theirs["success"] is True
    assert theirs["hash_id"] != template["hash_id"]
    edited = ours.update_template(
        template["id"], theirs["hash_id"], name="tpl", image="vllm/vllm-openai", tag="v3"
    )
    assert (edited["id"], edited["tag"]) == (template["id"], "v3")
    assert edited["hash_id"] not in (template["hash_id"], theirs["hash_id"])
    # (Ours may meet a 429 first: Vast's client sent one a moment before, on the same key.)
    requests = SimulatorControl(fresh).requests()
    edits = [r for r in requests if r["method"] == "PUT" and r["status"] == 200]
    # One route, naming the template the same way; we send no key Vast's client does not.
    assert [r["path"] for r in edits] == ["/api/v1/template/"] * 2
    sent_by_them, sent_by_us = (set(r["body"]) for r in edits)
    assert {"id", "hash_id"} <= sent_by_us <= sent_by_them
    listed = sdk.search_templates(query={"id": {"eq": template["id"]}})
    assert [t["tag"] for t in listed] == ["v3"]
