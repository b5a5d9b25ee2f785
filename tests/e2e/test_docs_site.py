"""The documentation site: built in strict mode, its reference generated from the code,
and looked at in a real browser (Debian's headless chromium): the home page and a
resource page render, their screenshots are kept, and the search box finds a config key.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pulumi_vast_serverless.providers import ENDPOINT, READINESS, TEMPLATE, WORKERGROUP, Table
from tests.support.browser import Browser, chromium

ROOT = Path(__file__).resolve().parents[2]
# Kept after the run (git-ignored): what the browser saw.
ARTIFACTS = ROOT / ".artifacts" / "docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `make docs` builds it (strict: a broken link or anchor fails)."""
    out = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    return out


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site over HTTP on loopback (the search runs in a web worker: no file:// URLs)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """No line per request."""


@pytest.mark.parametrize("table", [TEMPLATE, ENDPOINT, WORKERGROUP, READINESS], ids=str)
def test_each_reference_page_lists_every_input_and_output_of_its_table(
    site: Path, table: Table
) -> None:
    page = (site / "reference" / table.kind / "index.html").read_text()
    for prop in table.props:
        assert f"<code>{prop.name}</code>" in page, prop.name
    assert "<!--" not in page.split("<article", 1)[1].split("</article>", 1)[0]


def test_the_changelog_and_the_functions_come_from_the_repository(site: Path) -> None:
    changelog = (site / "changelog" / "index.html").read_text()
    assert "What an upgrading user must know" in changelog
    functions = (site / "reference" / "functions" / "index.html").read_text()
    assert "get_endpoint_spend" in functions
    assert "get_workergroup_workers" in functions


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium()
    if executable is None:  # `make test` installs it where it may (scripts/ensure-chromium)
        pytest.skip("no chromium on PATH: `sudo apt-get install chromium`")
    opened = Browser(executable)
    yield opened
    opened.close()


def test_the_home_page_and_a_resource_page_render_in_a_browser(
    served: str, browser: Browser
) -> None:
    browser.open(served + "/")
    assert browser.value("document.title") == "pulumi-vast-serverless"
    assert browser.value("document.querySelectorAll('nav.md-nav a').length") > 20
    home = browser.screenshot(ARTIFACTS / "home.png")
    browser.open(served + "/reference/endpoint/")
    rows = browser.value("document.querySelectorAll('article table tbody tr').length")
    assert rows == 2 * len(ENDPOINT.props)  # the inputs, then the outputs
    page = browser.screenshot(ARTIFACTS / "reference-endpoint.png")
    assert home.stat().st_size > 20_000
    assert page.stat().st_size > 20_000


def test_the_search_box_finds_the_spend_ceiling(served: str, browser: Browser) -> None:
    browser.open(served + "/?q=maxHourlySpend")
    found = browser.wait_for("document.querySelectorAll('.md-search-result__item').length")
    assert found >= 1
    links = browser.value(
        "Array.from(document.querySelectorAll('.md-search-result__item a'))"
        ".map(a => a.getAttribute('href'))"
    )
    assert any("/guides/costs/" in link for link in links)
    browser.screenshot(ARTIFACTS / "search-maxHourlySpend.png")
