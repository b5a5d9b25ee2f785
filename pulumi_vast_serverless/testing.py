"""Helpers for testing stacks: run a program offline against the simulator, sweep leftovers.

    with run_simulator() as api_url:
        stack = local_stack(my_program, state_dir=tmp_path, api_url=api_url)
        stack.up()

Inline programs run their language host inside this process, so only the ``pulumi`` CLI
and the dynamic-provider shim are needed (see ``scripts/ensure-pulumi``). ``sweep`` deletes
what an acceptance run left behind, by name prefix (Terraform's sweepers).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from pulumi import automation as auto

from .client import VastClient, VastNotFoundError
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


def copy_project(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> Path:
    """Copy a Pulumi project directory, to run it without writing into ``source``.

    Copying onto an earlier copy refreshes the programs and ``Pulumi.yaml`` but keeps the
    copy's stack files (``Pulumi.<stack>.yaml`` hold the stack's encryption salt and the
    settings written since). A relative ``virtualenv`` option would point elsewhere from
    the copy, so each copied ``Pulumi.yaml`` names the virtualenv running this Python
    (outside one, the option is dropped): a shell ``pulumi up`` in the copy then runs the
    providers with a Python that has this package. (Inline programs, as ``local_stack``
    runs them, hand the engine no runtime options; ``PULUMI_PYTHON_CMD`` chooses there.)
    """
    target = Path(destination)

    def kept(directory: str, names: list[str]) -> set[str]:
        here = target / Path(directory).relative_to(source)
        stack_files = (n for n in names if re.fullmatch(r"Pulumi\..+\.yaml", n))
        return {n for n in stack_files if (here / n).exists()}

    shutil.copytree(source, target, ignore=kept, dirs_exist_ok=True)
    venv = Path(sys.prefix)
    line = f"virtualenv: {venv}" if (venv / "bin" / "python").exists() else ""
    for settings in target.rglob("Pulumi.yaml"):
        text = re.sub(
            r"(?m)^(\s*)virtualenv:.*\n",
            lambda m: f"{m.group(1)}{line}\n" if line else "",
            settings.read_text(),
        )
        settings.write_text(text)
    return target


def sweep(client: VastClient, prefix: str) -> list[str]:
    """Delete every endpoint whose name starts with ``prefix``, and its workergroups.

    Returns what it deleted, as ``"endpoint 12 (name)"`` / ``"workergroup 34"`` lines. Run
    it after an acceptance run, whatever its outcome: objects a failed step left behind
    must not keep recruiting.
    """
    if not prefix.strip():
        raise ValueError("sweep needs a non-empty prefix: it deletes everything that matches")
    doomed = {
        int(row["id"]): str(row["endpoint_name"])
        for row in client.list_endpoints(fresh=True)
        if str(row.get("endpoint_name", "")).startswith(prefix)
    }
    deleted = []
    for group in client.list_workergroups(fresh=True):
        if group.get("endpoint_id") in doomed:
            with contextlib.suppress(VastNotFoundError):
                client.delete_workergroup(int(group["id"]))
                deleted.append(f"workergroup {group['id']}")
    for endpoint_id, name in doomed.items():
        with contextlib.suppress(VastNotFoundError):
            client.delete_endpoint(endpoint_id)
            deleted.append(f"endpoint {endpoint_id} ({name})")
    return deleted
