"""The REST client of Vast's serverless API: ``VastClient`` and its exception tree.

Its parts, each private: ``_http`` (the session: auth, timeouts, pacing, answers to
exceptions), ``_errors`` (the exception tree and who is at fault), ``_backoff`` (retry
decisions), ``_pacing`` (client-side rate pacing), ``_shared_list`` (list reads shared by
concurrent callers), ``_rows`` (normalising what Vast returns), ``_routes`` (routes and
their documented limits), ``_offer_query`` (Vast's offer query language).
"""

from typing import TYPE_CHECKING, Any

from ._config import DEFAULT_BASE_URL
from ._errors import (
    VastAmbiguousCreateError,
    VastAnswerError,
    VastAPIError,
    VastAuthError,
    VastClientError,
    VastConfigError,
    VastConflictError,
    VastError,
    VastLookupError,
    VastNotFoundError,
    VastRateLimitError,
    VastServerError,
    VastTransportError,
    VastValidationError,
    VastWaitError,
    VastWaitTimeoutError,
)

if TYPE_CHECKING:
    from ._client import VastClient

__all__ = [
    "DEFAULT_BASE_URL",
    "VastAPIError",
    "VastAmbiguousCreateError",
    "VastAnswerError",
    "VastAuthError",
    "VastClient",
    "VastClientError",
    "VastConfigError",
    "VastConflictError",
    "VastError",
    "VastLookupError",
    "VastNotFoundError",
    "VastRateLimitError",
    "VastServerError",
    "VastTransportError",
    "VastValidationError",
    "VastWaitError",
    "VastWaitTimeoutError",
]


def __getattr__(name: str) -> Any:
    # The HTTP stack (requests, urllib3) loads on first use: checking inputs at preview,
    # in the provider process, needs none of it.
    if name == "VastClient":
        from ._client import VastClient

        return VastClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
