"""How local_stack turns the engine's output into one line."""

from __future__ import annotations

from pulumi_vast_serverless.testing._stack import first_error

PLUGIN_FAILED = "error: could not read plugin [/bin/pulumi-resource-pulumi-python]: exit status 1"
REASON = "The 'virtualenv' option in Pulumi.yaml is set to \"/r/.venv\", but it doesn't exist"


def engine_output(*diagnostics: str) -> str:
    body = "\n".join(f"    {line}" if line else "" for line in diagnostics)
    return (
        "Updating (dev):\n\nDiagnostics:\n  pulumi:providers:pulumi-python (default):\n"
        f"{body}\n\nResources:\n    1 unchanged\n\nDuration: 1s\n"
    )


def test_a_plugin_failure_carries_what_the_plugin_printed_before_it() -> None:
    output = engine_output(REASON, PLUGIN_FAILED)
    assert first_error(output) == f"{PLUGIN_FAILED.removeprefix('error: ')} ({REASON})"


def test_a_plugin_failure_carries_what_the_plugin_printed_after_it() -> None:
    # The engine relays the plugin's stderr as it reads it: it may come after the error.
    output = engine_output(PLUGIN_FAILED, REASON)
    assert first_error(output) == f"{PLUGIN_FAILED.removeprefix('error: ')} ({REASON})"


def test_a_plugin_failure_with_nothing_printed_stays_as_it_is() -> None:
    output = engine_output(PLUGIN_FAILED)
    assert first_error(output) == PLUGIN_FAILED.removeprefix("error: ")


LOCKED = (
    " code: 1\n stdout:\n stderr: error: the stack is currently locked by 1 lock(s). Either "
    "wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n"
    "  file:///tmp/s/.pulumi/locks/organization/p/local/7420.json?no_tmp_dir=true: created "
    "by root@vm (pid 14839) at 2026-12-07T17:03:00Z\n"
)


def test_a_locked_stack_names_the_lock_its_holder_and_the_way_out() -> None:
    assert first_error(LOCKED) == (
        "the stack is locked by a run that has not ended (lock "
        "file:///tmp/s/.pulumi/locks/organization/p/local/7420.json, created by root@vm "
        "(pid 14839) at 2026-12-07T17:03:00Z): if that run is over (interrupted, killed, its "
        "machine gone), remove the lock with `stack.cancel()` (`pulumi cancel` in a shell) "
        "and run again; the next up refreshes and converges"
    )
