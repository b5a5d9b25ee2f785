"""Vast answering in shapes its documents do not give, through the real engine.

Each shape change a changed API plausibly makes (the simulator's shape variants) gets a
whole `up` and its rerun: the deploy works, the user is told once what differed, Vast holds
exactly what the program declares (no duplicate, no orphan), the state tracks it, and the
rerun changes nothing. Then what no reading can take: a create whose id cannot be read, a
read-back that cannot be read, and a state an odd answer or an earlier release left with
numbers as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, Template, VastClient, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A

SHAPE_NOTICE = "in a shape its documents do not give"


def program() -> None:
    template = Template(
        "tpl",
        name="shapes",
        image="vllm/vllm-openai",
        env="-e MODEL=qwen",
        extra_filters={"cuda_max_good": {"gte": 12.6}},
        recommended_disk_space=40,
    )
    endpoint = Endpoint(
        "llm", endpoint_name="shapes", min_load=1.5, max_workers=3, inactivity_timeout=60
    )
    Workergroup(
        "group",
        endpoint_id=endpoint.id,
        template_hash=template.hash_id,
        search_params="gpu_ram>=24 gpu_name=RTX_4090",
        gpu_ram=24,
        launch_args="--max-model-len 4096",
    )
    pulumi.export("endpoint_id", endpoint.id)


@dataclass
class Shaped:
    stack: auto.Stack
    control: SimulatorControl
    client: VastClient

    def up(self, *, refresh: bool = True) -> tuple[auto.UpResult, str]:
        lines: list[str] = []
        result = self.stack.up(on_output=lines.append, refresh=refresh)
        return result, "\n".join(lines)

    def vast_holds(self) -> tuple[int, list[int]]:
        """(endpoints, [each group's endpoint]) as Vast has them."""
        groups = self.client.list_workergroups(fresh=True)
        return len(self.client.list_endpoints(fresh=True)), [g["endpoint_id"] for g in groups]

    def state_ids(self) -> dict[str, str]:
        return {name: r["id"] for name, r in self.resources().items()}

    def resources(self) -> dict[str, dict[str, Any]]:
        deployment = self.stack.export_stack().deployment or {}
        return {
            r["urn"].rsplit("::", 1)[1]: r
            for r in deployment.get("resources") or []
            if r.get("custom") and r["type"].startswith("pulumi-python:dynamic/vast:")
        }

    def assert_converged(self) -> None:
        """Exactly what is declared, tracked, and a rerun that changes nothing."""
        endpoint_id = int(self.stack.outputs()["endpoint_id"].value)
        assert self.vast_holds() == (1, [endpoint_id])
        ids = self.state_ids()
        assert ids["group"] == str(self.client.list_workergroups(fresh=True)[0]["id"])
        posts_before = self.posts()
        result, _ = self.up()
        assert result.summary.resource_changes == {"same": 4}
        assert self.posts() == posts_before

    def posts(self) -> int:
        return sum(1 for r in self.control.requests() if r["method"] in ("POST", "PUT"))


@pytest.fixture
def shaped(engine_dir: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Shaped]:
    variants = getattr(request, "param", {})
    with run_simulator(variants=variants) as url:
        stack = local_stack(
            program,
            state_dir=tmp_path,
            api_url=url,
            api_key=KEY_A,
            stack_name="shapes",
            pulumi_bin_dir=engine_dir,
        )
        client = VastClient(KEY_A, base_url=url)
        yield Shaped(stack, SimulatorControl(url), client)
        client.close()


# Each shape change, and whether the user is told (whole numbers as floats, null fields
# and extra fields change nothing we do: they are read silently).
SHAPES = [
    ({"numbers": "text"}, True),
    ({"numbers": "float"}, False),
    ({"optional_fields": "null"}, False),
    ({"optional_fields": "missing"}, True),
    ({"extra_fields": "added"}, False),
    ({"single_objects": "list"}, True),
    ({"search_query": "split"}, True),
    ({"id_keys": "renamed"}, True),
]


@pytest.mark.parametrize(
    ("shaped", "told"),
    SHAPES,
    indirect=["shaped"],
    ids=[f"{k}={v}" for (shape, _) in SHAPES for k, v in shape.items()],
)
def test_a_shape_change_deploys_once_and_reruns_clean(shaped: Shaped, told: bool) -> None:
    result, output = shaped.up(refresh=False)  # a new stack: nothing to refresh
    assert result.summary.resource_changes == {"create": 4}
    assert (SHAPE_NOTICE in output) is told
    # Once per route (shown live and in the summary), not once per row or per call.
    for route in set(re.findall(r"Vast answered (\S+ \S+) in a shape", output)):
        assert output.count(f"Vast answered {route} in a shape") == 2
    shaped.assert_converged()


@pytest.mark.parametrize(
    "shaped", [{"numbers": "text", "search_query": "split"}], indirect=True, ids=["soak-api"]
)
def test_a_lost_create_answer_on_a_new_endpoint_finds_its_group(shaped: Shaped) -> None:
    # The soak's duplicate: the search stored in another parsed form, values as text, and
    # the workergroup create's answer lost after Vast committed it.
    shaped.control.fault("POST /autojobs/", "drop_after_commit")
    result, _ = shaped.up(refresh=False)
    assert result.summary.resource_changes == {"create": 4}
    assert len([r for r in shaped.control.requests() if r["path"].endswith("/autojobs/")
                and r["method"] == "POST"]) == 1  # fmt: skip
    shaped.assert_converged()


def test_a_create_answer_without_a_readable_id_is_found(shaped: Shaped) -> None:
    shaped.control.fault("POST /autojobs/", "garbled")
    result, _ = shaped.up(refresh=False)
    assert result.summary.resource_changes == {"create": 4}
    shaped.assert_converged()


def test_a_read_back_that_cannot_be_read_still_records_the_group(shaped: Shaped) -> None:
    # The endpoint is new, so the first workergroup list of the run is the read-back.
    shaped.control.fault("GET /autojobs/", "garbled")
    result, output = shaped.up(refresh=False)  # a new stack: nothing to refresh
    assert result.summary.resource_changes == {"create": 4}
    assert "was created, but reading it back failed (VastAnswerError" in output
    assert "id came back as 'n/a'" in output
    shaped.assert_converged()


def test_a_state_holding_numbers_as_text_loads_refreshes_and_updates(shaped: Shaped) -> None:
    shaped.up(refresh=False)
    deployment = shaped.stack.export_stack()
    for resource in (deployment.deployment or {}).get("resources") or []:
        for section in ("inputs", "outputs"):
            values = resource.get(section) or {}
            for name in ("min_load", "max_workers", "gpu_ram", "inactivity_timeout"):
                if isinstance(values.get(name), (int, float)):
                    values[name] = str(values[name])
    shaped.stack.import_stack(deployment)
    assert '"1.5"' in json.dumps(shaped.resources()["llm"]["outputs"])
    shaped.stack.refresh()
    shaped.assert_converged()
    shaped.stack.destroy()
    assert shaped.vast_holds() == (0, [])
