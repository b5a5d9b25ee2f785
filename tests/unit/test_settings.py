"""Where the key and URL come from, and what a config that cannot be right does: it fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_vast_serverless import DEFAULT_BASE_URL, VastConfigError
from pulumi_vast_serverless.providers._runtime import runtime
from pulumi_vast_serverless.providers._settings import resolve_settings
from pulumi_vast_serverless.testing import copy_project

URL = "http://127.0.0.1:8787/api/v0"


def test_config_wins_over_the_environment_which_wins_over_the_default() -> None:
    env = {"VAST_API_KEY": "env-key", "VAST_API_URL": URL}
    assert resolve_settings({"vast:apiKey": "k"}, env).api_key == "k"
    assert resolve_settings({}, env).base_url == URL
    assert resolve_settings({}, {}).base_url == DEFAULT_BASE_URL


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        (
            {"vast:apiURL": URL},
            "stack config sets vast:apiURL, which this provider does not read: did you mean "
            "vast:apiUrl? (`pulumi config rm vast:apiURL`, then set vast:apiUrl)",
        ),
        (
            {"vast:token": "k"},
            "stack config sets vast:token, which this provider does not read: did you mean "
            "vast:apiKey? (`pulumi config rm vast:token`, then set vast:apiKey)",
        ),
        (
            {"vast:endpoint": URL},
            "stack config sets vast:endpoint, which this provider does not read; its keys are "
            "vast:apiKey, vast:apiUrl, vast:maxHourlySpend, vast:costEstimate, vast:strict "
            "(`pulumi config rm vast:endpoint`)",
        ),
        (
            {"vast:apiUrl": " "},
            "vast:apiUrl is set but empty: set it to Vast's API root such as "
            "https://console.vast.ai/api/v0 (or a simulator's), or remove it",
        ),
    ],
)
def test_a_vast_key_it_does_not_read_or_an_empty_url_is_a_problem_never_a_fallback(
    config: dict[str, str], problem: str
) -> None:
    settings = resolve_settings({"vast:apiKey": "k", **config}, {})
    assert settings.config_problems == (problem,)
    # Even a call that skipped the preview's check gets no client: nothing is sent.
    with pytest.raises(VastConfigError) as caught:
        runtime().client(settings)
    assert str(caught.value) == problem


def test_an_empty_url_in_the_environment_is_a_problem_too() -> None:
    settings = resolve_settings({}, {"VAST_API_KEY": "k", "VAST_API_URL": ""})
    assert settings.config_problems[0].startswith("VAST_API_URL is set but empty")


def test_other_projects_config_is_not_ours_to_judge() -> None:
    config = {"vast:apiKey": "k", "vast-app:templateHash": "h", "aws:region": "x"}
    assert resolve_settings(config, {}).config_problems == ()


def test_a_copied_project_leaves_a_stack_files_secrets_behind(tmp_path: Path) -> None:
    source = tmp_path / "project"
    source.mkdir()
    (source / "Pulumi.yaml").write_text("name: p\nruntime:\n  name: python\n")
    # What a shell `pulumi stack init` and `config set --secret` leave in a checkout.
    (source / "Pulumi.dev.yaml").write_text(
        "encryptionsalt: v1:abc\nconfig:\n  vast:apiKey:\n    secure: v1:xyz\n  p:size: '4'\n"
    )
    copy = copy_project(source, tmp_path / "copy")
    assert (copy / "Pulumi.dev.yaml").read_text() == "config:\n  p:size: '4'\n"
    # A copy's own stack file is kept as it is on the next copy (its salt is the copy's).
    (copy / "Pulumi.dev.yaml").write_text("encryptionsalt: v1:own\n")
    copy_project(source, copy)
    assert (copy / "Pulumi.dev.yaml").read_text() == "encryptionsalt: v1:own\n"


def test_vast_strict_is_true_or_false_and_nothing_else() -> None:
    assert resolve_settings({"vast:strict": "true"}, {}).strict is True
    assert resolve_settings({}, {}).strict is False
    settings = resolve_settings({"vast:strict": "yes"}, {})
    assert settings.config_problems == (
        "vast:strict must be true or false; got 'yes' (`pulumi config set vast:strict true`)",
    )
