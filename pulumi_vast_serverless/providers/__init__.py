"""The dynamic providers behind ``Endpoint``, ``Workergroup``, ``Template`` and ``Readiness``.

Their import paths are pickled into every stack's state (``__provider``): moving a class
breaks refresh and destroy of existing stacks, so these paths are stable API.
"""

from ._base import VastProvider
from ._errors import (
    VastAmbiguousCreateError,
    VastConflictError,
    VastLookupError,
    VastWaitError,
    VastWaitTimeoutError,
)
from ._host import engine_context
from ._host import install as _install_one_line_errors
from ._properties import ENDPOINT, READINESS, TEMPLATE, WORKERGROUP
from ._runtime import CallContext, program_client, runtime, serving
from ._settings import (
    API_KEY_CONFIG,
    API_URL_CONFIG,
    STRICT_CONFIG,
    program_settings,
    resolve_settings,
)
from ._table import Prop, Table
from .endpoint import EndpointProvider
from .readiness import READY_STATUSES, ReadinessProvider
from .template import TemplateProvider
from .workergroup import WorkergroupProvider

# Only inside the dynamic-provider host (the engine's provider process); see _host.
_install_one_line_errors()

# The providers, and what the package's other subpackages use: they import it from here,
# never from the private modules.
__all__ = [
    "API_KEY_CONFIG",
    "API_URL_CONFIG",
    "ENDPOINT",
    "READINESS",
    "READY_STATUSES",
    "STRICT_CONFIG",
    "TEMPLATE",
    "WORKERGROUP",
    "CallContext",
    "EndpointProvider",
    "Prop",
    "ReadinessProvider",
    "Table",
    "TemplateProvider",
    "VastAmbiguousCreateError",
    "VastConflictError",
    "VastLookupError",
    "VastProvider",
    "VastWaitError",
    "VastWaitTimeoutError",
    "WorkergroupProvider",
    "engine_context",
    "program_client",
    "program_settings",
    "resolve_settings",
    "runtime",
    "serving",
]
