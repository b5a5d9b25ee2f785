"""Reading what a stack does not own: ``Resource.get`` and ``get_endpoint``, through the engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import (
    Endpoint,
    VastClient,
    Workergroup,
    get_endpoint,
    get_workergroups,
)
from pulumi_vast_serverless.simulator import SimulatorControl
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A


def stack_of(program: Callable[[], None], url: str, engine_dir: str, tmp_path: Path) -> auto.Stack:
    return local_stack(
        program,
        state_dir=tmp_path,
        api_url=url,
        api_key=KEY_A,
        stack_name="lookups",
        pulumi_bin_dir=engine_dir,
    )


def test_a_stack_reads_console_objects_and_attaches_its_own_group(
    engine_dir: str, module_sim_url: str, tmp_path: Path
) -> None:
    client = VastClient(KEY_A, base_url=module_sim_url)
    console_ep = client.create_endpoint(endpoint_name="console-made", max_workers=7)
    console_wg = client.create_workergroup(endpoint_id=console_ep, template_hash="theirs")

    def program() -> None:
        found = get_endpoint(endpoint_name="console-made")
        by_id = Endpoint.get("by-id", str(found.id))
        theirs = Workergroup.get("theirs", str(get_workergroups(endpoint_id=found.id)[0].id))
        mine = Workergroup("mine", endpoint_id=by_id.id, template_hash="mine")
        pulumi.export("found", [found.id, found.max_workers])
        pulumi.export("by_id_max_workers", by_id.max_workers)
        pulumi.export("theirs_template", theirs.template_hash)
        pulumi.export("mine_endpoint", mine.endpoint_id)

    stack = stack_of(program, module_sim_url, engine_dir, tmp_path)
    outputs = stack.up().outputs
    assert outputs["found"].value == [console_ep, 7]
    assert outputs["by_id_max_workers"].value == 7
    assert outputs["theirs_template"].value == "theirs"
    assert outputs["mine_endpoint"].value == console_ep

    stack.destroy()  # deletes only what the stack created
    rows = client.list_workergroups(fresh=True)
    assert [row["id"] for row in rows] == [console_wg]
    assert [row["id"] for row in client.list_endpoints(fresh=True)] == [console_ep]
    client.delete_endpoint(console_ep)
    client.close()


@pytest.mark.parametrize(
    ("lookup", "message"),
    [
        (
            lambda: Endpoint.get("ghost", "424242"),
            "no endpoint with id 424242 in this Vast account",
        ),
        (
            lambda: Endpoint("ghost", endpoint_name="x", opts=pulumi.ResourceOptions(id="424242")),
            "no endpoint with id 424242 in this Vast account",
        ),
        (lambda: Workergroup.get("ghost", "99"), "no workergroup with id 99 in this Vast account"),
        (
            lambda: get_endpoint(endpoint_name="nobody"),
            "no endpoint named 'nobody' in this Vast account",
        ),
    ],
)
def test_a_lookup_of_something_missing_fails_the_preview_naming_it(
    engine_dir: str,
    module_sim_url: str,
    tmp_path: Path,
    lookup: Callable[[], object],
    message: str,
) -> None:
    control = SimulatorControl(module_sim_url)
    before = [r for r in control.requests() if r["method"] != "GET"]

    def program() -> None:
        lookup()

    stack = stack_of(program, module_sim_url, engine_dir, tmp_path)
    with pytest.raises(auto.CommandError) as caught:
        stack.preview()
    assert message in str(caught.value)
    assert [r for r in control.requests() if r["method"] != "GET"] == before  # reads only
