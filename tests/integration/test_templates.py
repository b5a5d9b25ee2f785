"""The Template provider through a real provider process, against the simulator."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.simulator import SimulatorControl
from tests.support.keys import KEY_B
from tests.support.provider_fixtures import TEMPLATE_TYPE, with_provider
from tests.support.provider_host import ProviderHost, plain, secret

BASE: dict[str, Any] = {"name": "vllm", "image": "vllm/vllm-openai", "tag": "v1"}


def create(
    host: ProviderHost, blob: str, **props: Any
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    inputs, failures = host.check(with_provider(blob, **{**BASE, **props}))
    assert failures == []
    template_id, outs = host.create(inputs)
    return template_id, inputs, outs


def templates(control: SimulatorControl) -> int:
    return control.object_counts()["templates"]


@pytest.mark.parametrize(
    ("props", "prop", "reason"),
    [
        ({"image": "x"}, "name", "name is required"),
        ({"name": "x"}, "image", "image is required"),
        ({**BASE, "runtype": "docker"}, "runtype", "runtype must be one of args, ssh, jupyter"),
        (
            {**BASE, "extra_filters": {"cuda_vesr": {"gte": 12}}},
            "extra_filters",
            "extra_filters is not a Vast offer filter: unknown offer field 'cuda_vesr'",
        ),
        (
            {**BASE, "recommended_disk_space": -8},
            "recommended_disk_space",
            "recommended_disk_space must be zero or more",
        ),
    ],
)
def test_bad_template_inputs_fail_the_preview(
    host: ProviderHost,
    blobs: dict[str, str],
    control: SimulatorControl,
    props: dict[str, Any],
    prop: str,
    reason: str,
) -> None:
    _, failures = host.check(with_provider(blobs[TEMPLATE_TYPE], **props))
    assert [p for p, _ in failures] == [prop]
    assert failures[0][1].startswith(reason)
    assert control.requests() == []


def test_env_and_the_registry_password_are_secrets(
    host: ProviderHost, blobs: dict[str, str]
) -> None:
    _, inputs, outs = create(
        host,
        blobs[TEMPLATE_TYPE],
        env="-e HF_TOKEN=hf_x",
        docker_login_pass="registry-pw",  # noqa: S106 (a test value)
    )
    assert inputs["env"] == secret("-e HF_TOKEN=hf_x")
    assert inputs["docker_login_pass"] == secret("registry-pw")
    assert outs["env"] == secret("-e HF_TOKEN=hf_x")
    # Vast shows the password masked; the output keeps the one sent, encrypted.
    assert outs["docker_login_pass"] == secret("registry-pw")


def test_template_lifecycle_edits_in_place_with_a_new_hash(
    host: ProviderHost, blobs: dict[str, str], control: SimulatorControl
) -> None:
    template_id, inputs, outs = create(host, blobs[TEMPLATE_TYPE])
    assert (outs["template_id"], outs["tag"], outs["runtype"]) == (int(template_id), "v1", "args")
    assert host.diff(template_id, outs, inputs).changes == 1  # DIFF_NONE
    assert host.read(template_id, outs)[1]["hash_id"] == outs["hash_id"]

    changed = {**inputs, "tag": "v2"}
    diff = host.diff(template_id, outs, changed)
    assert (diff.changes, list(diff.replaces)) == (2, [])
    edited = host.update(template_id, outs, changed)
    assert edited["template_id"] == int(template_id)  # the numeric id stays
    assert edited["hash_id"] != outs["hash_id"]  # the content address moves
    assert edited["tag"] == "v2"
    edits = [r for r in control.requests() if r["method"] == "PUT"]
    assert len(edits) == 1
    # As Vast's own client edits: the v1 route, by id and current hash, the whole template.
    assert edits[0]["path"] == "/api/v1/template/"
    body = edits[0]["body"]
    assert (body["id"], body["hash_id"]) == (int(template_id), outs["hash_id"])
    assert (body["name"], body["image"], body["tag"], body["runtype"]) == (
        "vllm",
        "vllm/vllm-openai",
        "v2",
        "args",
    )

    host.delete(template_id, edited)
    assert templates(control) == 0
    assert host.read(template_id, edited)[0] == ""


def test_a_lost_create_answer_is_sent_again_and_finds_the_first(
    host: ProviderHost, blobs: dict[str, str], control: SimulatorControl
) -> None:
    control.fault("POST /template/", "drop_after_commit")
    template_id, _, outs = create(host, blobs[TEMPLATE_TYPE])
    assert templates(control) == 1
    posts = [r["status"] for r in control.requests() if r["method"] == "POST"]
    assert posts == [0, 200]  # the dropped one committed; the second found it
    assert outs["template_id"] == int(template_id)


def test_an_existing_template_of_the_same_content_needs_adopt_existing(
    host: ProviderHost, blobs: dict[str, str], client: VastClient, control: SimulatorControl
) -> None:
    existing, _ = client.create_template(**BASE)
    with pytest.raises(grpc.RpcError) as caught:
        create(host, blobs[TEMPLATE_TYPE])
    details = caught.value.details() or ""
    assert f"a template with exactly this content exists already (id {existing['id']}" in details
    assert "Set adopt_existing=True on this Template" in details
    template_id, _, _ = create(host, blobs[TEMPLATE_TYPE], adopt_existing=True)
    assert int(template_id) == existing["id"]
    assert templates(control) == 1


def test_a_template_others_use_stays_when_the_stack_lets_go(
    host: ProviderHost, blobs: dict[str, str], sim_url: str, control: SimulatorControl
) -> None:
    template_id, _, outs = create(host, blobs[TEMPLATE_TYPE], private=False)
    other = VastClient(KEY_B, base_url=sim_url)
    other.create_template(**BASE, private=False)  # links the same content to another user
    host.delete(template_id, outs)  # no error: it is no longer this stack's
    assert templates(control) == 1
    assert [t["id"] for t in other.search_templates(id={"eq": int(template_id)})] == [
        int(template_id)
    ]
    assert plain(outs["name"]) == "vllm"


def test_editing_another_accounts_template_makes_an_edited_copy(
    host: ProviderHost, blobs: dict[str, str], sim_url: str, control: SimulatorControl
) -> None:
    other = VastClient(KEY_B, base_url=sim_url)
    theirs, _ = other.create_template(**BASE, private=False)
    template_id, inputs, outs = create(
        host, blobs[TEMPLATE_TYPE], private=False, adopt_existing=True
    )
    assert int(template_id) == theirs["id"]
    edited = host.update(template_id, outs, {**inputs, "tag": "v2"})
    # The v1 edit copies what the caller did not create; theirs stays as it was.
    assert edited["template_id"] != theirs["id"]
    assert edited["tag"] == "v2"
    assert [t["hash_id"] for t in other.search_templates(id={"eq": theirs["id"]})] == [
        theirs["hash_id"]
    ]
    assert host.read(template_id, edited)[1]["template_id"] == edited["template_id"]
    assert templates(control) == 2
