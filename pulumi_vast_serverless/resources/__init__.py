"""The resources users write in a Pulumi program, and lookups of objects they do not own."""

from .endpoint import Endpoint, EndpointArgs
from .lookups import (
    EndpointInfo,
    WorkergroupInfo,
    WorkerInfo,
    get_endpoint,
    get_endpoint_logs,
    get_endpoint_workers,
    get_workergroup_logs,
    get_workergroup_workers,
    get_workergroups,
)
from .readiness import Readiness
from .template import Template, TemplateArgs
from .workergroup import Workergroup, WorkergroupArgs

__all__ = [
    "Endpoint",
    "EndpointArgs",
    "EndpointInfo",
    "Readiness",
    "Template",
    "TemplateArgs",
    "WorkerInfo",
    "Workergroup",
    "WorkergroupArgs",
    "WorkergroupInfo",
    "get_endpoint",
    "get_endpoint_logs",
    "get_endpoint_workers",
    "get_workergroup_logs",
    "get_workergroup_workers",
    "get_workergroups",
]
