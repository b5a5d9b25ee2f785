"""Which resource of the program an Output attribute belongs to: ``tmpl.template_id`` -> ``tmpl``.

``Workergroup(template_id=tmpl.template_id)`` names a template by an id that never
changes, though its content does: the group also needs ``tmpl.hash_id`` to know when to
roll. ``Readiness(endpoint_id=ep.id, min_ready=30)`` can be refused at preview only if it
sees ``ep.max_workers``. Resources record the Outputs others pass around (``own``); a
resource given one finds its owner (``owner``). Only those exact Outputs are known: a
value derived from one (``tmpl.template_id.apply(int)``) has no owner here.
"""

from __future__ import annotations

import weakref
from typing import Any, TypeVar

from pulumi import Output, Resource

R = TypeVar("R", bound=Resource)

# Weak both ways: a program's resources and outputs go when the program is done with them.
_OWNERS: weakref.WeakKeyDictionary[Output[Any], weakref.ref[Resource]] = weakref.WeakKeyDictionary()


def own(resource: Resource, *outputs: Output[Any]) -> None:
    """Record that ``outputs`` are attributes of ``resource``."""
    for output in outputs:
        _OWNERS[output] = weakref.ref(resource)


def owner(value: object, kind: type[R]) -> R | None:
    """The ``kind`` resource ``value`` is an attribute of, if it is one."""
    if not isinstance(value, Output):
        return None
    found = _OWNERS.get(value)
    resource = found() if found is not None else None
    return resource if isinstance(resource, kind) else None
