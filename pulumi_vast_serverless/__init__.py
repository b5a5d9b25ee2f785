"""Manage Vast.ai Serverless endpoints and workergroups with Pulumi.

The public surface: the ``Endpoint`` and ``Workergroup`` resources with their ``Args``,
lookups of objects a stack does not own (``Endpoint.get``, ``get_endpoint``), ``VastClient``
for the REST API, and the exception tree (see ``client._errors``).
"""

from ._version import __version__
from .client import (
    DEFAULT_BASE_URL,
    VastAmbiguousCreateError,
    VastAPIError,
    VastAuthError,
    VastClient,
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
from .resources import (
    Endpoint,
    EndpointArgs,
    EndpointInfo,
    Workergroup,
    WorkergroupArgs,
    WorkergroupInfo,
    get_endpoint,
    get_workergroups,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "Endpoint",
    "EndpointArgs",
    "EndpointInfo",
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
    "Workergroup",
    "WorkergroupArgs",
    "WorkergroupInfo",
    "__version__",
    "get_endpoint",
    "get_workergroups",
]

# Show public names as `pulumi_vast_serverless.X` in tracebacks and reprs (as httpx does),
# not as the private module that defines them.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type):
        _value.__module__ = __name__
del _name, _value
