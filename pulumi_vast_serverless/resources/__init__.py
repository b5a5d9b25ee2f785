"""The resources users write in a Pulumi program, and lookups of objects they do not own."""

from .endpoint import Endpoint, EndpointArgs
from .lookups import EndpointInfo, WorkergroupInfo, get_endpoint, get_workergroups
from .template import Template, TemplateArgs
from .workergroup import Workergroup, WorkergroupArgs

__all__ = [
    "Endpoint",
    "EndpointArgs",
    "EndpointInfo",
    "Template",
    "TemplateArgs",
    "Workergroup",
    "WorkergroupArgs",
    "WorkergroupInfo",
    "get_endpoint",
    "get_workergroups",
]
