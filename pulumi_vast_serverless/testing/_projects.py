"""Copies of Pulumi project directories, to run them without writing into the original."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

# What a stack file carries that only opens with its own passphrase: a copy keeps none.
_SECRETS = re.compile(
    r"(?m)^(encryptionsalt|secretsprovider|encryptedkey):.*\n"
    r"|^  [^\s:][^\n]*:\n    secure:.*\n"
)


def copy_project(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> Path:
    """Copy a Pulumi project directory, to run it without writing into ``source``.

    Copying onto an earlier copy refreshes the programs and ``Pulumi.yaml`` but keeps the
    copy's stack files (``Pulumi.<stack>.yaml`` hold the stack's encryption salt and the
    settings written since). A stack file copied fresh leaves its secrets behind (its
    salt, and values kept ``secure``): they open with another passphrase only. A relative
    ``virtualenv`` option would point elsewhere from the copy, so each copied
    ``Pulumi.yaml`` names the virtualenv running this Python (outside one, the option is
    dropped): a shell ``pulumi up`` in the copy then runs the providers with a Python that
    has this package. (Inline programs, as ``local_stack``
    runs them, hand the engine no runtime options; ``PULUMI_PYTHON_CMD`` chooses there.)
    """
    target = Path(destination)

    def kept(directory: str, names: list[str]) -> set[str]:
        here = target / Path(directory).relative_to(source)
        stack_files = (n for n in names if re.fullmatch(r"Pulumi\..+\.yaml", n))
        return {n for n in stack_files if (here / n).exists()}

    fresh = {
        path.relative_to(source)
        for path in Path(source).rglob("Pulumi.*.yaml")
        if not (target / path.relative_to(source)).exists()
    }
    shutil.copytree(source, target, ignore=kept, dirs_exist_ok=True)
    for relative in fresh:  # a stack file left by a shell `stack init` opens with its own
        copied = target / relative  # passphrase only: the copy starts without its secrets
        copied.write_text(_SECRETS.sub("", copied.read_text()))
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
