"""Run the programs under examples/ as their projects, against a simulator."""

from __future__ import annotations

import runpy
from pathlib import Path

from pulumi import automation as auto

from pulumi_vast_serverless.testing import copy_project, local_stack
from tests.support.keys import KEY_A

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def example_stack(
    example: str, stack_name: str, *, tmp: Path, api_url: str, engine_dir: str
) -> auto.Stack:
    """A stack of a copy of ``examples/<example>`` (its config files included).

    Stacks made from one ``tmp`` share a backend, so one can reference another.
    """
    project = tmp / "projects" / example
    if not project.exists():
        copy_project(EXAMPLES / example, project)
    main = project / "__main__.py"

    def program() -> None:
        runpy.run_path(str(main), run_name="__main__")

    return local_stack(
        program,
        state_dir=tmp / "state",
        api_url=api_url,
        api_key=KEY_A,
        stack_name=stack_name,
        pulumi_bin_dir=engine_dir,
        work_dir=project,
    )
