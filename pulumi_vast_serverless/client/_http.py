"""One HTTP session to Vast: auth, timeouts, pacing, 429 retries, and answers to exceptions.

``Transport.request`` is the only place a request is sent, and ``_api_error`` the only
place an answer becomes an exception (with the hint a user can act on).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from .._types import Row
from . import _routes
from ._backoff import Backoff, RetryPolicy, server_error_backoff, transport_retry
from ._config import (
    DEFAULT_TIMEOUT,
    KEY_HINT,
    URL_HINT,
    autoscaler_url_for,
    validated_base_url,
)
from ._errors import (
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
from ._pacing import ANNOUNCE_AFTER, Announce, RoutePacer, shared_pacer
from ._rate_answers import read_answer
from ._record import Recorder, recorder_from_env

log = logging.getLogger("pulumi_vast_serverless")

_NOT_FOUND = re.compile(r"not found|no such|does not exist|not available", re.IGNORECASE)
# Refusals Vast documents, and what the user can do about each.
_KNOWN_REFUSALS = (
    (
        re.compile(r"host.only", re.IGNORECASE),
        "this API key belongs to a host account, which cannot use serverless: use the key of "
        "a client account",
    ),
    (
        re.compile(r"deployment", re.IGNORECASE),
        "this object is managed by a Vast deployment and cannot be changed here: change it "
        "through that deployment, or remove it from this program",
    ),
    (
        re.compile(r"duplicate endpoint name", re.IGNORECASE),
        "an endpoint of this name exists already in the account: choose another endpoint_name",
    ),
)


class Transport:
    """Sends requests to one Vast API root; thread-safe."""

    def __init__(
        self,
        api_key: str,
        base_url: str,
        *,
        autoscaler_url: str | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        rate_limits: Mapping[str, float] | None = _routes.DOCUMENTED_THRESHOLDS,
        rate_limit_backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        announce: Announce | None = None,
    ) -> None:
        if not api_key or not api_key.strip():
            raise VastConfigError(f"no Vast API key: {KEY_HINT}")
        self.base_url = validated_base_url(base_url)
        self.autoscaler_url = (autoscaler_url or autoscaler_url_for(self.base_url)).rstrip("/")
        # The host's root, for routes outside /api/v0 (the v1 template edit).
        self.root_url = self.base_url.removesuffix("/api/v0")
        self.timeout = timeout
        self._api_key = api_key.strip()
        self._host = urlsplit(self.base_url).netloc
        # Seconds between two requests per route; the documented ones as the environment
        # scales them (VAST_RATE_LIMIT_SCALE, for a simulator started with --limit-scale).
        scale = 1.0
        if rate_limits is _routes.DOCUMENTED_THRESHOLDS:
            try:
                scale = _routes.scale_factor()
            except ValueError as exc:
                raise VastConfigError(str(exc)) from None
            rate_limits = _routes.scaled(rate_limits)
        # A queue is worth a word when its wait is long on the scale the limits run at.
        self._announce_after = ANNOUNCE_AFTER * scale
        self._rate_limits = dict(rate_limits or {})
        self._announce = announce or _announce_in_log
        self.backoff = rate_limit_backoff or Backoff()
        self.server_backoff = server_error_backoff()
        self._sleep = sleep
        self._recorder = recorder_from_env(self._api_key)
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {self._api_key}"
        self._session.headers["Accept"] = "application/json"
        # Proxy settings from the environment must not reroute a loopback simulator.
        self._session.trust_env = False
        adapter = HTTPAdapter(max_retries=transport_retry(), pool_maxsize=16)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()

    def spare(self, method: str, path: str) -> int | None:
        """How many requests of this route could leave now (None: the route is not paced)."""
        pacer = self._pacer(_routes.route_key(method, path))
        return pacer.available() if pacer is not None else None

    def _pacer(self, route: str) -> RoutePacer | None:
        threshold = self._rate_limits.get(route)
        if not threshold:
            return None
        return shared_pacer(self._host, route, threshold, self._announce, self._announce_after)

    def request(
        self,
        method: str,
        path: str,
        body: Row | None = None,
        *,
        params: Mapping[str, str] | None = None,
        autoscaler: bool = False,
        key_in_body: bool = False,
        anonymous: bool = False,
        from_root: bool = False,
        on_send: Callable[[], None] | None = None,
        yields: Callable[[], bool] | None = None,
        accept: Callable[[Row], bool] | None = None,
    ) -> Row:
        """Send one request and return the JSON body of a success.

        Every attempt is paced; 429s are retried, and so are 5xx answers and lost answers
        of idempotent requests (see ``_backoff``). ``on_send`` is called just before each
        attempt leaves, so callers can tell how fresh the answer is; ``yields`` whether it
        may let requests that must follow a write go first (see ``_pacing``). ``accept`` lets a
        ``success: false`` answer through when it is not a failure (Vast's "Existing
        Template Found"). ``key_in_body`` adds ``api_key`` to the body, as Vast's own client
        does for the autoscaler's writes (the header alone may not be read there);
        ``anonymous`` sends no key at all (the offer search is public); ``from_root``
        takes ``path`` from the host's root, not from /api/v0.
        """
        route = _routes.route_key(method, path)
        pacer = self._pacer(route)
        root_url = self.root_url if from_root else self.base_url
        url = (self.autoscaler_url if autoscaler else root_url) + path
        if key_in_body:
            body = {**(body or {}), "api_key": self._api_key}
        policy = RetryPolicy(method.upper(), self.backoff, self.server_backoff)
        while True:
            sent_at = pacer.wait(yields) if pacer is not None else 0.0
            if on_send is not None:
                on_send()
            try:
                response = self._send(method, url, body, params, anonymous)
            except requests.RequestException as exc:
                error = _transport_error(method, url, exc)
                step = policy.after_failure(None) if error.maybe_sent else None
                if step is None:
                    raise error from None
                log.debug("%s %s: %s; retry %d", method, url, error, step[0].failed)
            else:
                step = self._next_try(policy, response, pacer, sent_at)
                if step is None:
                    if self._recorder is not None:
                        _record(self._recorder, route, params, body, response, autoscaler)
                    return self._parse(method, url, path, response, accept)
                log.debug("%s %s -> %s; retry", method, url, response.status_code)
            policy, delay = step
            if delay > 0:
                self._sleep(delay)

    def _send(
        self,
        method: str,
        url: str,
        body: Row | None,
        params: Mapping[str, str] | None,
        anonymous: bool,
    ) -> requests.Response:
        """One attempt on the wire."""
        started = time.monotonic()
        response = self._session.request(
            method,
            url,
            json=body,
            params=params,
            timeout=self.timeout,
            allow_redirects=False,
            # None drops the session's header from this request.
            headers={"Authorization": None} if anonymous else None,
        )
        elapsed = (time.monotonic() - started) * 1000
        log.debug("%s %s -> %s in %.0f ms", method, url, response.status_code, elapsed)
        return response

    def _next_try(
        self,
        policy: RetryPolicy,
        response: requests.Response,
        pacer: RoutePacer | None,
        sent_at: float,
    ) -> tuple[RetryPolicy, float] | None:
        """Tell the pacer what the answer says; the next try, or None to keep the answer.

        A 429's body may name the threshold, any answer's headers may describe a bucket.
        A 429 to retry holds the route in the pacer (for every thread), which books the
        retry: no wait here then.
        """
        status = response.status_code
        told = read_answer(response.headers, response.text if status == 429 else "")
        if status != 429:
            if pacer is not None:
                pacer.answered(sent_at)
                if told.interval is not None:
                    pacer.learn(told.interval)
            return policy.after_failure(status, response.headers.get("Retry-After"))
        step = policy.after_429(
            told.retry_after if told.retry_after is not None else told.threshold
        )
        if step is None or pacer is None:
            return step
        pacer.throttled(
            step[1],
            sent_at,
            told.threshold,
            told=told.reported or pacer.learned(),
            said_when=told.retry_after is not None,
        )
        return step[0], 0.0

    def _parse(
        self,
        method: str,
        url: str,
        path: str,
        response: requests.Response,
        accept: Callable[[Row], bool] | None = None,
    ) -> Row:
        """Map one response to its body or to an exception: the only place that does."""
        status = response.status_code
        body = _json_body(response)
        ok = body is not None and (
            body.get("success") is not False or (accept is not None and accept(body))
        )
        if 200 <= status < 300 and ok:
            assert body is not None
            return body
        if 200 <= status < 300 and body is None:
            raise VastServerError(method, url, status, "answer is not a JSON object")
        message = self._scrub(_vast_message(body, response.text))
        code = str(body.get("error") or "") if body else ""
        raise _api_error(method, url, path, status, message, code, self.backoff.retries, body)

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text


def _announce_in_log(text: str) -> None:
    log.info("%s", text)


def _record(
    recorder: Recorder,
    route: str,
    params: Mapping[str, str] | None,
    body: Row | None,
    response: requests.Response,
    autoscaler: bool,
) -> None:
    """Add this exchange to the run's conformance record; a failure to write is logged."""
    try:
        answer, json_answer = response.json(), True
    except ValueError:
        answer, json_answer = None, False
    try:
        recorder.exchange(
            api="autoscaler" if autoscaler else "api",
            route=route,
            params=list(params or {}),
            sent=body,
            status=response.status_code,
            answer=answer,
            json_answer=json_answer,
        )
    except OSError as exc:
        log.warning("conformance record %s not written: %s", recorder.path, exc)


def _json_body(response: requests.Response) -> Row | None:
    """The answer as a dict: a JSON list comes back as ``{"items": [...]}``, a JSON string
    (the autoscaler's way to refuse) as ``{"success": false, "msg": ...}``."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, list):
        return {"items": body}
    if isinstance(body, str):
        return {"success": False, "msg": body}
    return body if isinstance(body, dict) else None


def _vast_message(body: Row | None, text: str) -> str:
    """Return Vast's own words: ``msg``, ``message``, ``detail``, ``error_msg`` or ``error``."""
    if body:
        for key in ("msg", "message", "detail", "error_msg", "error"):
            value = body.get(key)
            if value:
                return value if isinstance(value, str) else json.dumps(value)
    return " ".join(text.split())[:300]


def _api_error(
    method: str,
    url: str,
    path: str,
    status: int,
    message: str,
    code: str,
    retries: int,
    body: Row | None,
) -> VastAPIError:
    args = (method, url, status, message)
    known = next((hint for pattern, hint in _KNOWN_REFUSALS if pattern.search(message)), "")
    if status in (401, 403):
        return VastAuthError(*args, hint=known or f"check the API key: {KEY_HINT}", error_code=code)
    routeless = body is None or (not _has_object_id(path) and code in ("", "not_found"))
    if status == 404 and routeless:
        # A collection route Vast does not serve: the URL is wrong, not an object missing.
        return VastNotFoundError(*args, hint=f"no such route: {URL_HINT}", error_code=code)
    if status == 404 or _NOT_FOUND.search(message):
        return VastNotFoundError(*args, hint=known, error_code=code)
    if status == 429:
        hint = f"still over Vast's rate limit after {retries} retries; run again later"
        return VastRateLimitError(*args, hint=hint, error_code=code)
    if 300 <= status < 400:
        return VastClientError(*args, hint=f"Vast redirected: {URL_HINT}", error_code=code)
    if status >= 500:
        hint = "Vast failed on its side; run the same command again: what exists stays tracked"
        return VastServerError(*args, hint=hint, error_code=code)
    if status == 400 or code == "invalid_args" or 200 <= status < 300:
        return VastValidationError(*args, hint=known, error_code=code)
    return VastClientError(*args, hint=known, error_code=code)


def _has_object_id(path: str) -> bool:
    return bool(re.search(r"/\d+/$", path))


def _transport_error(method: str, url: str, exc: requests.RequestException) -> VastTransportError:
    """Turn a requests failure into ours, noting whether the request may have been sent."""
    timed_out = isinstance(exc, requests.Timeout) and not isinstance(exc, requests.ConnectTimeout)
    not_sent = isinstance(exc, requests.ConnectTimeout) or _refused(exc)
    hint = f"nothing answered at {urlsplit(url).netloc}: {URL_HINT}" if not_sent else ""
    return VastTransportError(
        method, url, _reason(exc), maybe_sent=not not_sent, timed_out=timed_out, hint=hint
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
