"""What a deploy costs, through the real engine: the estimate at preview, the ceiling that
refuses a deploy before any write, the price cap, and what a stack spends once it runs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
import requests
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, VastClient, Workergroup, get_workergroup_logs
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import StackError, local_stack
from tests.support.keys import KEY_A

RTX = "gpu_name=RTX_4090 num_gpus=1"
H100 = "gpu_name=H100_SXM num_gpus=1"


@pytest.fixture
def sim() -> Iterator[tuple[str, SimulatorControl]]:
    with run_simulator() as url:
        yield url, SimulatorControl(url)


def stack_of(
    program: Callable[[], None], url: str, engine_dir: str, tmp: Path, **config: str
) -> auto.Stack:
    stack = local_stack(
        program, state_dir=tmp, api_url=url, api_key=KEY_A, pulumi_bin_dir=engine_dir
    )
    for key, value in config.items():
        stack.set_config(f"vast:{key}", auto.ConfigValue(value))
    return stack


def priciest(url: str, search: str, disk: float = 8.0) -> float:
    """The priciest offer the simulator's market has for a search, asked directly."""
    with VastClient("any", base_url=url) as client:
        return max(float(o["dph_total"]) for o in client.search_offers(search, storage_gb=disk))


def diagnostics(events: list[auto.EngineEvent], severity: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for event in events:
        d = event.diagnostic_event
        if d is not None and d.severity == severity:
            name = d.urn.rsplit("::", 1)[-1] if d.urn else "stack"
            found.setdefault(name, []).append(" ".join(d.message.split()))
    return found


def two_groups(max_workers: Any = 4, cap: float | None = None) -> Callable[[], None]:
    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="priced", max_workers=max_workers, cold_workers=2)
        Workergroup("rtx", endpoint_id=endpoint.id, template_hash="h", search_params=RTX)
        Workergroup(
            "h100",
            endpoint_id=endpoint.id,
            template_hash="h",
            search_params=H100,
            max_hourly_price=cap,
        )
        Workergroup(
            "typo", endpoint_id=endpoint.id, template_hash="h", search_params="gpu_name=RTX_9090"
        )
        pulumi.export("endpoint_id", endpoint.id)

    return program


def test_preview_shows_the_worst_case_per_endpoint_and_for_the_stack(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    url, control = sim
    events: list[auto.EngineEvent] = []
    stack_of(two_groups(), url, engine_dir, tmp_path).preview(on_event=events.append)
    sent = [(r["path"], r["keyed"]) for r in control.requests()]
    h100 = priciest(url, H100 + " verified=True rentable=True rented=False")
    worst = f"${4 * h100:,.2f}/h"
    infos = diagnostics(events, "info")
    (endpoint_line,) = infos["llm"]
    assert endpoint_line.startswith(
        f"endpoint llm: worst case {worst} (max_workers 4 x ${h100:,.2f}/h, the priciest offer "
        "its groups select now: 1x H100 SXM); cold workers idle $"
    )
    assert "offers now: rtx " in endpoint_line
    assert endpoint_line.endswith("typo none")
    assert infos["stack"] == [f"stack worst case {worst} over 1 endpoint"]
    (typo,) = diagnostics(events, "warning")["typo"]
    assert typo.startswith("no offer on Vast matches this group's search now (gpu_name=RTX_9090")
    # Nothing with the key at preview: the public offer search only, once per search.
    assert sent == [("/api/v0/bundles/", False)] * 3


def test_a_figure_unknown_at_preview_shows_as_unknown(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    url, _ = sim
    events: list[auto.EngineEvent] = []
    program = two_groups(max_workers=pulumi.Output.from_input(4))
    stack_of(program, url, engine_dir, tmp_path).preview(on_event=events.append)
    infos = diagnostics(events, "info")
    assert infos["llm"][0].startswith(
        "endpoint llm: worst case unknown at preview (max_workers is not known yet)"
    )
    assert infos["stack"] == ["stack worst case unknown at preview over 1 endpoint"]


def test_the_ceiling_refuses_preview_and_up_before_any_write(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    url, control = sim
    stack = stack_of(two_groups(), url, engine_dir, tmp_path, maxHourlySpend="5")
    worst = 4 * priciest(url, H100 + " verified=True rentable=True rented=False")
    for run in (stack.preview, stack.up):
        with pytest.raises(auto.CommandError) as caught:
            run()
        assert (
            f"the stack's worst case ${worst:,.2f}/h is above vast:maxHourlySpend $5.00/h: "
            f"endpoint llm ${worst:,.2f}/h (4 x ${worst / 4:,.2f}/h). Nothing was written. "
            "Ways down: lower max_workers"
        ) in " ".join(str(caught.value).split())
    assert [r for r in control.requests() if r["keyed"]] == []
    assert control.object_counts() == {"endpoints": 0, "workergroups": 0, "templates": 0}

    # Within a raised ceiling the deploy goes on.
    stack.set_config("vast:maxHourlySpend", auto.ConfigValue(f"{worst + 1:.2f}"))
    assert stack.up().summary.resource_changes == {"create": 4, "same": 1}  # stack: made before


def test_a_price_cap_bounds_the_worst_case_and_what_is_recruited(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    url, control = sim
    control.set_worker_speed(100)

    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="capped", max_workers=3, cold_workers=3)
        group = Workergroup(
            "h100", endpoint_id=endpoint.id, template_hash="h", search_params=H100,
            max_hourly_price=2.5,
        )  # fmt: skip
        pulumi.export("group_id", group.id)

    events: list[auto.EngineEvent] = []
    stack = stack_of(program, url, engine_dir, tmp_path)
    stack.preview(on_event=events.append)
    capped = priciest(url, H100 + " verified=True rentable=True rented=False dph_total<=2.5")
    assert capped <= 2.5
    assert diagnostics(events, "info")["stack"] == [
        f"stack worst case ${3 * capped:,.2f}/h over 1 endpoint"
    ]
    group_id = int(stack.up().outputs["group_id"].value)
    (create,) = [
        r["body"]
        for r in control.requests()
        if (r["method"], r["path"]) == ("POST", "/api/v0/autojobs/")
    ]
    assert create["search_params"].endswith(" dph_total<=2.5")
    os.environ["VAST_API_KEY"], os.environ["VAST_API_URL"] = KEY_A, url
    try:
        deadline = time.monotonic() + 10
        while get_workergroup_logs(group_id).count("recruited") < 3:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        prices = [float(p) for p in re.findall(r"\$([0-9.]+)/h\)", get_workergroup_logs(group_id))]
    finally:
        del os.environ["VAST_API_KEY"], os.environ["VAST_API_URL"]
    assert len(prices) == 3
    assert max(prices) <= 2.5


def test_vast_spend_prints_what_a_stacks_endpoints_and_groups_spend_now(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    url, control = sim
    control.set_worker_speed(100)

    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="spending", max_workers=2, min_load=100)
        Workergroup("rtx", endpoint_id=endpoint.id, template_hash="h", search_params=RTX)

    stack = stack_of(program, url, engine_dir, tmp_path)
    stack.up()
    exported = json.dumps({"deployment": stack.export_stack().deployment})
    env = {**os.environ, "VAST_API_KEY": KEY_A, "VAST_API_URL": url}
    spend = str(Path(sys.executable).parent / "vast-spend")
    deadline = time.monotonic() + 15
    while True:  # until both serving workers bill their GPUs
        with VastClient(KEY_A, base_url=url) as client:
            if client.spend_rate()["gpu_cost_per_hour"] > 0 and all(
                w["status"] == "idle" for w in client.endpoint_workers(1)
            ):
                now = client.endpoint_spend()[1]
                break
        assert time.monotonic() < deadline
        time.sleep(0.1)
    done = subprocess.run(
        [spend, "-"], input=exported, capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"endpoint 1 spending (llm): ${now:,.2f}/h"
    assert lines[1] == f"  workergroup 1 (rtx): ${now:,.2f}/h"
    assert lines[2] == f"stack: ${now:,.2f}/h now (1 endpoint)"
    assert lines[3].startswith(f"account: ${now:,.2f}/h now (GPU $")
    assert requests.get(url.removesuffix("/api/v0") + "/_sim/objects", timeout=5).ok
    # Without a key it says what to set, in one line.
    bare = {k: v for k, v in env.items() if k != "VAST_API_KEY"}
    refused = subprocess.run(
        [spend, "-"], input=exported, capture_output=True, text=True, env=bare, check=False
    )
    assert (refused.returncode, refused.stdout.strip()) == (
        1,
        "vast-spend: set VAST_API_KEY (the key of the account the stack deploys to)",
    )
    # A local_stack's stack, read from its state directory as the README shows it; and
    # the same figures as JSON.
    local = subprocess.run(
        [spend, "--state-dir", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert local.returncode == 0, local.stdout + local.stderr
    figures = json.loads(local.stdout)
    assert [(o["kind"], o["id"], o["on_vast"]) for o in figures["objects"]] == [
        ("endpoint", 1, True),
        ("workergroup", 1, True),
    ]
    assert figures["stack_per_hour"] == pytest.approx(now, rel=0.5)
    wrong = subprocess.run(
        [spend, "--state-dir", str(tmp_path), "--stack", "nope"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == (
        f"vast-spend: no stack named 'nope' in {tmp_path}: choose one with --stack (local)"
    )


def test_under_vast_strict_what_would_warn_fails_the_preview_before_any_write(
    engine_dir: str, sim: tuple[str, SimulatorControl], tmp_path: Path
) -> None:
    """For CI: a search nothing matches, or a gpu_ram no search term backs, is an error."""
    url, control = sim

    def strict_stack(program: Callable[[], None], state: Path) -> auto.Stack:
        return local_stack(
            program, state_dir=state, api_url=url, api_key=KEY_A, pulumi_bin_dir=engine_dir,
            strict=True,
        )  # fmt: skip

    stack = strict_stack(two_groups(), tmp_path)
    with pytest.raises(StackError, match=r"vast:strict: no offer on Vast matches this group's"):
        stack.preview()
    with pytest.raises(StackError, match=r"vast:strict: no offer on Vast matches"):
        stack.up()
    assert control.object_counts() == {"endpoints": 0, "workergroups": 0, "templates": 0}

    def vram_without_a_term() -> None:
        endpoint = Endpoint("llm", endpoint_name="strict")
        Workergroup("w", endpoint_id=endpoint.id, template_hash="h", gpu_ram=80)

    stack = strict_stack(vram_without_a_term, tmp_path / "vram")
    with pytest.raises(StackError, match=r"gpu_ram=80 does not choose machines.*\(vast:strict\)"):
        stack.preview()
