"""Through the real engine: what Vast's serverless engine does, seen from a program.

Warnings at preview for inputs the engine never reads, waits refused at preview when
they cannot succeed, a Template named by id rolled once when its content changes, an
endpoint wait that waits again when its group is replaced, and Ctrl-C ending a wait.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pulumi
import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, Readiness, Template, VastClient, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A


@pytest.fixture
def sim() -> Iterator[tuple[str, SimulatorControl]]:
    with run_simulator() as url:
        yield url, SimulatorControl(url)


def stack_of(program: Callable[[], None], url: str, engine_dir: str, tmp: Path) -> auto.Stack:
    return local_stack(
        program, state_dir=tmp, api_url=url, api_key=KEY_A, pulumi_bin_dir=engine_dir
    )


def warnings(events: list[auto.EngineEvent]) -> dict[str, list[str]]:
    """Warnings the engine showed, by the name of the resource they are about."""
    found: dict[str, list[str]] = {}
    for event in events:
        diagnostic = event.diagnostic_event
        if diagnostic is not None and diagnostic.severity == "warning" and diagnostic.urn:
            name = diagnostic.urn.rsplit("::", 1)[-1]
            found.setdefault(name, []).append(" ".join(diagnostic.message.split()))
    return found


def test_preview_warns_per_group_about_inputs_vasts_engine_never_reads(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    url, control = sim

    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="warned", max_workers=20)
        Workergroup(
            "h100",
            endpoint_id=endpoint.id,
            template_hash="h",
            gpu_ram=80,
            search_params="gpu_name=H100_SXM num_gpus=1",
            max_workers=4,
            cold_workers=1,
        )
        Workergroup(
            "fine",
            endpoint_id=endpoint.id,
            template_hash="h",
            gpu_ram=24,
            search_params="gpu_ram>=24 num_gpus=1",
        )

    events: list[auto.EngineEvent] = []
    stack_of(program, url, engine_dir, tmp_path).preview(on_event=events.append)
    shown = warnings(events)
    assert shown == {
        "h100": [
            "cold_workers, max_workers on a Workergroup are ignored by Vast's serverless "
            "engine, which reads scaling from the endpoint only: set them on the Endpoint "
            "(they apply to all its workergroups together). To cap one GPU class, give it "
            "its own Endpoint, or cap its price with dph_total<=X in search_params. Nothing "
            "of these is sent: remove them from this Workergroup.",
            "gpu_ram=80 does not choose machines (Vast uses it to estimate bandwidth), and "
            "search_params sets no GPU memory: workers may land on cards too small for the "
            "model, and bill while they fail. Add gpu_ram>=80 to search_params.",
        ]
    }
    # A preview of a new stack calls nothing with the key: only the public offer search,
    # for its cost estimate.
    assert {(r["method"], r["path"], r["keyed"]) for r in control.requests()} == {
        ("POST", "/api/v0/bundles/", False)
    }


@pytest.mark.parametrize("wait", ["group", "endpoint"])
def test_a_wait_for_more_workers_than_the_endpoint_may_run_fails_the_preview(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path, wait: str
) -> None:
    url, control = sim

    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="capped", max_workers=2)
        group = Workergroup(
            "workers",
            endpoint_id=endpoint.id,
            template_hash="h",
            wait_for_ready=3 if wait == "group" else None,
        )
        if wait == "endpoint":
            Readiness(
                "serving",
                endpoint_id=endpoint.id,
                min_ready=3,
                opts=pulumi.ResourceOptions(depends_on=[group]),
            )

    with pytest.raises(auto.CommandError) as caught:
        stack_of(program, url, engine_dir, tmp_path).preview()
    assert (
        "min_ready 3 is above the endpoint's max_workers 2: Vast never runs more than "
        "max_workers workers on an endpoint, all its workergroups together. Lower min_ready "
        "(wait_for_ready on a Workergroup) or raise the Endpoint's max_workers."
    ) in " ".join(str(caught.value).split())
    assert [r for r in control.requests() if r["keyed"]] == []


def test_a_template_named_by_id_is_rolled_once_when_its_content_changes(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    url, control = sim
    tag = {"value": "v1"}

    def program() -> None:
        template = Template("vllm", name="by-id", image="vllm/vllm-openai", tag=tag["value"])
        endpoint = Endpoint("llm", endpoint_name="by-id")
        group = Workergroup("workers", endpoint_id=endpoint.id, template_id=template.template_id)
        pulumi.export("group_id", group.id)

    stack = stack_of(program, url, engine_dir, tmp_path)
    group_id = int(stack.up().outputs["group_id"].value)

    tag["value"] = "v2"
    preview = stack.preview()
    # The template's id is unknown while it changes, so the engine names it too.
    assert "workers update [diff: ~template_id,template_revision]" in preview.stdout
    since = len(control.requests())
    result = stack.up()
    assert result.summary.resource_changes == {"update": 2, "same": 2}
    sent = [(r["method"], r["path"], r["body"]) for r in control.requests()[since:]]
    # The group is unchanged on Vast (no PUT): one roll is asked for, since Vast sees none.
    assert [s[:2] for s in sent if s[0] != "GET"] == [
        ("PUT", "/api/v1/template/"),
        ("POST", "/update_workers/"),
    ]
    assert [s[2] for s in sent if s[1] == "/update_workers/"] == [{"workergroup_id": group_id}]
    assert stack.preview().change_summary == {auto.OpType.SAME: 4}


def test_an_endpoint_wait_waits_again_when_its_group_is_replaced(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    url, control = sim
    control.set_worker_speed(100)

    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="rewait", max_workers=2, cold_workers=1)
        group = Workergroup("workers", endpoint_id=endpoint.id, template_hash="h")
        Readiness(
            "serving",
            endpoint_id=endpoint.id,
            min_ready=1,
            opts=pulumi.ResourceOptions(depends_on=[group]),
        )
        pulumi.export("group_id", group.id)

    stack = stack_of(program, url, engine_dir, tmp_path)
    group_id = int(stack.up().outputs["group_id"].value)
    # The group goes (deleted in the console, say); refresh sees it, up makes a new one.
    with VastClient(KEY_A, base_url=url) as client:
        client.delete_workergroup(group_id)
    stack.refresh()
    since = len(control.requests())
    result = stack.up()
    assert result.summary.resource_changes == {"create": 1, "update": 1, "same": 2}
    polls = [r for r in control.requests()[since:] if r["path"] == "/get_endpoint_workers/"]
    assert polls  # the wait ran again, over the new group's workers


def test_ctrl_c_ends_a_wait_within_seconds(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    url, control = sim  # speed 1: a worker needs a minute; the wait would go on

    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="interrupted", cold_workers=1)
        Workergroup("workers", endpoint_id=endpoint.id, template_hash="h", wait_for_ready=1)

    stack = stack_of(program, url, engine_dir, tmp_path)
    outcome: dict[str, Any] = {}

    def up() -> None:
        try:
            stack.up()
        except auto.CommandError as exc:
            outcome["error"] = str(exc)

    running = threading.Thread(target=up)
    running.start()
    deadline = time.monotonic() + 60
    while not [r for r in control.requests() if r["path"] == "/get_workergroup_workers/"]:
        assert time.monotonic() < deadline, "the wait never started"
        time.sleep(0.1)
    interrupted = time.monotonic()
    for process in psutil.Process().children(recursive=True):
        if process.name() == "pulumi":
            process.send_signal(signal.SIGINT)  # Ctrl-C, once
    running.join(timeout=60)
    assert time.monotonic() - interrupted < 15
    assert "the wait for workergroup 1 was cancelled (Ctrl-C): 0 of 1 workers ready" in " ".join(
        outcome["error"].split()
    )
