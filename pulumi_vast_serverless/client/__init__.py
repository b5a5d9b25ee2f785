"""The REST client of Vast's serverless API: ``VastClient`` and its exception tree.

Its parts, each private: ``_errors`` (the exception tree and who is at fault),
``_backoff`` (retry decisions), ``_pacing`` (client-side rate pacing), ``_list_cache``
(shared list reads), ``_rows`` (normalising what Vast returns), ``_routes`` (routes and
their documented limits).
"""

from ._client import DEFAULT_BASE_URL, VastClient
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
)

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
]
