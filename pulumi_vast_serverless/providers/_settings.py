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
from typing import Any

from ..client._client import DEFAULT_BASE_URL, KEY_HINT, VastClient
from ..client._errors import VastConfigError

API_KEY_CONFIG = "vast:apiKey"
API_URL_CONFIG = "vast:apiUrl"
API_KEY_ENV = "VAST_API_KEY"
API_URL_ENV = "VAST_API_URL"


@dataclass(frozen=True)
class ProviderSettings:
    """The resolved key and URL; the key is left out of ``repr``."""

    api_key: str = field(repr=False)
    base_url: str


ConfigLookup = Callable[[str], Any]


def resolve_settings(config: ConfigLookup | None = None) -> ProviderSettings:
    """Read ``vast:apiKey``/``vast:apiUrl`` through ``config``, falling back to the environment."""
    key = (config(API_KEY_CONFIG) if config else None) or os.environ.get(API_KEY_ENV, "")
    url = (
        (config(API_URL_CONFIG) if config else None)
        or os.environ.get(API_URL_ENV)
        or DEFAULT_BASE_URL
    )
    return ProviderSettings(api_key=str(key).strip(), base_url=str(url).strip())


_clients: dict[tuple[str, str], VastClient] = {}
_clients_lock = threading.Lock()


def shared_client(settings: ProviderSettings) -> VastClient:
    """Return the process's client for these settings, so providers share list caches."""
    if not settings.api_key:
        raise VastConfigError(
            f"no Vast API key: {KEY_HINT} (`pulumi config set --secret vast:apiKey <key>`)"
        )
    fingerprint = hashlib.sha256(settings.api_key.encode()).hexdigest()
    with _clients_lock:
        client = _clients.get((settings.base_url, fingerprint))
        if client is None:
            client = VastClient(settings.api_key, base_url=settings.base_url)
            _clients[(settings.base_url, fingerprint)] = client
        return client
