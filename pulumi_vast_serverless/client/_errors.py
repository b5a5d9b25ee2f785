"""The exceptions of talking to Vast, split by who is at fault.

    VastError                      base of everything this package raises
    ├── VastConfigError            our caller's set-up: no API key, bad base URL
    ├── VastTransportError         the network: connect failure, timeout, dropped connection
    └── VastAPIError               Vast answered with a failure
        ├── VastClientError        4xx or success=false: the request was wrong
        │   ├── VastAuthError      401/403: the key is missing, wrong or lacks rights
        │   ├── VastNotFoundError  404, or Vast's "not found" message
        │   ├── VastValidationError 400 invalid_args and other rejected input
        │   └── VastRateLimitError 429 after the retry budget ran out
        └── VastServerError        5xx: Vast's side
            └── VastAnswerError    Vast answered in a shape this release cannot read

What only the providers raise (a conflict, a lookup, a wait, an ambiguous create) lives
with them, in ``providers._errors``, under the same ``VastError``; the package root
exports the whole tree.

Messages carry the method, the URL, the status and Vast's own message, and a hint where
the user can fix something. They never carry the API key (it only ever travels in the
Authorization header, never in a URL).
"""

from __future__ import annotations

from typing import TypeVar

E = TypeVar("E", bound="VastError")


class VastError(Exception):
    """Base class of every error raised by pulumi_vast_serverless.

    ``hint`` (what the user can do about it) is shown after the message, in brackets.
    """

    hint: str = ""

    def __str__(self) -> str:
        text = self.describe()
        return f"{text} ({self.hint})" if self.hint else text

    def describe(self) -> str:
        """The message without the hint."""
        return super().__str__()


class VastConfigError(VastError):
    """The client or provider was set up wrongly (missing key, bad URL)."""


class VastTransportError(VastError):
    """The request failed on the network before Vast gave an answer."""

    def __init__(
        self,
        method: str,
        url: str,
        reason: str,
        *,
        maybe_sent: bool = True,
        timed_out: bool = False,
        hint: str = "",
    ) -> None:
        super().__init__(method, url, reason)
        self.method = method
        self.url = url
        self.reason = reason
        #: False only when the request surely never left (connect failure).
        self.maybe_sent = maybe_sent
        #: True when Vast may still be working on the request (read timeout).
        self.timed_out = timed_out
        self.hint = hint

    def describe(self) -> str:
        return f"{self.method} {self.url} failed: {self.reason}"


class VastAPIError(VastError):
    """Vast answered, and the answer is a failure."""

    def __init__(
        self,
        method: str,
        url: str,
        status: int,
        vast_message: str,
        hint: str = "",
        error_code: str = "",
    ) -> None:
        super().__init__(method, url, status, vast_message)
        self.method = method
        self.url = url
        self.status = status
        self.vast_message = vast_message
        self.hint = hint
        self.error_code = error_code

    def describe(self) -> str:
        return (
            f"{self.method} {self.url} -> HTTP {self.status}: {self.vast_message or '(no message)'}"
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(method={self.method!r}, url={self.url!r}, "
            f"status={self.status}, vast_message={self.vast_message!r})"
        )


class VastClientError(VastAPIError):
    """Vast rejected the request as wrong (4xx, or HTTP 200 with success=false)."""


class VastAuthError(VastClientError):
    """The API key is missing, unknown or not allowed to do this."""


class VastNotFoundError(VastClientError):
    """The object does not exist (or belongs to another account)."""


class VastValidationError(VastClientError):
    """Vast rejected an input value."""


class VastRateLimitError(VastClientError):
    """Vast kept answering 429 after every retry the budget allowed."""


class VastServerError(VastAPIError):
    """Vast failed on its side (5xx)."""


class VastAnswerError(VastServerError):
    """Vast's answer (a success) holds a field in a form this release cannot read."""


def with_hint(error: E, hint: str) -> E:
    """Return a copy of ``error`` that shows ``hint`` instead of its own."""
    fresh = type(error).__new__(type(error))
    fresh.__dict__.update(error.__dict__)
    fresh.args = error.args
    fresh.hint = hint
    return fresh
