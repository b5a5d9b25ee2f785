"""The exceptions only the providers raise, under the client's ``VastError``.

VastError (client._errors)
├── VastConflictError          the object to create exists already (see adopt_existing)
├── VastLookupError            a lookup (``get``, ``get_endpoint``) found no object, or
│                              more than one
├── VastAmbiguousCreateError   a create may or may not have reached Vast, and reading
│                              back could not tell (fault unknown: rerun to reconcile)
└── VastWaitError              a readiness wait ended without enough ready workers:
    │                          it cannot succeed, or was cancelled
    └── VastWaitTimeoutError   workers did not become ready in time
"""

from __future__ import annotations

from ..client import VastError

__all__ = [
    "VastAmbiguousCreateError",
    "VastConflictError",
    "VastLookupError",
    "VastWaitError",
    "VastWaitTimeoutError",
]


class VastConflictError(VastError):
    """An object the stack would create exists already and was not adopted."""


class VastLookupError(VastError):
    """A lookup of an object this stack does not own found none, or several."""


class VastWaitError(VastError):
    """A readiness wait ended without enough ready workers."""


class VastWaitTimeoutError(VastWaitError):
    """Workers did not reach the awaited state before the timeout."""


class VastAmbiguousCreateError(VastError):
    """A create may have reached Vast, and reading back could not settle whether it did."""

    def __init__(
        self,
        method: str,
        url: str,
        reason: str,
        sent: dict[str, object],
        hint: str = "run again: the next run finds the object if it was created, and never "
        "creates a second one",
    ) -> None:
        super().__init__(method, url, reason)
        self.method = method
        self.url = url
        self.reason = reason
        self.sent = sent
        self.hint = hint

    def describe(self) -> str:
        return f"{self.method} {self.url} may or may not have created an object ({self.reason})"
