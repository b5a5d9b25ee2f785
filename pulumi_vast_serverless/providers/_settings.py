"""Where the API key and URL come from: stack config first, then the environment.

Providers read them inside the provider process (``configure``) and lookups inside the
program process, so nothing secret is pickled into state.
"""

from __future__ import annotations

import difflib
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..client import DEFAULT_BASE_URL, KEY_HINT, VastConfigError, validated_base_url

API_KEY_CONFIG = "vast:apiKey"
API_URL_CONFIG = "vast:apiUrl"
API_KEY_ENV = "VAST_API_KEY"
API_URL_ENV = "VAST_API_URL"
MISSING_KEY = (
    f"no Vast API key: {KEY_HINT} (`pulumi config set --secret vast:apiKey <key>`; the "
    "config key is vast:apiKey, in camel case)"
)
# Every `vast:` stack config key this package reads; any other fails the preview, so a
# typo can never fall back to a default (the default API is Vast's, where money is).
DOCUMENTED_CONFIG = (
    API_KEY_CONFIG,
    API_URL_CONFIG,
    "vast:maxHourlySpend",
    "vast:costEstimate",
    "vast:strict",
)
STRICT_CONFIG = "vast:strict"
# Keys people write for ours that no spelling distance finds.
_MEANT = {"vast:key": API_KEY_CONFIG, "vast:token": API_KEY_CONFIG, "vast:url": API_URL_CONFIG}


@dataclass(frozen=True)
class ProviderSettings:
    """The resolved key and URL; the key is left out of ``repr``."""

    api_key: str = field(repr=False)
    base_url: str
    #: What is wrong with the stack config, found without an API call.
    config_problems: tuple[str, ...] = ()
    #: ``vast:strict``: this package's warnings fail the preview (for CI).
    strict: bool = False


def resolve_settings(
    config: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> ProviderSettings:
    """The key and URL from stack ``config`` (every key of it), else the environment.

    A key or URL set but empty is a problem, never a fall back to the default.
    """
    config = dict(config or {})
    env = os.environ if env is None else env
    problems = [unknown_key(key) for key in config if _ours(key) and key not in DOCUMENTED_CONFIG]
    key = config.get(API_KEY_CONFIG, env.get(API_KEY_ENV, ""))
    url = config.get(API_URL_CONFIG, env.get(API_URL_ENV))
    if url is not None and not str(url).strip():
        where = API_URL_CONFIG if API_URL_CONFIG in config else API_URL_ENV
        problems.append(
            f"{where} is set but empty: set it to Vast's API root such as "
            f"{DEFAULT_BASE_URL} (or a simulator's), or remove it"
        )
    base_url = DEFAULT_BASE_URL if url is None else str(url).strip()
    strict = str(config.get(STRICT_CONFIG, "false")).strip().lower()
    if strict not in ("true", "false"):
        problems.append(
            f"{STRICT_CONFIG} must be true or false; got {strict!r} "
            f"(`pulumi config set {STRICT_CONFIG} true`)"
        )
    return ProviderSettings(
        str(key or "").strip(), base_url, tuple(problems), strict=strict == "true"
    )


def program_settings() -> ProviderSettings:
    """The settings a Pulumi program sees: every config key of the stack, then the
    environment (for lookups and the cost check, which run in the program)."""
    from pulumi.runtime import config as runtime_config

    return resolve_settings({**runtime_config.get_config_env(), **runtime_config.CONFIG.get()})


def unknown_key(key: str) -> str:
    """What the preview says of a ``vast:`` config key this package does not read."""
    meant = _MEANT.get(key.lower())
    lowered = {k.lower(): k for k in DOCUMENTED_CONFIG}
    if meant is None:
        close = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.6)
        meant = lowered[close[0]] if close else None
    if meant is not None:
        return (
            f"stack config sets {key}, which this provider does not read: did you mean "
            f"{meant}? (`pulumi config rm {key}`, then set {meant})"
        )
    return (
        f"stack config sets {key}, which this provider does not read; its keys are "
        f"{', '.join(DOCUMENTED_CONFIG)} (`pulumi config rm {key}`)"
    )


def _ours(key: str) -> bool:
    return key.lower().startswith("vast:")


_reported: set[str] = set()
_reported_lock = threading.Lock()


def setting_problems(settings: ProviderSettings) -> list[str]:
    """What is wrong with the key, URL or config, found without an API call (for preview).

    Every resource checked fails while there is one, so none goes on to write with
    settings that cannot be right; the first carries the whole text, the rest point to it.
    """
    problems = list(settings.config_problems)
    if not settings.api_key:
        problems.append(MISSING_KEY)
    try:
        if settings.base_url:  # an empty one is a config problem already
            validated_base_url(settings.base_url)
    except VastConfigError as exc:
        problems.append(str(exc))
    with _reported_lock:
        fresh = [problem for problem in problems if problem not in _reported]
        _reported.update(fresh)
    if problems and not fresh:
        return [SEE_ABOVE]
    return fresh


# What every resource but the first says of a settings problem.
SEE_ABOVE = "the stack's Vast settings have a problem (reported above): nothing is sent"
