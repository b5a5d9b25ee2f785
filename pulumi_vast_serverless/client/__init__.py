"""The REST client of Vast's serverless API: ``VastClient`` and the exceptions of talking
to Vast. It only talks to Vast: what a stack owns, and creates settled after a lost
answer, are the providers' (``providers._creates``).

Its parts, each private: ``_http`` (the session: auth, timeouts, pacing, answers to
exceptions), ``_errors`` (the exception tree of talking to Vast), ``_backoff`` (retry
decisions), ``_pacing`` and ``_budget`` (client-side rate pacing, shared by the machine),
``_rate_answers`` (what a 429 says), ``_shared_list`` (list reads shared by concurrent
callers), ``_reading`` (answers read tolerantly), ``_rows`` (row helpers), ``_record`` and
``_shape`` (conformance records of exchanges), ``_routes`` (routes and their documented
limits), ``_offer_query`` (Vast's offer query language).
"""

from typing import TYPE_CHECKING, Any

from ._config import DEFAULT_BASE_URL
from ._errors import (
    VastAnswerError,
    VastAPIError,
    VastAuthError,
    VastClientError,
    VastConfigError,
    VastError,
    VastNotFoundError,
    VastRateLimitError,
    VastServerError,
    VastTransportError,
    VastValidationError,
)

if TYPE_CHECKING:
    from ._client import VastClient

__all__ = [
    "DEFAULT_BASE_URL",
    "VastAPIError",
    "VastAnswerError",
    "VastAuthError",
    "VastClient",
    "VastClientError",
    "VastConfigError",
    "VastError",
    "VastNotFoundError",
    "VastRateLimitError",
    "VastServerError",
    "VastTransportError",
    "VastValidationError",
]


def __getattr__(name: str) -> Any:
    # The HTTP stack (requests, urllib3) loads on first use: checking inputs at preview,
    # in the provider process, needs none of it.
    if name == "VastClient":
        from ._client import VastClient

        return VastClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
