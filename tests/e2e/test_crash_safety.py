"""Faults through the real engine: each ends with Vast holding exactly what the program
declares (no duplicate, no orphan), the state tracking it, and the next `up` converging.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import StackError, local_stack
from tests.support.crash import UpProcess, kill_engine, pending_creates, pulumi_cli, wait_until
from tests.support.crash_program import ADOPT, program
from tests.support.keys import KEY_A, KEY_B, assert_no_key


@dataclass
class Crash:
    stack: auto.Stack
    control: SimulatorControl
    client: VastClient
    engine_dir: str
    state_dir: Path
    api_url: str

    def vast_holds(self) -> tuple[int, list[tuple[int, float]]]:
        """(endpoints, [(group's endpoint, gpu_ram)]) as Vast has them."""
        endpoints = self.client.list_endpoints(fresh=True)
        groups = self.client.list_workergroups(fresh=True)
        return len(endpoints), sorted((g["endpoint_id"], g["gpu_ram"]) for g in groups)

    def state_ids(self) -> dict[str, str]:
        deployment = self.stack.export_stack().deployment or {}
        return {
            r["urn"].rsplit("::", 1)[1]: r["id"]
            for r in deployment.get("resources") or []
            if r.get("custom") and r["type"].startswith("pulumi-python:dynamic/vast:")
        }

    def assert_converged(self) -> None:
        """Exactly the declared objects, the state tracking them, and nothing left to do."""
        endpoint_id = int(self.stack.outputs()["endpoint_id"].value)
        assert self.vast_holds() == (1, [(endpoint_id, 24.0), (endpoint_id, 80.0)])
        ids = self.state_ids()
        assert sorted(ids) == ["a", "b", "llm"]
        listed = {str(g["id"]) for g in self.client.list_workergroups(fresh=True)}
        assert {ids["a"], ids["b"]} == listed
        assert self.stack.up().summary.resource_changes == {"same": 4}


@pytest.fixture
def crash(engine_dir: str, tmp_path: Path) -> Iterator[Crash]:
    with run_simulator() as url:
        stack = local_stack(
            program,
            state_dir=tmp_path,
            api_url=url,
            api_key=KEY_A,
            stack_name="crash",
            pulumi_bin_dir=engine_dir,
        )
        client = VastClient(KEY_A, base_url=url)
        yield Crash(stack, SimulatorControl(url), client, engine_dir, tmp_path, url)
        client.close()
    ADOPT.update(endpoint=False, groups=False)


def interrupt_while(crash: Crash, route: str, in_flight: int) -> None:
    """Run `up` in its own process, SIGKILL it (CLI and provider too) while `in_flight`
    creates of `route` are on Vast's side, and let Vast commit them anyway."""
    crash.control.fault(route, "latency", seconds=2.0, times=in_flight)
    running = UpProcess(
        state_dir=str(crash.state_dir),
        api_url=crash.api_url,
        api_key=KEY_A,
        stack_name="crash",
        engine_dir=crash.engine_dir,
    )
    wait_until(lambda: crash.control.inflight().get(route, 0) == in_flight, f"{route} in flight")
    assert kill_engine()
    assert running.wait() != 0
    wait_until(lambda: not crash.control.inflight(), "Vast to commit")


def test_killed_while_both_workergroup_creates_are_in_flight(crash: Crash) -> None:
    """The README's recovery: cancel the lock, clear the pending creates, up, adopt."""
    interrupt_while(crash, "POST /autojobs/", in_flight=2)
    assert crash.vast_holds() == (1, [(1, 24.0), (1, 80.0)])  # Vast committed both
    pending = pending_creates(crash.stack)
    assert sorted(r["urn"].rsplit("::", 1)[1] for r in pending) == ["a", "b"]

    pulumi_cli(crash.stack, crash.engine_dir, "cancel", "--yes")  # the lock the CLI left
    pulumi_cli(crash.stack, crash.engine_dir, "refresh", "--yes", "--clear-pending-creates")
    assert pending_creates(crash.stack) == []
    with pytest.raises(auto.CommandError) as caught:
        crash.stack.up()
    message = str(caught.value)
    assert "VastConflictError: workergroup " in message
    assert "this stack does not manage it" in message
    assert "Set adopt_existing=True on this Workergroup" in message
    assert crash.vast_holds() == (1, [(1, 24.0), (1, 80.0)])  # nothing created twice

    ADOPT["groups"] = True
    result = crash.stack.up()
    assert result.summary.resource_changes == {"create": 2, "same": 2}  # taken over, not made
    crash.assert_converged()
    crash.stack.destroy()
    assert crash.vast_holds() == (0, [])


def test_a_rerun_right_after_the_kill_refuses_to_duplicate(crash: Crash) -> None:
    """Without any recovery step but the lock: the engine creates the pending ones again."""
    interrupt_while(crash, "POST /autojobs/", in_flight=2)
    pulumi_cli(crash.stack, crash.engine_dir, "cancel", "--yes")
    with pytest.raises(StackError) as caught:
        crash.stack.up(refresh=False)  # with its refresh first, Pulumi does not warn
    assert "interrupted while creating" in caught.value.full  # Pulumi's warning
    assert "Set adopt_existing=True on this Workergroup" in str(caught.value)
    assert crash.vast_holds() == (1, [(1, 24.0), (1, 80.0)])
    # A failed up leaves the pending creates in the state (the README says so): they go
    # with `refresh --clear-pending-creates`, or an up that succeeds.
    with pytest.raises(StackError):
        crash.stack.up()
    assert sorted(r["urn"].rsplit("::", 1)[1] for r in pending_creates(crash.stack)) == [
        "a",
        "b",
    ]


def test_killed_while_the_endpoint_create_is_in_flight(crash: Crash) -> None:
    interrupt_while(crash, "POST /endptjobs/", in_flight=1)
    assert crash.vast_holds() == (1, [])
    pulumi_cli(crash.stack, crash.engine_dir, "cancel", "--yes")
    with pytest.raises(auto.CommandError) as caught:
        crash.stack.up()
    assert "an endpoint named 'crash' already exists on Vast (id 1)" in str(caught.value)
    assert "Set adopt_existing=True on this Endpoint" in str(caught.value)
    assert crash.vast_holds() == (1, [])

    ADOPT["endpoint"] = True
    crash.stack.up()
    crash.assert_converged()


def test_a_lost_answer_between_sibling_creates_never_duplicates(crash: Crash) -> None:
    """Two groups on one endpoint, one answer lost: told apart by every field sent."""
    for _ in range(3):
        crash.control.fault("POST /autojobs/", "drop_after_commit")
        crash.stack.up()
        crash.assert_converged()
        crash.stack.destroy()
        assert crash.vast_holds() == (0, [])


def test_a_429_storm_is_ridden_out(crash: Crash) -> None:
    crash.control.fault("POST /autojobs/", "status", status=429, for_seconds=3.0)
    crash.control.fault("GET /autojobs/", "status", status=429, for_seconds=3.0)
    crash.stack.up()  # no error surfaces
    statuses = [r["status"] for r in crash.control.requests()]
    assert statuses.count(429) >= 2  # the storm was met, and ridden out
    crash.assert_converged()


def test_a_key_revoked_mid_run(crash: Crash) -> None:
    crash.control.issue_key(KEY_B, account_of=KEY_A)  # the key the user turns to
    crash.client = VastClient(KEY_B, base_url=crash.client.base_url)
    crash.control.fault("POST /endptjobs/", "revoke_key_after")
    with pytest.raises(auto.CommandError) as caught:
        crash.stack.up()
    message = str(caught.value)
    assert "HTTP 401: Invalid user key (check the API key: set the secret stack config" in message
    assert "Traceback" not in message
    assert_no_key(message)
    assert crash.vast_holds() == (1, [])
    assert sorted(crash.state_ids()) == ["llm"]  # the endpoint Vast holds is tracked

    crash.stack.set_config("vast:apiKey", auto.ConfigValue(KEY_B, secret=True))
    # Pulumi refreshes with the provider settings of the last deploy (the revoked key):
    # after a new key, one up without the refresh (README, "A new API key"), as the
    # error itself says.
    with pytest.raises(StackError, match="HTTP 401: Invalid user key") as refused:
        crash.stack.up()
    assert "run `up(refresh=False)` once" in str(refused.value)
    crash.stack.up(refresh=False)
    crash.assert_converged()
    crash.stack.up()  # and refreshes work again


def test_failing_deletes_leave_the_state_tracking_what_exists(crash: Crash) -> None:
    crash.stack.up()
    crash.control.fault("DELETE /autojobs/{id}/", "status", status=503, times=100)
    with pytest.raises(auto.CommandError) as caught:
        crash.stack.destroy()
    assert "VastServerError: DELETE " in str(caught.value)
    assert "-> HTTP 503: simulated HTTP 503" in str(caught.value)
    assert crash.vast_holds()[0] == 1
    assert sorted(crash.state_ids()) == ["a", "b", "llm"]  # none deleted, all tracked
    crash.control.clear_faults()  # Vast recovers
    crash.stack.destroy()
    assert crash.vast_holds() == (0, [])
    assert crash.state_ids() == {}


def test_an_endpoint_deleted_outside_pulumi_takes_its_groups_and_comes_back(
    crash: Crash,
) -> None:
    crash.stack.up()
    endpoint_id = int(crash.stack.outputs()["endpoint_id"].value)
    crash.client.delete_endpoint(endpoint_id)  # Vast deletes its workergroups with it
    assert crash.vast_holds() == (0, [])
    assert crash.stack.refresh().summary.resource_changes == {"delete": 3, "same": 1}
    assert crash.state_ids() == {}
    assert crash.stack.up().summary.resource_changes == {"create": 3, "same": 1}
    crash.assert_converged()
