"""Run a Pulumi program against a local simulator, offline, with the Automation API.

    with run_simulator() as api_url:
        stack = local_stack(my_program, state_dir=tmp_path, api_url=api_url)
        stack.up()

Inline programs run their language host inside this process, so only the ``pulumi`` CLI
and the dynamic-provider shim are needed (see ``scripts/ensure-pulumi``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from pulumi import automation as auto

from .providers._settings import API_KEY_CONFIG, API_URL_CONFIG

# Encrypts secrets of a local file backend that only ever holds simulator state.
LOCAL_PASSPHRASE = "local-simulator-only"  # noqa: S105


def local_stack(
    program: Callable[[], None],
    *,
    state_dir: str | os.PathLike[str],
    api_url: str,
    api_key: str = "local-simulator-key",
    stack_name: str = "local",
    project_name: str = "vast-local",
    pulumi_bin_dir: str | None = None,
    env: Mapping[str, str] | None = None,
    work_dir: str | os.PathLike[str] | None = None,
) -> auto.Stack:
    """Create or select a stack with a ``file://`` backend in ``state_dir``.

    ``pulumi_bin_dir`` is a directory holding ``pulumi`` and
    ``pulumi-resource-pulumi-python``; without it the CLI on PATH is used. ``work_dir`` is
    a project directory to use as it is (its ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml``,
    which this writes the API settings into); without it a temporary project named
    ``project_name`` is made.
    """
    state = Path(state_dir).resolve()
    state.mkdir(parents=True, exist_ok=True)
    env_vars = {
        "PULUMI_CONFIG_PASSPHRASE": LOCAL_PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        # The provider process must import this package: run it with this interpreter.
        "PULUMI_PYTHON_CMD": sys.executable,
        "PULUMI_HOME": str(state / ".pulumi-home"),
        **(env or {}),
    }
    command = None
    if pulumi_bin_dir:
        env_vars["PATH"] = pulumi_bin_dir + os.pathsep + os.environ.get("PATH", "")
        command = auto.PulumiCommand(root=str(Path(pulumi_bin_dir).parent))
    settings = None
    if work_dir is None:
        settings = auto.ProjectSettings(
            name=project_name, runtime="python", backend=auto.ProjectBackend(url=state.as_uri())
        )
    else:
        env_vars["PULUMI_BACKEND_URL"] = state.as_uri()
    options = auto.LocalWorkspaceOptions(
        work_dir=None if work_dir is None else str(work_dir),
        pulumi_command=command,
        env_vars=env_vars,
        project_settings=settings,
    )
    stack = auto.create_or_select_stack(
        stack_name, project_name=project_name, program=program, opts=options
    )
    stack.set_all_config(
        {
            API_KEY_CONFIG: auto.ConfigValue(api_key, secret=True),
            API_URL_CONFIG: auto.ConfigValue(api_url),
        }
    )
    return stack
