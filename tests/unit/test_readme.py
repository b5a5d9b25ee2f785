"""The README: short, and every link of it leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def test_the_readme_is_short() -> None:
    assert len(README.read_text().splitlines()) < 200


def test_every_link_of_the_readme_leads_to_a_file_of_the_repository() -> None:
    prose = re.sub(r"```.*?```", "", README.read_text(), flags=re.S)
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", prose)
    local = [link for link in links if not link.startswith(("http://", "https://"))]
    assert local
    assert [link for link in local if not (ROOT / link).exists()] == []


def test_how_to_cap_spend_is_one_click_away() -> None:
    assert "[how do I cap spend?](docs/guides/costs.md)" in README.read_text()
    assert "vast:maxHourlySpend" in (ROOT / "docs/guides/costs.md").read_text()
