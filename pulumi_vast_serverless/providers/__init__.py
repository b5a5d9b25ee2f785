"""The dynamic providers behind ``Endpoint`` and ``Workergroup``.

Their import paths are pickled into every stack's state (``__provider``): moving a class
breaks refresh and destroy of existing stacks, so these paths are stable API.
"""

from .endpoint import EndpointProvider
from .workergroup import WorkergroupProvider

__all__ = ["EndpointProvider", "WorkergroupProvider"]
