"""Manage Vast.ai Serverless endpoints and workergroups with Pulumi.

The public surface: the ``Endpoint`` and ``Workergroup`` resources with their ``Args``,
``VastClient`` for the REST API, and the exception tree (see ``_errors``).
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
    VastNotFoundError,
    VastRateLimitError,
    VastServerError,
    VastTransportError,
    VastValidationError,
)
from ._version import __version__
from .endpoint import Endpoint, EndpointArgs
from .workergroup import Workergroup, WorkergroupArgs

__all__ = [
    "DEFAULT_BASE_URL",
    "Endpoint",
    "EndpointArgs",
    "VastAPIError",
    "VastAmbiguousCreateError",
    "VastAuthError",
    "VastClient",
    "VastClientError",
    "VastConfigError",
    "VastConflictError",
    "VastError",
    "VastNotFoundError",
    "VastRateLimitError",
    "VastServerError",
    "VastTransportError",
    "VastValidationError",
    "Workergroup",
    "WorkergroupArgs",
    "__version__",
]
