"""The docs' whole programs (a block marked ``<!-- run: preview -->``), previewed through
the real engine against the simulator: what a reader copies must deploy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pulumi import automation as auto

from pulumi_vast_serverless.simulator import run_simulator
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = [
    (f"{page.relative_to(ROOT)}:{page.read_text()[: m.start()].count(chr(10)) + 1}", m.group(1))
    for page in sorted((ROOT / "docs").rglob("*.md"))
    for m in re.finditer(r"<!-- run: preview -->\n```python\n(.*?)```", page.read_text(), re.S)
]


def test_the_docs_have_programs_to_run() -> None:
    assert len(PROGRAMS) >= 2


@pytest.mark.parametrize(("where", "code"), PROGRAMS, ids=[where for where, _ in PROGRAMS])
def test_a_docs_program_previews_against_the_simulator(
    where: str, code: str, engine_dir: str, tmp_path: Path
) -> None:
    def program() -> None:
        exec(compile(code, where, "exec"), {"__name__": "__main__"})  # noqa: S102 (our docs)

    with run_simulator() as url:
        stack = local_stack(
            program, state_dir=tmp_path, api_url=url, api_key=KEY_A, pulumi_bin_dir=engine_dir
        )
        preview = stack.preview()
    creates = preview.change_summary.get(auto.OpType.CREATE, 0)
    assert creates >= 3, preview.stdout  # the stack, an endpoint and its group at least
    assert "error" not in preview.stderr.lower(), preview.stderr
