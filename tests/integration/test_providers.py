"""The providers as the engine calls them: a real provider process over gRPC."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from pulumi.output import Unknown

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.client._offer_query import DEFAULT_FILTERS
from pulumi_vast_serverless.providers._properties import (
    ENDPOINT,
    ENDPOINT_PROPS,
    WORKERGROUP,
    WORKERGROUP_PROPS,
)
from pulumi_vast_serverless.providers._settings import SEE_ABOVE
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from tests.support.keys import KEY_A, KEY_B, assert_no_key
from tests.support.provider_fixtures import (
    ENDPOINT_TYPE,
    WORKERGROUP_TYPE,
    clean_env,
    configured_host,
    decoded,
    with_provider,
)
from tests.support.provider_host import UNKNOWN, ProviderHost, plain, secret


def api_requests(control: SimulatorControl) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in control.requests()]


def writes(control: SimulatorControl) -> list[str]:
    return [r for r in api_requests(control) if not r.startswith("GET")]


# __provider


def test_pickled_provider_is_a_reference_without_secrets(blobs: dict[str, str]) -> None:
    for type_token, module in [
        (ENDPOINT_TYPE, b"pulumi_vast_serverless.providers.endpoint"),
        (WORKERGROUP_TYPE, b"pulumi_vast_serverless.providers.workergroup"),
    ]:
        raw = decoded(blobs[type_token])
        assert module in raw
        assert KEY_A.encode() not in raw
        assert b"apiKey" not in raw
        assert len(blobs[type_token]) < 200  # a class reference, not a pickled closure


# check


@pytest.mark.parametrize(
    ("kind", "props", "prop", "reason"),
    [
        (
            "ep",
            {"endpoint_name": "x", "target_util": 1.5},
            "target_util",
            "target_util must be in (0, 1]; got 1.5",
        ),
        (
            "ep",
            {"endpoint_name": "x", "max_workers": 2.5},
            "max_workers",
            "max_workers must be a whole number; got 2.5",
        ),
        ("ep", {"endpoint_name": "x", "min_load": -3}, "min_load", "min_load must be zero or more"),
        (
            "ep",
            {"endpoint_name": "x", "cold_mult": "big"},
            "cold_mult",
            "cold_mult must be a number",
        ),
        ("ep", {"endpoint_name": "bad name"}, "endpoint_name", "endpoint_name must be 1-255"),
        ("ep", {"min_load": 1}, "endpoint_name", "endpoint_name is required"),
        (
            "ep",
            {"endpoint_name": "x", "endpoint_state": "on"},
            "endpoint_state",
            "endpoint_state must be one of active, suspended, stopped",
        ),
        (
            "ep",
            {"endpoint_name": "x", "inactivity_timeout": 1.5},
            "inactivity_timeout",
            "inactivity_timeout must be a whole number",
        ),
        (
            "wg",
            {"template_hash": "h"},
            "endpoint_id",
            "set exactly one of endpoint_id and endpoint_name; got neither",
        ),
        (
            "wg",
            {"endpoint_id": 1, "endpoint_name": "x", "template_hash": "h"},
            "endpoint_id",
            "set exactly one of endpoint_id and endpoint_name; got both",
        ),
        (
            "wg",
            {"endpoint_id": 1},
            "template_hash",
            "set template_hash or template_id (what the workers run",
        ),
        (
            "wg",
            {"endpoint_id": 1, "template_hash": "h", "gpu_ram": -1},
            "gpu_ram",
            "gpu_ram must be zero or more",
        ),
        (
            "wg",
            {"endpoint_id": 1.5, "template_hash": "h"},
            "endpoint_id",
            "endpoint_id must be a whole number",
        ),
        (
            "wg",
            {"endpoint_id": 1, "template_id": 2.2},
            "template_id",
            "template_id must be a whole number",
        ),
        (
            "wg",
            {"endpoint_id": 1, "template_hash": "h", "target_util": 0},
            "target_util",
            "target_util must be in (0, 1]",
        ),
        (
            "wg",
            {"endpoint_id": 1, "template_hash": "h", "search_params": ""},
            "search_params",
            "search_params must not be empty",
        ),
    ],
)
def test_every_check_failure_names_the_property_and_the_fix(
    host: ProviderHost,
    blobs: dict[str, str],
    control: SimulatorControl,
    kind: str,
    props: dict[str, Any],
    prop: str,
    reason: str,
) -> None:
    blob = blobs[ENDPOINT_TYPE if kind == "ep" else WORKERGROUP_TYPE]
    _, failures = host.check(with_provider(blob, **props))
    assert [p for p, _ in failures] == [prop]
    assert failures[0][1].startswith(reason)
    assert control.requests() == []  # check never calls Vast


def test_check_passes_unknowns_through_and_validates_the_rest(
    host: ProviderHost, blobs: dict[str, str]
) -> None:
    inputs, failures = host.check(
        with_provider(
            blobs[WORKERGROUP_TYPE],
            endpoint_id=UNKNOWN,
            template_hash=UNKNOWN,
            search_params=UNKNOWN,
            gpu_ram=24.0,
            max_workers=4.0,
        )
    )
    assert failures == []
    assert isinstance(inputs["endpoint_id"], Unknown)
    assert isinstance(inputs["search_params"], Unknown)
    assert isinstance(inputs["template_hash"], Unknown)
    _, failures = host.check(
        with_provider(blobs[ENDPOINT_TYPE], endpoint_name=UNKNOWN, target_util=7)
    )
    assert [p for p, _ in failures] == ["target_util"]


def test_check_keeps_secret_inputs_secret(host: ProviderHost, blobs: dict[str, str]) -> None:
    inputs, failures = host.check(
        with_provider(
            blobs[WORKERGROUP_TYPE],
            endpoint_id=1,
            template_hash=secret("h"),
            launch_args="--env HF_TOKEN=x",
        )
    )
    assert failures == []
    assert inputs["template_hash"] == secret("h")  # the program marked it secret
    assert inputs["launch_args"] == secret("--env HF_TOKEN=x")  # always secret


# create, read, update, delete


def create_endpoint(
    host: ProviderHost, blob: str, **props: Any
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    inputs, failures = host.check(with_provider(blob, **props))
    assert failures == []
    endpoint_id, outs = host.create(inputs)
    return endpoint_id, inputs, outs


def test_endpoint_lifecycle(
    host: ProviderHost, blobs: dict[str, str], control: SimulatorControl
) -> None:
    blob = blobs[ENDPOINT_TYPE]
    endpoint_id, inputs, outs = create_endpoint(
        host, blob, endpoint_name="llm", min_load=10, max_workers=20.0
    )
    assert outs["endpoint_name"] == "llm"
    assert outs["cold_mult"] == 2.5  # server default reported
    assert outs["endpoint_state"] == "active"
    assert outs["declared_inputs"] == ["endpoint_name", "max_workers", "min_load"]
    assert writes(control) == ["POST /api/v0/endptjobs/"]

    assert host.diff(endpoint_id, outs, inputs).changes == 1  # DIFF_NONE

    read_id, read_outs, _read_inputs = host.read(endpoint_id, outs)
    assert read_id == endpoint_id
    assert read_outs == outs

    changed = {**inputs, "min_load": 12.0}
    diff = host.diff(endpoint_id, outs, changed)
    assert diff.changes == 2  # DIFF_SOME
    assert list(diff.replaces) == []
    new_outs = host.update(endpoint_id, outs, changed)
    assert new_outs["min_load"] == 12.0
    assert writes(control)[-1] == f"PUT /api/v0/endptjobs/{endpoint_id}/"
    assert len(writes(control)) == 2

    host.delete(endpoint_id, new_outs)
    host.delete(endpoint_id, new_outs)  # already gone counts as deleted
    gone_id, _, _ = host.read(endpoint_id, new_outs)
    assert gone_id == ""


def test_integer_fields_reach_vast_as_integers(
    host: ProviderHost, blobs: dict[str, str], client: VastClient
) -> None:
    """The engine sends 20.0; the simulator, like Vast's pattern, refuses a float."""
    create_endpoint(
        host,
        blobs[ENDPOINT_TYPE],
        endpoint_name="ints",
        cold_workers=3.0,
        max_workers=20.0,
        inactivity_timeout=-1.0,
    )
    (row,) = client.list_endpoints(fresh=True)
    assert (row["cold_workers"], row["max_workers"], row["inactivity_timeout"]) == (3, 20, -1)


@pytest.mark.parametrize(("initial_state", "puts"), [("applied", 0), ("ignored", 1)])
def test_endpoint_state_is_sent_on_create_and_put_only_if_vast_ignored_it(
    host: ProviderHost,
    blobs: dict[str, str],
    control: SimulatorControl,
    initial_state: str,
    puts: int,
) -> None:
    """The backend files say create takes endpoint_state; older ones that it starts active."""
    control.set_variants(initial_state=initial_state)
    endpoint_id, _, outs = create_endpoint(
        host, blobs[ENDPOINT_TYPE], endpoint_name="paused", endpoint_state="suspended"
    )
    assert outs["endpoint_state"] == "suspended"
    assert (
        writes(control)
        == ["POST /api/v0/endptjobs/"] + [f"PUT /api/v0/endptjobs/{endpoint_id}/"] * puts
    )


def test_workergroup_lifecycle(
    host: ProviderHost, blobs: dict[str, str], control: SimulatorControl
) -> None:
    endpoint_id, _, _ = create_endpoint(host, blobs[ENDPOINT_TYPE], endpoint_name="llm")
    inputs, failures = host.check(
        with_provider(
            blobs[WORKERGROUP_TYPE],
            endpoint_id=endpoint_id,
            template_hash="abc",
            gpu_ram=24,
            search_params="gpu_name=RTX_4090 num_gpus=1",
            launch_args="--env HF_TOKEN=hf_x",
        )
    )
    assert failures == []
    group_id, outs = host.create(inputs)
    assert outs["endpoint_id"] == int(endpoint_id)
    # Vast's own client adds these filters; so do we, and the user's terms come first.
    assert outs["search_params"] == (
        "gpu_name=RTX_4090 num_gpus=1 verified=True rentable=True rented=False"
    )
    assert outs["search_query"] == {
        "gpu_name": {"eq": "RTX 4090"},
        "num_gpus": {"eq": 1},
        "verified": {"eq": True},
        "rentable": {"eq": True},
        "rented": {"eq": False},
    }
    assert outs["launch_args"] == secret("--env HF_TOKEN=hf_x")  # stored encrypted
    assert outs["cold_mult"] == 3.0  # server default reported
    assert outs.get("test_workers") is None  # Vast never shows it: unknown, not guessed
    # Vast's re-encoding of search_params as search_query is not drift.
    assert host.diff(group_id, outs, inputs).changes == 1

    changed = {**inputs, "gpu_ram": 48.0, "template_hash": "def"}
    diff = host.diff(group_id, outs, changed)
    assert (diff.changes, list(diff.replaces)) == (2, [])
    new_outs = host.update(group_id, outs, changed)
    assert (new_outs["gpu_ram"], new_outs["template_hash"]) == (48.0, "def")
    # A new template: Vast rolls the workers by itself on the PUT; nothing more is sent.
    assert writes(control)[-1] == f"PUT /api/v0/autojobs/{group_id}/"
    assert "POST /update_workers/" not in writes(control)

    host.delete(group_id, new_outs)
    assert host.read(group_id, new_outs)[0] == ""


NEW_VALUES: dict[str, Any] = {
    "endpoint_name": "renamed",
    "min_load": 3.0,
    "min_cold_load": 1.0,
    "target_util": 0.5,
    "cold_mult": 1.5,
    "cold_workers": 1.0,
    "max_workers": 9.0,
    "max_queue_time": 12.0,
    "target_queue_time": 4.0,
    "inactivity_timeout": 60.0,
    "endpoint_state": "stopped",
    "endpoint_id": 999.0,
    "template_hash": "other",
    "template_id": 77.0,
    "search_params": "gpu_name=H100",
    "launch_args": "--x",
    "gpu_ram": 80.0,
    "test_workers": 1.0,
    "template_revision": "content-v2",
}


@pytest.mark.parametrize(
    "prop",
    [p for p in ENDPOINT_PROPS if p.name not in ENDPOINT.provider_only]
    + [p for p in WORKERGROUP_PROPS if p.name not in WORKERGROUP.provider_only],
    ids=lambda p: f"{p.name}-{p.change}",
)
def test_diff_reports_update_or_replace_per_the_property_table(
    host: ProviderHost, blobs: dict[str, str], prop: Any
) -> None:
    endpoint_id, ep_inputs, ep_outs = create_endpoint(
        host, blobs[ENDPOINT_TYPE], endpoint_name="table"
    )
    if prop in ENDPOINT_PROPS:
        olds, inputs, object_id = ep_outs, ep_inputs, endpoint_id
    else:
        inputs, _ = host.check(
            with_provider(blobs[WORKERGROUP_TYPE], endpoint_id=endpoint_id, template_hash="h")
        )
        object_id, olds = host.create(inputs)
        if prop.name == "endpoint_id":
            inputs = {k: v for k, v in inputs.items() if k != "endpoint_name"}
        if prop.name == "endpoint_name":
            inputs = {k: v for k, v in inputs.items() if k != "endpoint_id"}
    value = NEW_VALUES.get(prop.name, 6.0)
    # An input Vast's engine ignores changes nothing (1: no diff); others do (2).
    expected = 1 if prop.change == "ignored" else 2
    for news in ({**inputs, prop.name: value}, {**inputs, prop.name: UNKNOWN}):
        diff = host.diff(object_id, olds, news)
        assert diff.changes == expected
        assert list(diff.replaces) == ([prop.name] if prop.change == "replace" else [])


# drift, adoption, ambiguity, secrets


def test_refresh_reports_out_of_band_changes_and_up_restores_them(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, sim_url: str
) -> None:
    endpoint_id, inputs, outs = create_endpoint(
        host, blobs[ENDPOINT_TYPE], endpoint_name="d", min_load=10
    )
    client.update_endpoint(int(endpoint_id), min_load=99, cold_mult=9)
    refresher = configured_host(sim_url)
    try:
        _, read_outs, read_inputs = refresher.read(endpoint_id, outs)
    finally:
        refresher.close()
    assert read_outs["min_load"] == 99.0
    assert read_outs["cold_mult"] == 9.0
    # Inputs come back for what the program declares, with live values.
    assert {k: v for k, v in read_inputs.items() if k != "__provider"} == {
        "endpoint_name": "d",
        "min_load": 99.0,
    }
    diff = host.diff(endpoint_id, read_outs, inputs)
    assert diff.changes == 2  # min_load drifted; cold_mult is not declared, so not drift
    restored = host.update(endpoint_id, read_outs, inputs)
    assert restored["min_load"] == 10.0


def test_refresh_drops_an_object_deleted_out_of_band(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, sim_url: str
) -> None:
    endpoint_id, _, outs = create_endpoint(host, blobs[ENDPOINT_TYPE], endpoint_name="gone")
    client.delete_endpoint(int(endpoint_id))
    refresher = configured_host(sim_url)
    try:
        assert refresher.read(endpoint_id, outs)[0] == ""
    finally:
        refresher.close()


def test_existing_name_is_refused_without_adopt_existing(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, control: SimulatorControl
) -> None:
    client.create_endpoint(endpoint_name="taken")
    with pytest.raises(grpc.RpcError) as caught:
        create_endpoint(host, blobs[ENDPOINT_TYPE], endpoint_name="taken")
    details = caught.value.details() or ""
    assert "an endpoint named 'taken' already exists" in details
    assert "adopt_existing=True" in details
    assert len(client.list_endpoints(fresh=True)) == 1


def test_adopt_existing_takes_over_and_applies_the_declared_config(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, control: SimulatorControl
) -> None:
    existing = client.create_endpoint(endpoint_name="legacy", min_load=1)
    endpoint_id, _, outs = create_endpoint(
        host, blobs[ENDPOINT_TYPE], endpoint_name="legacy", min_load=25, adopt_existing=True
    )
    assert endpoint_id == str(existing)
    assert outs["min_load"] == 25.0
    assert outs["adopt_existing"] is True
    assert writes(control)[-1] == f"PUT /api/v0/endptjobs/{existing}/"
    assert len(client.list_endpoints(fresh=True)) == 1


def test_a_group_on_an_endpoint_this_process_created_is_created_without_a_look(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, control: SimulatorControl
) -> None:
    """The look before a group's create finds groups an interrupted `up` left: none can
    hang off an endpoint this process made. On an endpoint it adopted, the look stays."""
    existing = client.create_endpoint(endpoint_name="old")
    left = client.create_workergroup(
        endpoint_id=existing, template_hash="h", search_params=DEFAULT_FILTERS
    )
    endpoint_id, _, _ = create_endpoint(host, blobs[ENDPOINT_TYPE], endpoint_name="new")
    group = with_provider(blobs[WORKERGROUP_TYPE], endpoint_id=endpoint_id, template_hash="h")
    before = len(control.requests())
    host.create(host.check(group)[0])
    # The create, then its read-back.
    assert api_requests(control)[before:] == ["POST /api/v0/autojobs/", "GET /api/v0/autojobs/"]

    adopted, _, _ = create_endpoint(
        host, blobs[ENDPOINT_TYPE], endpoint_name="old", adopt_existing=True
    )
    twin = with_provider(blobs[WORKERGROUP_TYPE], endpoint_id=adopted, template_hash="h")
    with pytest.raises(grpc.RpcError) as caught:
        host.create(host.check(twin)[0])
    assert f"workergroup {left} on endpoint {existing} already runs" in (
        caught.value.details() or ""
    )


@pytest.mark.parametrize("route", ["POST /endptjobs/", "POST /workergroups/"])
def test_commit_then_drop_on_create_leaves_exactly_one_object(
    host: ProviderHost,
    blobs: dict[str, str],
    client: VastClient,
    control: SimulatorControl,
    route: str,
) -> None:
    if route == "POST /endptjobs/":
        control.fault(route, "drop_after_commit")
    endpoint_id, _, _ = create_endpoint(host, blobs[ENDPOINT_TYPE], endpoint_name="one")
    control.fault("POST /workergroups/", "drop_after_commit")
    inputs, _ = host.check(
        with_provider(blobs[WORKERGROUP_TYPE], endpoint_id=endpoint_id, template_hash="h")
    )
    group_id, _ = host.create(inputs)
    assert [row["id"] for row in client.list_endpoints(fresh=True)] == [int(endpoint_id)]
    assert [row["id"] for row in client.list_workergroups(fresh=True)] == [int(group_id)]


def test_a_missing_key_fails_the_preview_naming_both_ways_to_set_it(
    sim_url: str, blobs: dict[str, str], control: SimulatorControl
) -> None:
    provider = ProviderHost(env=clean_env())
    try:
        provider.configure({"vast:apiUrl": sim_url})
        _, failures = provider.check(with_provider(blobs[ENDPOINT_TYPE], endpoint_name="k"))
        # Said in full once per provider process; every other resource fails too (so
        # nothing proceeds), pointing at it.
        _, again = provider.check(with_provider(blobs[ENDPOINT_TYPE], endpoint_name="j"))
    finally:
        provider.close()
    ((prop, reason),) = failures
    assert prop == ""
    assert reason.startswith("no Vast API key: set the secret stack config `vast:apiKey`")
    assert "VAST_API_KEY" in reason
    assert again == [("", SEE_ABOVE)]
    assert control.requests() == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"vast:api_key": "k"},
            "stack config sets vast:api_key, which this provider does not read: did you mean "
            "vast:apiKey?",
        ),
        (
            {"vast:apiKey": "k", "vast:apiUrl": "http://127.0.0.1:8787"},
            "the Vast API URL 'http://127.0.0.1:8787' does not end in /api/v0 (check `vast:apiUrl`",
        ),
        (
            {"vast:apiKey": "k", "vast:apiUrl": "console.vast.ai/api/v0"},
            "the Vast API URL must be an http(s) URL",
        ),
    ],
)
def test_settings_that_cannot_be_right_fail_the_preview(
    blobs: dict[str, str], config: dict[str, str], message: str
) -> None:
    provider = ProviderHost(env=clean_env())
    try:
        provider.configure(config)
        _, failures = provider.check(with_provider(blobs[ENDPOINT_TYPE], endpoint_name="k"))
    finally:
        provider.close()
    assert any(reason.startswith(message) for _, reason in failures), failures


def test_key_from_the_environment_is_used(sim_url: str, blobs: dict[str, str]) -> None:
    provider = ProviderHost(env={**clean_env(), "VAST_API_KEY": KEY_B, "VAST_API_URL": sim_url})
    try:
        provider.configure({})
        inputs, _ = provider.check(with_provider(blobs[ENDPOINT_TYPE], endpoint_name="env"))
        provider.create(inputs)
    finally:
        assert_no_key(provider.close())
    assert [r["endpoint_name"] for r in VastClient(KEY_B, base_url=sim_url).list_endpoints()] == [
        "env"
    ]


def test_a_refused_key_is_reported_without_the_key(blobs: dict[str, str]) -> None:
    """A refused key: the error says what to fix and never carries the key."""
    with run_simulator(api_keys=[KEY_B]) as url:
        provider = ProviderHost(env=clean_env())
        try:
            provider.configure({"vast:apiKey": secret(KEY_A), "vast:apiUrl": url})
            inputs, _ = provider.check(with_provider(blobs[ENDPOINT_TYPE], endpoint_name="n"))
            assert_no_key(repr(inputs))
            with pytest.raises(grpc.RpcError) as caught:
                provider.create(inputs)
        finally:
            stderr = provider.close()
    details = caught.value.details() or ""
    assert "HTTP 401" in details
    assert "vast:apiKey" in details
    assert_no_key(details + stderr)


def test_outputs_never_carry_vasts_api_key_field(host: ProviderHost, blobs: dict[str, str]) -> None:
    endpoint_id, _, outs = create_endpoint(host, blobs[ENDPOINT_TYPE], endpoint_name="s")
    _, read_outs, read_inputs = host.read(endpoint_id, outs)
    for props in (outs, read_outs, read_inputs):
        assert "api_key" not in props
        assert_no_key(repr({k: plain(v) for k, v in props.items()}))


def test_adopt_existing_reads_again_and_adopts_when_vast_refuses_a_duplicate_name(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, control: SimulatorControl
) -> None:
    # The provider's look before a create is any list under two seconds old: this one's.
    create_endpoint(host, blobs[ENDPOINT_TYPE], endpoint_name="first")
    existing = client.create_endpoint(endpoint_name="dup")  # made meanwhile, elsewhere
    _, _, outs = create_endpoint(
        host, blobs[ENDPOINT_TYPE], endpoint_name="dup", adopt_existing=True, max_workers=3.0
    )
    posts = [
        r["status"]
        for r in control.requests()
        if (r["method"], r["path"]) == ("POST", "/api/v0/endptjobs/")
    ]
    assert posts[-1] == 400  # Vast refused a second "dup": the provider read again, adopted
    assert outs["endpoint_name"] == "dup"
    assert [row["id"] for row in client.list_endpoints(fresh=True)].count(existing) == 1
    assert len(client.list_endpoints(fresh=True)) == 2
    assert client.list_endpoints(fresh=True)[1]["max_workers"] == 3  # the declared config
