"""The repository's root project under the official CLI's rules.

A shell ``pulumi up`` of a project directory hands the project's runtime options to the
dynamic-provider shim as ``PULUMI_RUNTIME_<OPTION>`` variables and starts it in the
program's directory (``main:``); the shim (the one ``scripts/ensure-pulumi`` writes has
the official one's rules) resolves a relative ``virtualenv`` from there, while Pulumi's
language host resolves it from the project's directory. Inline programs (these tests)
get no runtime options, so the tests hand the option over as the CLI does. The root
``Pulumi.yaml`` runs the ``__main__.py`` beside it, so both find the same ``.venv``. Run
from a copy of the repository's layout whose ``.venv`` is the one running these tests.
"""

from __future__ import annotations

import re
import runpy
import shutil
import sys
from pathlib import Path

import pytest
from pulumi import automation as auto

from pulumi_vast_serverless.simulator import run_simulator
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A

ROOT = Path(__file__).resolve().parents[2]


def layout(repo: Path, settings: str | None = None) -> Path:
    """A copy of the root project and the example it runs, with ``.venv`` beside them."""
    (repo / "examples").mkdir(parents=True)
    shutil.copytree(ROOT / "examples" / "quickstart", repo / "examples" / "quickstart")
    shutil.copy(ROOT / "__main__.py", repo / "__main__.py")
    (repo / "Pulumi.yaml").write_text(settings or (ROOT / "Pulumi.yaml").read_text())
    (repo / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return repo


def root_stack(repo: Path, url: str, engine_dir: str, state: Path) -> auto.Stack:
    def program() -> None:
        runpy.run_path(str(repo / "__main__.py"), run_name="__main__")

    option = re.search(r"(?m)^\s*virtualenv:\s*(\S+)", (repo / "Pulumi.yaml").read_text())
    assert option is not None
    return local_stack(
        program,
        state_dir=state,
        api_url=url,
        api_key=KEY_A,
        stack_name="dev",
        pulumi_bin_dir=engine_dir,
        work_dir=repo,
        # What the official CLI hands a project's plugins (its runtime options).
        env={"PULUMI_RUNTIME_VIRTUALENV": option.group(1), "PULUMI_RUNTIME_TOOLCHAIN": "pip"},
    )


def test_the_root_project_deploys_the_quickstart_with_its_virtualenv(
    engine_dir: str, tmp_path: Path
) -> None:
    repo = layout(tmp_path / "repo")
    with run_simulator() as url:
        stack = root_stack(repo, url, engine_dir, tmp_path / "state")
        assert stack.up().summary.resource_changes == {"create": 4}
        stack.destroy()


def test_a_program_elsewhere_than_the_project_misses_the_virtualenv(
    engine_dir: str, tmp_path: Path
) -> None:
    """The layout the root project had before: the same rules make it fail."""
    before = (
        (ROOT / "Pulumi.yaml")
        .read_text()
        .replace("runtime:", "main: examples/quickstart/\nruntime:")
    )
    repo = layout(tmp_path / "repo", settings=before)
    (repo / "__main__.py").unlink()
    with run_simulator() as url:
        stack = root_stack(repo, url, engine_dir, tmp_path / "state")

        def example() -> None:
            runpy.run_path(
                str(repo / "examples" / "quickstart" / "__main__.py"), run_name="__main__"
            )

        stack.workspace.program = example
        with pytest.raises(auto.CommandError) as caught:
            stack.up()
    assert str(caught.value).startswith("could not read plugin [")
    assert str(caught.value).endswith(
        f"(The 'virtualenv' option in Pulumi.yaml is set to \"{repo}/examples/quickstart/.venv\","
        f' but "{repo}/examples/quickstart/.venv" doesn\'t exist or is not a virtual environment.)'
    )
