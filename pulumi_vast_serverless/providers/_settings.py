"""Where the API key and URL come from: stack config first, then the environment.

Providers read them inside the provider process (``configure``) and lookups inside the
program process, so nothing secret is pickled into state.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..client._config import DEFAULT_BASE_URL, KEY_HINT, validated_base_url
from ..client._errors import VastConfigError

if TYPE_CHECKING:
    from ..client._client import VastClient

API_KEY_CONFIG = "vast:apiKey"
API_URL_CONFIG = "vast:apiUrl"
API_KEY_ENV = "VAST_API_KEY"
API_URL_ENV = "VAST_API_URL"
MISSING_KEY = (
    f"no Vast API key: {KEY_HINT} (`pulumi config set --secret vast:apiKey <key>`; the "
    "config key is vast:apiKey, in camel case)"
)


# Config keys people write for ours; found set, they are reported at preview.
_LIKELY_MISSPELLINGS = {
    **dict.fromkeys(
        ["vast:api_key", "vast:apikey", "vast:api-key", "vast:APIKey", "vast:key", "vast:token"],
        API_KEY_CONFIG,
    ),
    **dict.fromkeys(["vast:api_url", "vast:apiurl", "vast:api-url", "vast:url"], API_URL_CONFIG),
}


@dataclass(frozen=True)
class ProviderSettings:
    """The resolved key and URL; the key is left out of ``repr``."""

    api_key: str = field(repr=False)
    base_url: str
    #: (config key found, the key it was probably meant to be)
    misspelled: tuple[tuple[str, str], ...] = ()


ConfigLookup = Callable[[str], Any]


def resolve_settings(config: ConfigLookup | None = None) -> ProviderSettings:
    """Read ``vast:apiKey``/``vast:apiUrl`` through ``config``, falling back to the environment."""
    key = (config(API_KEY_CONFIG) if config else None) or os.environ.get(API_KEY_ENV, "")
    url = (
        (config(API_URL_CONFIG) if config else None)
        or os.environ.get(API_URL_ENV)
        or DEFAULT_BASE_URL
    )
    misspelled = tuple(
        (found, meant)
        for found, meant in _LIKELY_MISSPELLINGS.items()
        if config is not None and config(found) is not None
    )
    return ProviderSettings(str(key).strip(), str(url).strip(), misspelled)


_reported: set[str] = set()
_reported_lock = threading.Lock()


def setting_problems(settings: ProviderSettings) -> list[str]:
    """What is wrong with the key or URL, found without an API call (for preview).

    Each problem is reported once per process: the first resource checked carries it,
    rather than every resource of the program repeating it.
    """
    problems = [
        f"stack config sets {found}, which this provider does not read: did you mean "
        f"{meant}? (`pulumi config rm {found}`, then set {meant})"
        for found, meant in settings.misspelled
    ]
    if not settings.api_key:
        problems.append(MISSING_KEY)
    try:
        validated_base_url(settings.base_url)
    except VastConfigError as exc:
        problems.append(str(exc))
    with _reported_lock:
        fresh = [problem for problem in problems if problem not in _reported]
        _reported.update(fresh)
    return fresh


_clients: dict[tuple[str, str], VastClient] = {}
_clients_lock = threading.Lock()


def shared_client(settings: ProviderSettings) -> VastClient:
    """Return the process's client for these settings, so providers share list caches."""
    if not settings.api_key:
        raise VastConfigError(MISSING_KEY)
    from ..client._client import VastClient  # the HTTP stack, on first use

    fingerprint = hashlib.sha256(settings.api_key.encode()).hexdigest()
    with _clients_lock:
        client = _clients.get((settings.base_url, fingerprint))
        if client is None:
            client = VastClient(settings.api_key, base_url=settings.base_url)
            _clients[(settings.base_url, fingerprint)] = client
        return client
