"""Where the API is and how long a request may take: settings checked without a request.

Kept apart from the HTTP stack so that checking settings (at preview) imports no
``requests``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ._errors import VastConfigError

DEFAULT_BASE_URL = "https://console.vast.ai/api/v0"
# The autoscaler (worker status, rolling updates) has its own host; with any other API URL
# (a simulator, say) Vast's own client sends those calls to the API's host instead.
DEFAULT_AUTOSCALER_URL = "https://run.vast.ai"
# (connect, read) seconds. Every request carries it: a hung socket must not hang `pulumi up`.
DEFAULT_TIMEOUT = (5.0, 30.0)
KEY_HINT = "set the secret stack config `vast:apiKey` or the env var VAST_API_KEY"
URL_HINT = (
    "check `vast:apiUrl` (or VAST_API_URL): it must be Vast's API root ending in /api/v0, "
    f"such as {DEFAULT_BASE_URL}"
)


def validated_base_url(base_url: str) -> str:
    """Return ``base_url`` without a trailing slash, or raise ``VastConfigError``."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise VastConfigError(
            f"the Vast API URL must be an http(s) URL such as {DEFAULT_BASE_URL}; got "
            f"{base_url!r} ({URL_HINT})"
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise VastConfigError(
            "the Vast API URL must not carry credentials, a query or a fragment; set the key "
            "with `vast:apiKey` or VAST_API_KEY"
        )
    if not parts.path.rstrip("/").endswith("/api/v0"):
        raise VastConfigError(f"the Vast API URL {base_url!r} does not end in /api/v0 ({URL_HINT})")
    return base_url.strip().rstrip("/")


def autoscaler_url_for(base_url: str) -> str:
    """The autoscaler root that goes with an API root (as Vast's own client chooses it)."""
    if base_url.rstrip("/") == DEFAULT_BASE_URL:
        return DEFAULT_AUTOSCALER_URL
    return base_url.rstrip("/").removesuffix("/api/v0")
