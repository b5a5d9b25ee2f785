"""Helpers for testing stacks: run a program offline against the simulator, sweep leftovers.

    with run_simulator() as api_url:
        stack = local_stack(my_program, state_dir=tmp_path, api_url=api_url)
        stack.up()

Inline programs run their language host inside this process, so only the ``pulumi`` CLI
and the dynamic-provider shim are needed (see ``scripts/ensure-pulumi``). ``copy_project``
runs a project directory from a copy; ``sweep`` deletes what an acceptance run left
behind, by name prefix (Terraform's sweepers).
"""

from ._projects import copy_project
from ._stack import LOCAL_PASSPHRASE, LocalStack, StackError, local_stack
from ._sweep import sweep

__all__ = ["LOCAL_PASSPHRASE", "LocalStack", "StackError", "copy_project", "local_stack", "sweep"]
