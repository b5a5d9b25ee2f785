"""``VastClient``: Vast's serverless REST API under its rate limits and failures."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Collection, Mapping
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from . import _routes
from ._backoff import RateLimitBackoff, transport_retry
from ._errors import (
    VastAmbiguousCreateError,
    VastAPIError,
    VastAuthError,
    VastClientError,
    VastConfigError,
    VastNotFoundError,
    VastRateLimitError,
    VastServerError,
    VastTransportError,
    VastValidationError,
)
from ._list_cache import ListCache
from ._pacing import shared_pacer
from ._rows import Row, created_id, normalize_row, same_value

DEFAULT_BASE_URL = "https://console.vast.ai/api/v0"
# (connect, read) seconds. Every request carries it: a hung socket must not hang `pulumi up`.
DEFAULT_TIMEOUT = (5.0, 30.0)
DEFAULT_LIST_CACHE_TTL = 2.0
# After a create timed out: list this many more times, this many seconds apart, before
# declaring it ambiguous (a slow POST usually commits within seconds).
DEFAULT_SETTLE = (5, 2.0)
KEY_HINT = "set the secret stack config `vast:apiKey` or the env var VAST_API_KEY"

log = logging.getLogger("pulumi_vast_serverless")

# Fields Vast stores verbatim, used to recognise our own object after an ambiguous create.
_IDENTITY_FIELDS = {
    _routes.ENDPOINTS: ("endpoint_name",),
    _routes.WORKERGROUPS: (
        "endpoint_id",
        "endpoint_name",
        "template_hash",
        "template_id",
        "launch_args",
    ),
}
_NOT_FOUND = re.compile(r"not found|no such|does not exist", re.IGNORECASE)


class VastClient:
    """A client of Vast's serverless endpoints and workergroups.

    The API key travels only in the ``Authorization`` header. Rows come back as dicts
    keyed by Vast's field names, normalised (see ``normalize_row``) and free of secrets.
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        list_cache_ttl: float = DEFAULT_LIST_CACHE_TTL,
        rate_limits: Mapping[str, float] | None = _routes.DOCUMENTED_LIMITS,
        rate_limit_backoff: RateLimitBackoff | None = None,
        settle: tuple[int, float] = DEFAULT_SETTLE,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not api_key or not api_key.strip():
            raise VastConfigError(f"no Vast API key: {KEY_HINT}")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise VastConfigError(
                f"Vast API URL must be an http(s) URL such as {DEFAULT_BASE_URL}; got {base_url!r}"
            )
        if parts.username or parts.password or parts.query:
            raise VastConfigError("Vast API URL must not carry credentials or a query string")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._api_key = api_key.strip()
        self._host = parts.netloc
        self._rate_limits = dict(rate_limits or {})
        self._backoff = rate_limit_backoff or RateLimitBackoff()
        self._settle_looks, self._settle_interval = settle
        self._sleep = sleep
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {self._api_key}"
        self._session.headers["Accept"] = "application/json"
        # Proxy settings from the environment must not reroute a loopback simulator.
        self._session.trust_env = False
        adapter = HTTPAdapter(max_retries=transport_retry(), pool_maxsize=16)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._lists = {
            collection: ListCache(partial(self._list, collection), list_cache_ttl)
            for collection in (_routes.ENDPOINTS, _routes.WORKERGROUPS)
        }

    def __repr__(self) -> str:
        return f"VastClient(base_url={self.base_url!r})"

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()

    # Endpoints

    def list_endpoints(self, *, fresh: bool = False) -> list[Row]:
        """Return every endpoint of the account (shared with concurrent callers)."""
        return self._lists[_routes.ENDPOINTS].get(fresh=fresh)

    def create_endpoint(self, *, known_ids: Collection[int] | None = None, **fields: Any) -> int:
        """Create an endpoint and return its id.

        ``known_ids`` (the ids listed before) lets the client settle an ambiguous failure
        by finding the object that appeared instead of creating a second one.
        """
        return self._create(_routes.ENDPOINTS, fields, known_ids)

    def update_endpoint(self, endpoint_id: int, **fields: Any) -> None:
        """Change the given fields of an endpoint."""
        self._write("PUT", _routes.ENDPOINTS, endpoint_id, fields)

    def delete_endpoint(self, endpoint_id: int) -> None:
        """Delete an endpoint; raises ``VastNotFoundError`` if it is already gone."""
        # The CLI sends the id in the body too; some deployments read it from there.
        self._write("DELETE", _routes.ENDPOINTS, endpoint_id, {"endptjob_id": int(endpoint_id)})

    # Workergroups

    def list_workergroups(self, *, fresh: bool = False) -> list[Row]:
        """Return every workergroup of the account (shared with concurrent callers)."""
        return self._lists[_routes.WORKERGROUPS].get(fresh=fresh)

    def create_workergroup(self, *, known_ids: Collection[int] | None = None, **fields: Any) -> int:
        """Create a workergroup and return its id (see ``create_endpoint``)."""
        return self._create(_routes.WORKERGROUPS, fields, known_ids)

    def update_workergroup(self, workergroup_id: int, **fields: Any) -> None:
        """Change the given fields of a workergroup."""
        self._write("PUT", _routes.WORKERGROUPS, workergroup_id, fields)

    def delete_workergroup(self, workergroup_id: int) -> None:
        """Delete a workergroup; raises ``VastNotFoundError`` if it is already gone."""
        self._write("DELETE", _routes.WORKERGROUPS, workergroup_id, None)

    # Internals

    def _list(self, collection: str) -> list[Row]:
        body = self._request("GET", collection)
        results = body.get("results")
        if not isinstance(results, list):
            raise VastServerError("GET", collection, 200, "answer has no `results` list")
        return [normalize_row(row) for row in results if isinstance(row, dict)]

    def _write(
        self, method: str, collection: str, object_id: int, fields: dict[str, Any] | None
    ) -> None:
        try:
            self._request(method, _routes.item_path(collection, object_id), fields)
        finally:
            self._lists[collection].invalidate()

    def _create(
        self, collection: str, fields: dict[str, Any], known_ids: Collection[int] | None
    ) -> int:
        try:
            return self._post_create(collection, fields)
        except (VastServerError, VastTransportError) as exc:
            if isinstance(exc, VastTransportError) and not exc.maybe_sent:
                raise
            if known_ids is None:
                raise VastAmbiguousCreateError("POST", collection, str(exc), fields) from exc
            return self._reconcile_create(collection, fields, known_ids, exc)
        finally:
            self._lists[collection].invalidate()

    def _reconcile_create(
        self,
        collection: str,
        fields: dict[str, Any],
        known_ids: Collection[int],
        exc: VastServerError | VastTransportError,
    ) -> int:
        """Settle a create whose answer was lost: find the object, or resend only if safe."""
        # After a read timeout the first POST may still be running on Vast's side: look
        # for it a few times before giving up, and never resend (that could duplicate).
        still_running = isinstance(exc, VastTransportError) and exc.timed_out
        looks = 1 + (self._settle_looks if still_running else 0)
        for look in range(looks):
            if look:
                self._sleep(self._settle_interval)
            found = self._find_created(collection, fields, known_ids)
            if found is not None:
                log.info(
                    "POST %s lost its answer (%s); the object exists: id %s",
                    collection,
                    type(exc).__name__,
                    found,
                )
                return found
        if still_running:
            raise VastAmbiguousCreateError("POST", collection, str(exc), fields) from exc
        # A 5xx or a dropped connection means Vast is done with the request, and the list
        # shows it did not commit: one resend is safe.
        return self._post_create(collection, fields)

    def _post_create(self, collection: str, fields: dict[str, Any]) -> int:
        body = self._request("POST", collection, fields)
        object_id = created_id(body)
        if object_id is None:
            raise VastServerError("POST", collection, 200, "create answered without an id")
        return object_id

    def _find_created(
        self, collection: str, fields: dict[str, Any], known_ids: Collection[int]
    ) -> int | None:
        known = {int(i) for i in known_ids}
        keys = [k for k in _IDENTITY_FIELDS[collection] if fields.get(k) is not None]
        rows = self._lists[collection].get(fresh=True)
        matches = [
            row["id"]
            for row in rows
            if row.get("id") not in known and all(same_value(row.get(k), fields[k]) for k in keys)
        ]
        if len(matches) > 1:
            raise VastAmbiguousCreateError(
                "POST",
                collection,
                f"{len(matches)} new objects match the one sent (ids {sorted(matches)})",
                fields,
            )
        return int(matches[0]) if matches else None

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Row:
        route = _routes.route_key(method, path)
        rate = self._rate_limits.get(route)
        pacer = shared_pacer(self._host, route, rate) if rate else None
        url = self.base_url + path
        attempt = 0
        while True:
            if pacer is not None:
                pacer.wait()
            started = time.monotonic()
            try:
                response = self._session.request(
                    method, url, json=body, timeout=self.timeout, allow_redirects=False
                )
            except requests.RequestException as exc:
                raise _transport_error(method, path, exc) from None
            log.debug(
                "%s %s -> %s in %.0f ms",
                method,
                path,
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
            if response.status_code != 429:
                return self._parse(method, path, response)
            attempt += 1
            delay = self._backoff.delay(attempt, response.headers.get("Retry-After"))
            if delay is None:
                return self._parse(method, path, response)
            if pacer is not None:
                pacer.hold_off(delay)
            log.debug("%s %s rate-limited; retry %d in %.2f s", method, path, attempt, delay)
            self._sleep(delay)

    def _parse(self, method: str, path: str, response: requests.Response) -> Row:
        """Map one response to its body or to an exception: the only place that does."""
        status = response.status_code
        body = _json_body(response)
        if 200 <= status < 300 and body is not None and body.get("success") is not False:
            return body
        message = self._scrub(_vast_message(body, response.text))
        code = str(body.get("error") or "") if body else ""
        if 200 <= status < 300 and body is None:
            raise VastServerError(method, path, status, "answer is not a JSON object")
        raise _api_error(method, path, status, message, code, self._backoff.budget)

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text


def _json_body(response: requests.Response) -> Row | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _vast_message(body: Row | None, text: str) -> str:
    """Return Vast's own words: ``msg``, ``message``, ``detail`` or ``error``, else the text."""
    if body:
        for key in ("msg", "message", "detail", "error"):
            value = body.get(key)
            if value:
                return value if isinstance(value, str) else json.dumps(value)
    return text.strip()[:500]


def _api_error(
    method: str, path: str, status: int, message: str, code: str, retries: int
) -> VastAPIError:
    args = (method, path, status, message)
    if status in (401, 403):
        return VastAuthError(*args, hint=f"check the API key: {KEY_HINT}", error_code=code)
    if status == 404 or _NOT_FOUND.search(message):
        return VastNotFoundError(*args, error_code=code)
    if status == 429:
        hint = f"still over Vast's rate limit after {retries} retries; run again later"
        return VastRateLimitError(*args, hint=hint, error_code=code)
    if 300 <= status < 400:
        hint = "Vast redirected; check that the API URL ends in /api/v0"
        return VastClientError(*args, hint=hint, error_code=code)
    if status >= 500:
        return VastServerError(*args, error_code=code)
    if status == 400 or code == "invalid_args" or 200 <= status < 300:
        return VastValidationError(*args, hint="fix the value Vast names", error_code=code)
    return VastClientError(*args, error_code=code)


def _transport_error(method: str, path: str, exc: requests.RequestException) -> VastTransportError:
    """Turn a requests failure into ours, noting whether the request may have been sent."""
    timed_out = isinstance(exc, requests.Timeout) and not isinstance(exc, requests.ConnectTimeout)
    not_sent = isinstance(exc, requests.ConnectTimeout) or _refused(exc)
    return VastTransportError(
        method, path, _reason(exc), maybe_sent=not not_sent, timed_out=timed_out
    )


def _refused(exc: requests.RequestException) -> bool:
    text = repr(exc)
    return "NewConnectionError" in text or "NameResolutionError" in text


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.ConnectTimeout):
        return "connect timed out"
    if isinstance(exc, requests.Timeout):
        return "timed out waiting for Vast's answer"
    if _refused(exc):
        return "could not connect"
    if isinstance(exc, requests.ConnectionError):
        return "connection dropped before Vast answered"
    return type(exc).__name__
