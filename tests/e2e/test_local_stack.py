"""``local_stack``'s outputs: what the SDK's own reading gives, with fewer CLI calls; and
no call that decrypts secrets where none is read."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A


def stack_of(program: Any, state: Path, engine_dir: str) -> auto.Stack:
    # No resource: the program never reaches the API, so no simulator is needed.
    return local_stack(
        program,
        state_dir=state,
        api_url="http://127.0.0.1:9",
        api_key=KEY_A,
        pulumi_bin_dir=engine_dir,
    )


def output_calls(stack: auto.Stack, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the `stack output` CLI calls ``stack`` makes from now on."""
    return cli_calls(stack, monkeypatch, ["stack", "output"])


def cli_calls(
    stack: auto.Stack, monkeypatch: pytest.MonkeyPatch, prefix: list[str] | None = None
) -> list[list[str]]:
    """Record the CLI calls ``stack`` makes from now on (those starting with ``prefix``)."""
    calls: list[list[str]] = []
    run = stack._run_pulumi_cmd_sync

    def recorded(args: list[str], *rest: Any) -> auto.CommandResult:
        if prefix is None or args[: len(prefix)] == prefix:
            calls.append(list(args))
        return run(args, *rest)

    monkeypatch.setattr(stack, "_run_pulumi_cmd_sync", recorded)
    return calls


def as_pairs(outputs: auto.OutputMap) -> dict[str, tuple[Any, bool]]:
    return {k: (v.value, v.secret) for k, v in outputs.items()}


def test_outputs_without_secrets_take_one_call_and_match_the_sdk(
    tmp_path: Path, engine_dir: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def program() -> None:
        pulumi.export("count", 3)
        pulumi.export("names", ["a", "b"])
        pulumi.export("nested", {"x": {"y": "z"}})

    stack = stack_of(program, tmp_path, engine_dir)
    calls = output_calls(stack, monkeypatch)
    result = stack.up()
    assert len(calls) == 1
    assert "--show-secrets" not in calls[0]
    expected = {
        "count": (3, False),
        "names": (["a", "b"], False),
        "nested": ({"x": {"y": "z"}}, False),
    }
    assert as_pairs(result.outputs) == expected
    assert as_pairs(auto.Stack.outputs(stack)) == expected  # the SDK's own reading


def test_secret_outputs_are_read_in_plaintext_and_marked_as_the_sdk_marks_them(
    tmp_path: Path, engine_dir: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def program() -> None:
        pulumi.export("plain", "visible")
        pulumi.export("token", pulumi.Output.secret("s3cr3t"))
        pulumi.export("inside", {"key": pulumi.Output.secret("hidden"), "open": 1})

    stack = stack_of(program, tmp_path, engine_dir)
    calls = output_calls(stack, monkeypatch)
    result = stack.up()
    assert [("--show-secrets" in call) for call in calls] == [False, True]
    assert as_pairs(result.outputs) == as_pairs(auto.Stack.outputs(stack))
    assert as_pairs(result.outputs) == {
        "plain": ("visible", False),
        "token": ("s3cr3t", True),
        # The SDK marks a value secret only when all of it is; a secret inside still
        # needs the plaintext call to be read.
        "inside": ({"key": "hidden", "open": 1}, False),
    }


def test_up_refresh_and_destroy_decrypt_nothing_they_do_not_show(
    tmp_path: Path, engine_dir: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK reads each result's summary with ``--show-secrets``: the CLI then derives
    the passphrase's key once more (a third of a second of CPU), for config secrets the
    summary never needed."""

    def program() -> None:
        pulumi.export("count", 3)

    stack = stack_of(program, tmp_path, engine_dir)
    calls = cli_calls(stack, monkeypatch)
    stack.up()
    stack.refresh()
    stack.destroy()
    assert ["stack", "history"] in [call[:2] for call in calls]  # the summaries were read
    assert [call for call in calls if "--show-secrets" in call] == []


def test_the_project_lives_in_the_state_dir_and_keeps_its_config(
    tmp_path: Path, engine_dir: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pulumi's default project directory is a new temporary one per workspace, never
    removed: every ``local_stack`` of a test suite left one behind."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    state = tmp_path / "state"
    stack = stack_of(lambda: None, state, engine_dir)
    stack.set_config("extra", auto.ConfigValue("kept"))
    assert list(temp.iterdir()) == []
    assert Path(stack.workspace.work_dir) == state / "projects" / "vast-local" / "local"
    again = stack_of(lambda: None, state, engine_dir)
    assert again.get_config("extra").value == "kept"


def test_destroy_advises_the_command_a_local_stack_user_has(
    tmp_path: Path, engine_dir: str
) -> None:
    """The CLI ends a destroy with "run `pulumi stack rm NAME`": no command of theirs."""

    def program() -> None:
        pulumi.export("count", 1)

    stack = stack_of(program, tmp_path, engine_dir)
    stack.up()
    printed: list[str] = []
    result = stack.destroy(on_output=printed.append)
    advice = "run `stack.workspace.remove_stack('local')` (`pulumi stack rm local` in a shell)"
    assert any(advice in line for line in printed), printed
    assert advice in result.stdout
    assert not any("run `pulumi stack rm local`" in line for line in printed)
