"""The resources users write in a Pulumi program, and lookups of objects they do not own."""

from .endpoint import Endpoint, EndpointArgs
from .workergroup import Workergroup, WorkergroupArgs

__all__ = ["Endpoint", "EndpointArgs", "Workergroup", "WorkergroupArgs"]
