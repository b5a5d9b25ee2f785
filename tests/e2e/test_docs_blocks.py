"""Every code block of the docs and the README that is a program or a command, checked
against the real thing: Python parses, `make` targets exist, scripts exist, and each
command's options are ones the real command (this package's, or the Pulumi CLI) takes.

The programs themselves run elsewhere, against the simulator: the quick start
(`test_readme_quickstart`), the router call (`test_calling`), the examples
(`test_examples`). Commands that need real Vast (`make test-live`) are checked to parse.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md", ROOT / "CHANGELOG.md"]
SHELLS = ("sh", "bash", "shell")
# Shell words a block may use that are no command of ours to check.
SHELL_WORDS = {
    ".",
    "cd",
    "export",
    "kill",
    "node",
    "npm",
    "npx",
    "pip",
    "python",
    "python3",
    ".venv/bin/python",
}
ENTRY_POINTS = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"])
MAKE_TARGETS = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), re.M))


def blocks(language: tuple[str, ...]) -> list[tuple[str, str]]:
    """(where, code) of every fenced block in one of ``language``."""
    found = []
    for page in PAGES:
        text = page.read_text()
        for match in re.finditer(r"```(\w*)\n(.*?)```", text, re.S):
            if match.group(1) in language:
                line = text[: match.start()].count("\n") + 1
                found.append((f"{page.relative_to(ROOT)}:{line}", match.group(2)))
    return found


def commands() -> list[tuple[str, list[str]]]:
    """(where, words) of every command line of the shell blocks."""
    found = []
    for where, code in blocks(SHELLS):
        for line in code.splitlines():
            # A placeholder such as <your key> is one word; a redirection is not a word.
            quoted = re.sub(r"<[^<>]*>", lambda m: shlex.quote(m.group(0)), line)
            words = [w for w in shlex.split(quoted, comments=True) if w not in (">", "<")]
            while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):  # VAR=value command
                words = words[1:]
            for command in " ".join(words).replace("&&", "\n").replace("&", "\n").split("\n"):
                if command.strip():
                    found.append((where, command.split()))
    return found


@pytest.mark.parametrize(("where", "code"), blocks(("python",)), ids=lambda v: str(v)[:40])
def test_every_python_block_parses(where: str, code: str) -> None:
    ast.parse(code, filename=where)


def test_every_command_is_one_the_project_has() -> None:
    unknown = [
        f"{where}: {' '.join(words)}"
        for where, words in commands()
        if not (
            words[0] in SHELL_WORDS or words[0] in ENTRY_POINTS or words[0] in ("make", "pulumi")
        )
    ]
    assert unknown == []
    for where, words in commands():
        if words[0] == "make":
            assert set(words[1:]) <= MAKE_TARGETS, where
        scripts = [w for w in words if w.startswith("scripts/")]
        assert all((ROOT / s).exists() for s in scripts), where


@functools.cache
def help_text(*command: str) -> str:
    env = {**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"}
    done = subprocess.run(
        [*command, "--help"], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    return done.stdout + done.stderr


def options(words: list[str]) -> list[str]:
    return [w.split("=")[0] for w in words if w.startswith("--")]


def test_our_commands_take_the_options_the_docs_give() -> None:
    bin_dir = Path(sys.executable).parent
    for where, words in commands():
        if words[0] in ENTRY_POINTS:
            text = help_text(str(bin_dir / words[0]))
            assert "usage:" in text, f"{where}: {words[0]} --help"
            for option in options(words):
                assert option in text, f"{where}: {words[0]} has no {option}"


def test_pulumi_commands_are_ones_the_cli_takes(engine_dir: str) -> None:
    pulumi = str(Path(engine_dir) / "pulumi")
    for where, words in commands():
        if words[0] != "pulumi":
            continue
        verbs = [w for w in words[1:3] if re.fullmatch(r"[a-z]+", w)]
        verbs = verbs[:2] if verbs[:1] in (["stack"], ["config"]) else verbs[:1]
        text = help_text(pulumi, *verbs)
        assert "Usage:" in text, f"{where}: {words}"
        assert "unknown command" not in text, f"{where}: {words}"
        for option in options(words):
            assert option in text, f"{where}: pulumi {' '.join(verbs)} has no {option}"
