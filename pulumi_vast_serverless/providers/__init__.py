"""The dynamic providers behind ``Endpoint``, ``Workergroup``, ``Template`` and ``Readiness``.

Their import paths are pickled into every stack's state (``__provider``): moving a class
breaks refresh and destroy of existing stacks, so these paths are stable API.
"""

from ._host import install as _install_one_line_errors
from ._properties import ENDPOINT, READINESS, TEMPLATE, WORKERGROUP
from ._table import Prop, Table
from .endpoint import EndpointProvider
from .readiness import ReadinessProvider
from .template import TemplateProvider
from .workergroup import WorkergroupProvider

# Only inside the dynamic-provider host (the engine's provider process); see _host.
_install_one_line_errors()

__all__ = [
    "ENDPOINT",
    "READINESS",
    "TEMPLATE",
    "WORKERGROUP",
    "EndpointProvider",
    "Prop",
    "ReadinessProvider",
    "Table",
    "TemplateProvider",
    "WorkergroupProvider",
]
