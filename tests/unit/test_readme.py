"""The README's property reference is the one the code defines."""

from __future__ import annotations

from pathlib import Path

from pulumi_vast_serverless.providers._reference import reference

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_property_tables_match_the_code() -> None:
    assert reference() in README.read_text()
