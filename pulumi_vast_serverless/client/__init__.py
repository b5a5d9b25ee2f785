"""The REST client of Vast's serverless API: ``VastClient`` and its exception tree.

Its parts, each private: ``_http`` (the session: auth, timeouts, pacing, answers to
exceptions), ``_errors`` (the exception tree and who is at fault), ``_backoff`` (retry
decisions), ``_pacing`` (client-side rate pacing), ``_shared_list`` (list reads shared by
concurrent callers), ``_rows`` (normalising what Vast returns), ``_routes`` (routes and
their documented limits), ``_offer_query`` (Vast's offer query language).
"""

from ._client import VastClient
from ._errors import (
    VastAmbiguousCreateError,
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
    VastWaitTimeoutError,
)
from ._http import DEFAULT_BASE_URL

__all__ = [
    "DEFAULT_BASE_URL",
    "VastAPIError",
    "VastAmbiguousCreateError",
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
    "VastWaitTimeoutError",
]
