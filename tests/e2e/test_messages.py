"""What a user reads when something is wrong: one line, naming the value and the fix.

Each case runs the real engine and pins the text the user sees: through ``local_stack``,
the failure is that one line (``StackError``; the engine's whole output is its ``full``),
with no Python traceback around it (the detail is at `pulumi up --debug`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_vast_serverless import Endpoint, Template, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl
from pulumi_vast_serverless.testing import StackError, local_stack
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
    """The one line a failed command reads as."""
    with pytest.raises(StackError) as caught:
        run()
    text = str(caught.value)
    assert "\n" not in text
    assert "Traceback" not in caught.value.full
    return text


def one_endpoint() -> None:
    Endpoint("llm", endpoint_name="messages")


def test_two_endpoints_claiming_one_name_fail_the_preview(
    engine_dir: str, module_sim_url: str, tmp_path: Path
) -> None:
    def program() -> None:
        Endpoint("first", endpoint_name="shared")
        Endpoint("second", endpoint_name="shared")

    text = failure_of(stack_for(program, module_sim_url, engine_dir, tmp_path).preview)
    assert text.startswith(
        "Endpoint 'second' and Endpoint 'first' both set endpoint_name='shared': Vast "
        "allows one endpoint per name in an account."
    )


@pytest.mark.parametrize(
    ("config", "line"),
    [
        (
            {"vast:apiKey": ""},
            "Endpoint 'llm': no Vast API key: set the secret stack config `vast:apiKey` or the "
            "env var VAST_API_KEY",
        ),
        (
            {"vast:apiKey": "", "vast:api_key": KEY_A},
            "Endpoint 'llm': stack config sets vast:api_key, which this provider does not read: "
            "did you mean vast:apiKey?",
        ),
        (
            {"vast:apiUrl": "http://127.0.0.1:8787"},
            "Endpoint 'llm': the Vast API URL 'http://127.0.0.1:8787' does not end in /api/v0 "
            "(check `vast:apiUrl` (or VAST_API_URL)",
        ),
        # A typo of the URL's key: never a fall back to Vast's own API, key or no key.
        (
            {"vast:apiUrl": "", "vast:apiURL": "{sim}"},
            "Endpoint 'llm': stack config sets vast:apiURL, which this provider does not read: "
            "did you mean vast:apiUrl? (`pulumi config rm vast:apiURL`, then set vast:apiUrl)",
        ),
        (
            {"vast:endpoint": "{sim}"},
            "Endpoint 'llm': stack config sets vast:endpoint, which this provider does not "
            "read; its keys are vast:apiKey, vast:apiUrl, vast:maxHourlySpend, "
            "vast:costEstimate",
        ),
        (
            {"vast:apiUrl": " "},
            "Endpoint 'llm': vast:apiUrl is set but empty: set it to Vast's API root such as "
            "https://console.vast.ai/api/v0 (or a simulator's), or remove it",
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
    root = module_sim_url
    config = {k: v.format(sim=root) for k, v in config.items()}
    stack = stack_for(one_endpoint, module_sim_url, engine_dir, tmp_path, **config)
    for run in (stack.preview, stack.up):
        assert failure_of(run).startswith(line)
    assert len(control.requests()) == before  # no API call, preview or up


def test_a_refused_key_is_one_line_and_the_detail_is_at_debug(
    engine_dir: str, module_sim_url: str, tmp_path: Path
) -> None:
    stack = stack_for(one_endpoint, module_sim_url, engine_dir, tmp_path)
    SimulatorControl(module_sim_url).revoke_key(KEY_A)
    try:
        text = failure_of(stack.up)
        with pytest.raises(StackError) as caught:
            stack.up(debug=True)
        debug = caught.value.full
    finally:
        SimulatorControl(module_sim_url).revoke_key(KEY_A, revoked=False)
    assert text == (
        f"Endpoint 'llm': VastAuthError: GET {module_sim_url}/endptjobs/ -> HTTP 401: Invalid "
        "user key (check the API key: set the secret stack config `vast:apiKey` or the env var "
        "VAST_API_KEY)"
    )
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


NEWCOMER_MISTAKES: list[tuple[str, Callable[[], object], str]] = [
    (
        "a tag in the image",
        lambda: Template("vllm", name="n", image="vllm/vllm-openai:v0.6.3"),
        "Template 'vllm': image 'vllm/vllm-openai:v0.6.3' names a tag: Vast keeps the tag "
        "apart (it would deploy vllm/vllm-openai:latest); set image='vllm/vllm-openai' and "
        "tag='v0.6.3'",
    ),
    (
        "more cold workers than workers",
        lambda: Endpoint("llm", endpoint_name="cold", cold_workers=5, max_workers=2),
        "Endpoint 'llm': cold_workers 5 is above max_workers 2: Vast keeps at most "
        "max_workers workers, cold ones included; lower cold_workers or raise max_workers",
    ),
    (
        "a search and nothing to run",
        lambda: Workergroup("w", endpoint_id=1, search_params="gpu_name=RTX_4090"),
        "Workergroup 'w': set template_hash or template_id (what the workers run, e.g. "
        "template_hash=my_template.hash_id), or an image in launch_args (--image ...): "
        "search_params says where workers run, not what",
    ),
    (
        "a number read from config as text",
        lambda: Endpoint(
            "llm",
            endpoint_name="text",
            max_workers=pulumi.Config().get("n") or "4",  # type: ignore[arg-type]
        ),
        "Endpoint 'llm': max_workers must be a number; got '4' (text, not a number: stack "
        "config values are text; read this one with config.get_int / config.get_float, or "
        "require_int / require_float)",
    ),
    (
        "a name where the id goes",
        lambda: Workergroup("w", endpoint_id="my-endpoint", template_hash="h"),
        "Workergroup 'w': endpoint_id is an endpoint's id, a number such as my_endpoint.id; "
        "to name an endpoint, pass endpoint_name='my-endpoint' instead; got 'my-endpoint'",
    ),
    (
        "a misspelled keyword",
        lambda: Workergroup("w", endpoint_id=1, template_hash="h", max_worker=4),  # type: ignore[arg-type]
        "Workergroup 'w' has no input 'max_worker': did you mean max_workers?",
    ),
    (
        "gpu_ram in MB",
        lambda: Workergroup("w", endpoint_id=1, template_hash="h", gpu_ram=24576),
        "Workergroup 'w': gpu_ram looks like MB; gpu_ram is in GB (e.g. 24 for a 24 GB card, "
        "80 for 80 GB); at most 2048; got 24576.0",
    ),
]


@pytest.mark.parametrize(
    ("program", "line"),
    [(program, line) for _, program, line in NEWCOMER_MISTAKES],
    ids=[case for case, _, _ in NEWCOMER_MISTAKES],
)
def test_a_newcomers_mistake_is_stopped_at_preview_naming_the_fix(
    engine_dir: str, module_sim_url: str, tmp_path: Path, program: Callable[[], object], line: str
) -> None:
    control = SimulatorControl(module_sim_url)
    before = len([r for r in control.requests() if r["keyed"]])

    def run() -> None:
        program()

    stack = stack_for(run, module_sim_url, engine_dir, tmp_path)
    assert failure_of(stack.preview) == line
    assert len([r for r in control.requests() if r["keyed"]]) == before


def test_a_warning_shows_once_on_its_resource_and_once_in_the_summary(
    engine_dir: str, module_sim_url: str, tmp_path: Path
) -> None:
    """The engine prints a resource's row at each of its steps with its last message:
    local_stack shows the warning on the first row only, in every mode."""

    def unbacked_vram() -> None:
        endpoint = Endpoint("llm", endpoint_name="warned-once")
        Workergroup("w", endpoint_id=endpoint.id, template_hash="h", gpu_ram=80)

    stack = stack_for(unbacked_vram, module_sim_url, engine_dir, tmp_path)
    for run in (stack.up, lambda **kw: stack.preview(diff=True, **kw)):
        printed: list[str] = []
        run(on_output=printed.append)
        warned = [line for line in printed if "gpu_ram=80 does not choose machines" in line]
        assert 1 <= len(warned) <= 2, warned  # the row (or the diff), and the summary
    stack.destroy()
