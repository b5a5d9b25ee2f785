"""Manage Vast.ai Serverless endpoints and workergroups with Pulumi.

The public surface: the ``Template``, ``Endpoint`` and ``Workergroup`` resources with their
``Args``, the ``Readiness`` wait, lookups of objects a stack does not own (``Endpoint.get``,
``get_endpoint``) and of workers and the engine's logs (``get_workergroup_workers``,
``get_workergroup_logs``), what a stack spends now (``get_endpoint_spend``,
``get_spend_rate``), ``VastClient`` for the REST API, and the exception tree (see
``client._errors``).
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from ._version import __version__
from .client import (
    DEFAULT_BASE_URL,
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

if _TYPE_CHECKING:
    from .client import VastClient
    from .cost import SpendRate, get_endpoint_spend, get_spend_rate, get_workergroup_spend
    from .providers import (
        VastAmbiguousCreateError,
        VastConflictError,
        VastLookupError,
        VastWaitError,
        VastWaitTimeoutError,
    )
    from .resources import (
        Endpoint,
        EndpointArgs,
        EndpointInfo,
        Readiness,
        Template,
        TemplateArgs,
        Workergroup,
        WorkergroupArgs,
        WorkergroupInfo,
        WorkerInfo,
        get_endpoint,
        get_endpoint_logs,
        get_endpoint_workers,
        get_workergroup_logs,
        get_workergroup_workers,
        get_workergroups,
    )

__all__ = [
    "DEFAULT_BASE_URL",
    "Endpoint",
    "EndpointArgs",
    "EndpointInfo",
    "Readiness",
    "SpendRate",
    "Template",
    "TemplateArgs",
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
    "WorkerInfo",
    "Workergroup",
    "WorkergroupArgs",
    "WorkergroupInfo",
    "__version__",
    "get_endpoint",
    "get_endpoint_logs",
    "get_endpoint_spend",
    "get_endpoint_workers",
    "get_spend_rate",
    "get_workergroup_logs",
    "get_workergroup_spend",
    "get_workergroup_workers",
    "get_workergroups",
]

# Loaded on first use: the provider process (which imports only ``providers``) then never
# pays for the resources or the HTTP stack before it needs them.
_LAZY = (
    {"VastClient": ".client"}
    | dict.fromkeys(
        [
            "VastAmbiguousCreateError",
            "VastConflictError",
            "VastLookupError",
            "VastWaitError",
            "VastWaitTimeoutError",
        ],
        ".providers",
    )
    | dict.fromkeys(
        ["SpendRate", "get_endpoint_spend", "get_spend_rate", "get_workergroup_spend"], ".cost"
    )
    | dict.fromkeys(
        [
            "Endpoint",
            "EndpointArgs",
            "EndpointInfo",
            "Readiness",
            "Template",
            "TemplateArgs",
            "Workergroup",
            "WorkergroupArgs",
            "WorkergroupInfo",
            "WorkerInfo",
            "get_endpoint",
            "get_endpoint_logs",
            "get_endpoint_workers",
            "get_workergroup_logs",
            "get_workergroup_workers",
            "get_workergroups",
        ],
        ".resources",
    )
)


def _public(value: _Any) -> _Any:
    """Show a public class as ``pulumi_vast_serverless.X`` in tracebacks and reprs (as httpx
    does), not as the private module that defines it."""
    if isinstance(value, type):
        value.__module__ = __name__
    return value


def __getattr__(name: str) -> _Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = _public(getattr(import_module(_LAZY[name], __name__), name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


for _name in __all__:
    if _name not in _LAZY:
        _public(globals()[_name])
del _name
