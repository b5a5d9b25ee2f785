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

from . import _offer_query as offer_query
from . import _routes as routes
from ._config import DEFAULT_BASE_URL, KEY_HINT, validated_base_url
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
    with_hint,
)
from ._reading import Kind as AnswerKind
from ._reading import UnreadableError, read_value
from ._record import (
    RECORD_ENV,
    Record,
    Recorder,
    read_record,
    record_finding,
    recorder_from_env,
    start_record,
)
from ._rows import matches_sent, object_id, same_value
from ._shape import Shape, flatten, merge

if TYPE_CHECKING:
    from ._client import VastClient
    from ._rate_answers import read_answer

# The public surface and what the package's other subpackages use: they import it from
# here, never from the private modules.
__all__ = [
    "DEFAULT_BASE_URL",
    "KEY_HINT",
    "RECORD_ENV",
    "AnswerKind",
    "Record",
    "Recorder",
    "Shape",
    "UnreadableError",
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
    "flatten",
    "matches_sent",
    "merge",
    "object_id",
    "offer_query",
    "read_answer",
    "read_record",
    "read_value",
    "record_finding",
    "recorder_from_env",
    "routes",
    "same_value",
    "start_record",
    "validated_base_url",
    "with_hint",
]


def __getattr__(name: str) -> Any:
    # The HTTP stack (requests, urllib3) loads on first use: checking inputs at preview,
    # in the provider process, needs none of it.
    if name == "VastClient":
        from ._client import VastClient

        return VastClient
    if name == "read_answer":  # it reads Retry-After as urllib3 does
        from ._rate_answers import read_answer

        return read_answer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
