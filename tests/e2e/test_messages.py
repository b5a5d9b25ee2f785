"""What a user reads when something is wrong: one line, naming the value and the fix.

Each case runs the real engine and pins the text the user sees, and that no Python
traceback surrounds it (the full detail is at `pulumi up --debug`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A


def stack_for(
    program: Callable[[], None], url: str, engine_dir: str, tmp_path: Path, **config: str
) -> auto.Stack:
    stack = local_stack(
        program,
        state_dir=tmp_path,
        api_url=url,
        api_key=KEY_A,
        stack_name="messages",
        pulumi_bin_dir=engine_dir,
    )
    for key, value in config.items():
        if value:
            stack.set_config(key, auto.ConfigValue(value, secret=key.endswith("Key")))
        else:
            stack.remove_config(key)
    return stack


def failure_of(run: Callable[[], object]) -> str:
    with pytest.raises(auto.CommandError) as caught:
        run()
    return str(caught.value)


def one_endpoint() -> None:
    Endpoint("llm", endpoint_name="messages")


def test_two_endpoints_claiming_one_name_fail_the_preview(
    engine_dir: str, module_sim_url: str, tmp_path: Path
) -> None:
    def program() -> None:
        Endpoint("first", endpoint_name="shared")
        Endpoint("second", endpoint_name="shared")

    text = failure_of(stack_for(program, module_sim_url, engine_dir, tmp_path).preview)
    assert (
        "error: Endpoint 'second' and Endpoint 'first' both set endpoint_name='shared': Vast "
        "allows one endpoint per name in an account." in text
    )
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("config", "line"),
    [
        (
            {"vast:apiKey": ""},
            "has a problem: no Vast API key: set the secret stack config `vast:apiKey` or the "
            "env var VAST_API_KEY",
        ),
        (
            {"vast:apiKey": "", "vast:api_key": KEY_A},
            "has a problem: stack config sets vast:api_key, which this provider does not read: "
            "did you mean vast:apiKey?",
        ),
        (
            {"vast:apiUrl": "http://127.0.0.1:8787"},
            "has a problem: the Vast API URL 'http://127.0.0.1:8787' does not end in /api/v0 "
            "(check `vast:apiUrl` (or VAST_API_URL)",
        ),
    ],
)
def test_settings_that_cannot_work_fail_the_preview_in_one_line(
    engine_dir: str,
    module_sim_url: str,
    tmp_path: Path,
    config: dict[str, str],
    line: str,
) -> None:
    control = SimulatorControl(module_sim_url)
    before = len(control.requests())
    stack = stack_for(one_endpoint, module_sim_url, engine_dir, tmp_path, **config)
    text = failure_of(stack.preview)
    assert line in text
    assert "Traceback" not in text
    assert len(control.requests()) == before  # no API call


def test_a_refused_key_is_one_line_and_the_detail_is_at_debug(
    engine_dir: str, module_sim_url: str, tmp_path: Path
) -> None:
    stack = stack_for(one_endpoint, module_sim_url, engine_dir, tmp_path)
    SimulatorControl(module_sim_url).revoke_key(KEY_A)
    try:
        text = failure_of(stack.up)
        debug = failure_of(lambda: stack.up(debug=True))
    finally:
        SimulatorControl(module_sim_url).revoke_key(KEY_A, revoked=False)
    assert (
        f"error: VastAuthError: GET {module_sim_url}/endptjobs/ -> HTTP 401: Invalid user key "
        "(check the API key: set the secret stack config `vast:apiKey` or the env var "
        "VAST_API_KEY)" in text
    )
    assert "Traceback" not in text
    assert KEY_A not in text
    assert "Traceback (most recent call last)" in debug  # the detail, at --debug
    assert KEY_A not in debug


@pytest.mark.parametrize(
    ("api_url", "line"),
    [
        (
            "http://127.0.0.1:9/api/v0",
            "VastTransportError: GET http://127.0.0.1:9/api/v0/endptjobs/ failed: could not "
            "connect (nothing answered at 127.0.0.1:9: check `vast:apiUrl`",
        ),
        (
            "{sim}/wrong/api/v0",
            "VastNotFoundError: GET {sim}/wrong/api/v0/endptjobs/ -> HTTP 404: no such route "
            "(no such route: check `vast:apiUrl`",
        ),
    ],
)
def test_a_wrong_api_url_names_the_url_and_vast_api_url(
    engine_dir: str, module_sim_url: str, tmp_path: Path, api_url: str, line: str
) -> None:
    root = module_sim_url.removesuffix("/api/v0")
    url = api_url.format(sim=root)
    stack = stack_for(one_endpoint, url, engine_dir, tmp_path)
    text = failure_of(stack.up)
    assert line.format(sim=root) in text
    assert "Traceback" not in text


def test_an_endpoint_reference_vast_refuses_names_the_value_sent(
    engine_dir: str, module_sim_url: str, tmp_path: Path
) -> None:
    def program() -> None:
        Workergroup("orphan", endpoint_id=424242, template_hash="h")

    text = failure_of(stack_for(program, module_sim_url, engine_dir, tmp_path).up)
    assert (
        "Please assign your workergroup to a valid endpoint identifier (sent "
        "endpoint_id=424242, which no endpoint of this account has: pass "
        "endpoint_id=my_endpoint.id" in text
    )
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("search", "line"),
    [
        (
            "gpu_name RTX 4090 !!",
            "search_params is not a Vast offer query: term 'gpu_name' has no valid operator",
        ),
        ("gpu_nmae=RTX_4090", "unknown offer field 'gpu_nmae' (did you mean 'gpu_name'?)"),
        ("gpu_name=any", "search_params selects every offer (it sets no field)"),
    ],
)
def test_a_search_vast_would_misread_fails_the_preview(
    engine_dir: str, module_sim_url: str, tmp_path: Path, search: str, line: str
) -> None:
    def program() -> None:
        endpoint = Endpoint("llm", endpoint_name="search")
        Workergroup("workers", endpoint_id=endpoint.id, search_params=search)
        pulumi.export("id", endpoint.id)

    text = failure_of(stack_for(program, module_sim_url, engine_dir, tmp_path).preview)
    assert line in text
    assert "Traceback" not in text
