"""Error messages: what a user reads, and what they must never read."""

from __future__ import annotations

import pytest

from pulumi_vast_serverless import VastAuthError, VastClient, VastConfigError, VastError
from tests.support.keys import KEY_A


def test_api_error_str_and_repr_carry_method_path_status_and_message() -> None:
    error = VastAuthError("GET", "/endptjobs/", 401, "bad key", hint="check the API key")
    assert str(error) == "GET /endptjobs/ -> HTTP 401: bad key (check the API key)"
    assert "401" in repr(error)
    assert "/endptjobs/" in repr(error)
    assert isinstance(error, VastError)


def test_client_repr_hides_the_key() -> None:
    client = VastClient(KEY_A, base_url="http://127.0.0.1:9/api/v0")
    assert KEY_A not in repr(client)
    assert KEY_A not in str(client)


@pytest.mark.parametrize("key", ["", "   "])
def test_missing_key_names_both_ways_to_set_it(key: str) -> None:
    with pytest.raises(VastConfigError, match=r"vast:apiKey.*VAST_API_KEY"):
        VastClient(key)


@pytest.mark.parametrize("url", ["ftp://x/api/v0", "console.vast.ai", "https://u:p@x/api/v0"])
def test_bad_api_url_is_refused(url: str) -> None:
    with pytest.raises(VastConfigError):
        VastClient(KEY_A, base_url=url)
