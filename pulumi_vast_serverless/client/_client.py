"""``VastClient``: Vast's serverless REST API under its rate limits and failures."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from typing import Any, TypeVar

from .._types import Row
from . import _offer_query, _routes
from ._backoff import Backoff
from ._config import DEFAULT_BASE_URL, DEFAULT_TIMEOUT
from ._errors import (
    VastAnswerError,
    VastServerError,
    VastTransportError,
    VastValidationError,
)
from ._http import Transport
from ._reading import (
    CONFORMANCE_HINT,
    ENDPOINT_FIELDS,
    TEMPLATE_FIELDS,
    WORKERGROUP_FIELDS,
    AnswerReader,
    Kind,
    UnreadableError,
    read_value,
)
from ._rows import created_id
from ._shared_list import SharedList

DEFAULT_LIST_TTL = 2.0
# Before a list takes its route's last free slot: how long a sibling write (created by the
# engine a moment later) may take to start. Missing it costs a whole rate-limit interval.
SIBLING_GRACE = 0.05
# Vast's documented answer to the endpoint list of an account that has none (400).
_EMPTY_ACCOUNT = re.compile(r"^no (endpoints|workergroups|autojobs) for user\b.*found", re.I)

log = logging.getLogger("pulumi_vast_serverless")
T = TypeVar("T")
_FIELDS: dict[str, Mapping[str, Kind]] = {
    _routes.ENDPOINTS: ENDPOINT_FIELDS,
    _routes.WORKERGROUPS: WORKERGROUP_FIELDS,
    _routes.TEMPLATES: TEMPLATE_FIELDS,
}


def _existing(body: Row) -> bool:
    """Vast's answer to a create whose content exists: a success, though it says false."""
    return str(body.get("msg", "")).startswith("Existing Template Found") and "template" in body


def _workers(answer: Row) -> list[Row]:
    """Workers from the autoscaler's answer: ``{"workers": [...]}`` or a bare list."""
    workers = answer.get("workers", answer.get("items"))
    return [w for w in workers or [] if isinstance(w, dict)]


def _spend(answer: Row, key: str) -> dict[int, float | None]:
    """``{id: hourly_spend}`` from a spend route's answer (null stays None)."""
    rows = answer.get(key)
    spend: dict[int, float | None] = {}
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        with contextlib.suppress(UnreadableError):  # a row we cannot place is left out
            object_id, _ = read_value("int", row.get("id"), "id")
            if object_id is None:
                continue
            try:
                spend[object_id], _ = read_value("number", row.get("hourly_spend"))
            except UnreadableError:
                spend[object_id] = None
    return spend


def _notice_in_log(text: str) -> None:
    log.warning("%s", text)


def _nothing_found(body: Row) -> bool:
    """Vast's answer to a template search that matches nothing."""
    return str(body.get("msg", "")).startswith("No templates found")


class _Writes:
    """The writes of one collection under way, so that reads can wait for them.

    A fresh read waits (briefly) for sibling writes under way before its request leaves,
    so one list answers the siblings that wrote at about the same time; a lost create's
    look (``providers._creates``) waits until no sibling's request is on the wire
    unanswered (its row could be mistaken for ours).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._under_way = 0
        self._on_wire = 0

    @contextmanager
    def coming(self) -> Iterator[None]:
        """Around work that ends in a write (a whole create): fresh reads wait for it."""
        with self._cond:
            self._under_way += 1
        try:
            yield
        finally:
            with self._cond:
                self._under_way -= 1
                self._cond.notify_all()

    @contextmanager
    def sending(self) -> Iterator[Callable[[], None]]:
        """Around one write: the callable marks it as on the wire (once, when it leaves)."""
        sent = False

        def mark() -> None:
            nonlocal sent
            if not sent:
                with self._cond:
                    self._on_wire += 1
                sent = True

        with self._cond:
            self._under_way += 1
        try:
            yield mark
        finally:
            with self._cond:
                self._under_way -= 1
                self._on_wire -= 1 if sent else 0
                self._cond.notify_all()

    def wait_settled(self, timeout: float, grace: float = 0.0) -> None:
        """Block until no write of this collection is under way, or ``timeout``; with none
        under way, first give one ``grace`` seconds to start."""
        with self._cond:
            if self._under_way == 0:
                self._cond.wait_for(lambda: self._under_way > 0, grace)
            self._cond.wait_for(lambda: self._under_way == 0, timeout)

    def wait_answered(self, timeout: float) -> None:
        """Block until every write of this collection on the wire is answered."""
        with self._cond:
            self._cond.wait_for(lambda: self._on_wire == 0, timeout)


class VastClient:
    """A client of Vast's serverless endpoints and workergroups.

    The API key travels only in the ``Authorization`` header. Rows come back as dicts
    keyed by Vast's field names, normalised (see ``normalize_row``) and free of secrets.
    Reads of the same list by concurrent callers share requests (see ``SharedList``).
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        autoscaler_url: str | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        list_cache_ttl: float = DEFAULT_LIST_TTL,
        rate_limits: Mapping[str, float] | None = _routes.DOCUMENTED_THRESHOLDS,
        rate_limit_backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        announce: Callable[[str], None] | None = None,
        notice: Callable[[str], None] | None = None,
    ) -> None:
        self._reader = AnswerReader(notice or _notice_in_log)
        self._http = Transport(
            api_key,
            base_url,
            autoscaler_url=autoscaler_url,
            timeout=timeout,
            rate_limits=rate_limits,
            rate_limit_backoff=rate_limit_backoff,
            sleep=sleep,
            announce=announce,
        )
        self.base_url = self._http.base_url
        self.timeout = timeout
        collections = (_routes.ENDPOINTS, _routes.WORKERGROUPS)
        self._writes = {c: _Writes() for c in (*collections, _routes.TEMPLATES)}
        self._offers: dict[str, list[Row]] = {}
        self._offers_lock = threading.Lock()
        self._lists = {
            collection: SharedList(
                partial(self._list, collection),
                list_cache_ttl,
                settle=partial(self._settle_reads, collection),
            )
            for collection in collections
        }

    def __repr__(self) -> str:
        return f"VastClient(base_url={self.base_url!r})"

    def close(self) -> None:
        """Close pooled connections."""
        self._http.close()

    def __enter__(self) -> VastClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def list_requests(self) -> int:
        """How many list requests this client has sent."""
        return sum(shared.requests for shared in self._lists.values())

    # Endpoints

    def list_endpoints(self, *, fresh: bool = False, snapshot: bool = False) -> list[Row]:
        """Return every endpoint of the account.

        By default the rows reflect every write this client made, and may be up to
        ``list_cache_ttl`` seconds old. ``fresh=True``: as Vast has them after this call
        began. ``snapshot=True``: any view up to ``list_cache_ttl`` old (a look before a
        create; concurrent creates of this client are told apart by other means).
        """
        return self._lists[_routes.ENDPOINTS].get(fresh=fresh, snapshot=snapshot)

    def create_endpoint(self, **fields: Any) -> int:
        """Create an endpoint and return its id: one POST. A lost answer raises (the
        providers settle it without a duplicate: ``providers._creates``)."""
        return self.post_create(_routes.ENDPOINTS, fields)

    def update_endpoint(self, endpoint_id: int, **fields: Any) -> None:
        """Change the given fields of an endpoint."""
        self._write("PUT", _routes.ENDPOINTS, endpoint_id, fields)

    def delete_endpoint(self, endpoint_id: int) -> None:
        """Delete an endpoint and, on Vast's side, its workergroups.

        Raises ``VastNotFoundError`` if it is already gone.
        """
        # Vast's own client sends the id in the body too.
        self._write("DELETE", _routes.ENDPOINTS, endpoint_id, {"endptjob_id": int(endpoint_id)})
        # Vast deletes the endpoint's workergroups with it.
        self._lists[_routes.WORKERGROUPS].note_write()

    # Workergroups

    def list_workergroups(self, *, fresh: bool = False, snapshot: bool = False) -> list[Row]:
        """Return every workergroup of the account (see ``list_endpoints``)."""
        return self._lists[_routes.WORKERGROUPS].get(fresh=fresh, snapshot=snapshot)

    def create_workergroup(self, **fields: Any) -> int:
        """Create a workergroup and return its id (see ``create_endpoint``)."""
        return self.post_create(_routes.WORKERGROUPS, fields)

    def update_workergroup(self, workergroup_id: int, *, endpoint_id: int, **fields: Any) -> None:
        """Change the given fields of a workergroup; Vast requires its ``endpoint_id``."""
        body = {"endpoint_id": int(endpoint_id), **fields}
        self._write("PUT", _routes.WORKERGROUPS, workergroup_id, body)

    def delete_workergroup(self, workergroup_id: int) -> None:
        """Delete a workergroup; raises ``VastNotFoundError`` if it is already gone."""
        self._write("DELETE", _routes.WORKERGROUPS, workergroup_id, None)

    # Templates: content-addressed, searched rather than listed.

    def search_templates(self, **filters: Any) -> list[Row]:
        """Templates this account sees (its own and public ones) matching ``filters``, in
        Vast's form: ``search_templates(name={"eq": "vllm"})``."""
        params = {"select_filters": json.dumps(filters), "select_cols": json.dumps(["*"])}
        body = self._http.request("GET", _routes.TEMPLATES, params=params, accept=_nothing_found)
        templates = body.get("templates") if body.get("success") is not False else []
        return self._read(
            "GET",
            _routes.TEMPLATES,
            lambda route, fields: self._reader.rows(route, fields, templates or []),
        )

    def template(self, template_id: int) -> Row | None:
        """One template by its numeric id, or None if the account does not see it."""
        found = self.search_templates(id={"eq": int(template_id)})
        return found[0] if found else None

    def create_template(self, **fields: Any) -> tuple[Row, bool]:
        """Create a template; return it, and whether Vast linked an existing one instead.

        Vast addresses templates by content: a create whose content exists answers with
        that template ("Existing Template Found"), so sending the same create again never
        makes a second one. A lost answer is therefore settled by sending it once more.
        """
        try:
            body = self._http.request("POST", _routes.TEMPLATES, fields, accept=_existing)
        except (VastServerError, VastTransportError) as exc:
            if isinstance(exc, VastTransportError) and not exc.maybe_sent:
                raise
            log.info("POST %s lost its answer (%s); sending it again", _routes.TEMPLATES, exc)
            body = self._http.request("POST", _routes.TEMPLATES, fields, accept=_existing)
        template = self._reader.one("POST " + _routes.TEMPLATES, "template", body.get("template"))
        if template is None:
            url = self.base_url + _routes.TEMPLATES
            raise VastAnswerError("POST", url, 200, "create answered without a template")
        row = self._read(
            "POST",
            _routes.TEMPLATES,
            lambda route, fields: self._reader.row(route, fields, template),
        )
        return row, body.get("success") is False

    def update_template(self, template_id: int, hash_id: str, **content: Any) -> Row:
        """Edit a template as Vast's own client does (``PUT /api/v1/template/``, naming it
        by its ``id`` and current ``hash_id``; send the whole template, as Vast's client
        does: "edits always produce a new template version with a new hash_id"). Return
        it as it is now: a new ``hash_id``, and a new ``id`` when Vast made an edited copy
        (the caller is not its creator, or others use it)."""
        body = {"id": int(template_id), "hash_id": hash_id, **content}
        answer = self._http.request("PUT", _routes.TEMPLATES_V1, body, from_root=True)
        route = f"PUT {_routes.TEMPLATES_V1}"
        template = self._reader.one(route, "template", answer.get("template"))
        row: Row = {}
        if template is not None:
            row = self._read(
                "PUT",
                _routes.TEMPLATES_V1,
                lambda route, fields: self._reader.row(route, fields, template),
            )
        return {**row, "hash_id": answer.get("hash_id") or row.get("hash_id")}

    def delete_template(self, template_id: int) -> None:
        """Delete a template; only its creator may, and not while others use it."""
        self._http.request("DELETE", _routes.TEMPLATES, {"template_id": int(template_id)})

    # Offers and spend.

    def search_offers(self, query: str, *, storage_gb: float = 8.0) -> list[Row]:
        """The offers a query in Vast's offer language selects now, the priciest first (at
        most ``OFFER_LIMIT``), priced for a disk of ``storage_gb``; as Vast's own client
        searches. The search is public: the key is not sent. One request per distinct
        search in this client's life (prices move slowly next to one run)."""
        body = _offer_query.search_body(
            query, storage_gb=storage_gb, limit=_offer_query.OFFER_LIMIT
        )
        cache_key = json.dumps(body, sort_keys=True)
        with self._offers_lock:
            cached = self._offers.get(cache_key)
        if cached is not None:
            return cached
        answer = self._http.request("POST", _routes.OFFERS, body, anonymous=True)
        offers = [o for o in answer.get("offers") or [] if isinstance(o, dict)]
        with self._offers_lock:
            self._offers[cache_key] = offers
        return offers

    def endpoint_spend(self) -> dict[int, float | None]:
        """Each endpoint's current spend, USD per hour (None where Vast has no data)."""
        return _spend(self._http.request("GET", _routes.ENDPOINT_SPEND), "endpoints")

    def workergroup_spend(self) -> dict[int, float | None]:
        """Each workergroup's current spend, USD per hour (None where Vast has no data)."""
        return _spend(self._http.request("GET", _routes.WORKERGROUP_SPEND), "workergroups")

    def spend_rate(self) -> Row:
        """The account's burn rate, USD per hour: ``gpu_cost_per_hour``,
        ``container_storage_cost_per_hour``, ``volume_storage_cost_per_hour``, and
        ``has_active_resources``."""
        return self._http.request("GET", _routes.SPEND_RATE)

    # Workers: the autoscaler's view (its own host; no documented rate limit).

    def endpoint_workers(self, endpoint_id: int) -> list[Row]:
        """The workers serving an endpoint, each with its ``status`` (``idle``, ``loading``,
        ``error``, ...)."""
        body = {"id": int(endpoint_id)}
        return _workers(self._http.request("POST", _routes.ENDPOINT_WORKERS, body, autoscaler=True))

    def workergroup_workers(self, workergroup_id: int) -> list[Row]:
        """The workers of one workergroup, each with its ``status``."""
        body = {"id": int(workergroup_id)}
        answer = self._http.request("POST", _routes.WORKERGROUP_WORKERS, body, autoscaler=True)
        return _workers(answer)

    def endpoint_logs(self, endpoint_id: int, *, tail: int | None = None) -> str:
        """The autoscaler's log of an endpoint and its groups (the last ``tail`` lines)."""
        return self._logs(_routes.ENDPOINT_LOGS, endpoint_id, tail)

    def workergroup_logs(self, workergroup_id: int, *, tail: int | None = None) -> str:
        """The autoscaler's log of one workergroup (recruitments, errors, rolls)."""
        return self._logs(_routes.WORKERGROUP_LOGS, workergroup_id, tail)

    def _logs(self, route: str, object_id: int, tail: int | None) -> str:
        body: dict[str, Any] = {"id": int(object_id)}
        if tail is not None:
            body["tail"] = int(tail)
        answer = self._http.request("POST", route, body, autoscaler=True, key_in_body=True)
        logs = answer.get("logs")
        return logs if isinstance(logs, str) else ""

    def update_workers(self, workergroup_id: int, *, cancel: bool = False) -> Row:
        """Start a rolling update of a workergroup's workers onto its current configuration
        (or cancel one in progress); Vast answers with ``workers_to_update``."""
        body: dict[str, Any] = {"workergroup_id": int(workergroup_id)}
        if cancel:
            body["cancel_update"] = True
        return self._http.request(
            "POST", _routes.UPDATE_WORKERS, body, autoscaler=True, key_in_body=True
        )

    def write_coming(self, collection: str) -> AbstractContextManager[None]:
        """Declare work that will write ``collection`` (a create, from its first look):
        reads that must follow a sibling's write wait for it, and one list serves both."""
        return self._writes[collection].coming()

    def writes_answered(self, collection: str, timeout: float) -> None:
        """Return once no write of ``collection`` this client sent is unanswered (or after
        ``timeout``)."""
        self._writes[collection].wait_answered(timeout)

    def list_collection(self, collection: str, *, fresh: bool = False) -> list[Row]:
        """Every object of ``collection`` (``ENDPOINTS`` or ``WORKERGROUPS``)."""
        return self._lists[collection].get(fresh=fresh)

    # Internals

    def _read(self, method: str, path: str, read: Callable[[str, Mapping[str, Kind]], T]) -> T:
        """Read an answer of ``path`` with its collection's fields; what cannot be read is
        a ``VastAnswerError`` naming the route and the field."""
        collection = _routes.TEMPLATES if path == _routes.TEMPLATES_V1 else path
        try:
            return read(f"{method} {path}", _FIELDS[collection])
        except UnreadableError as exc:
            url = (self._http.root_url if path.startswith("/api/") else self.base_url) + path
            raise VastAnswerError(
                method, url, 200, str(exc), hint=CONFORMANCE_HINT.rstrip(".")
            ) from None

    def _settle_reads(self, collection: str, timeout: float) -> None:
        """Before a fresh list leaves, let sibling writes land so that they need no list of
        their own: writes already on the wire always (milliseconds); writes still under
        way (or about to start, ``SIBLING_GRACE``) when this list would leave at once (none
        was sent within the route's interval). Otherwise the pacer makes it wait anyway,
        and callers join it meanwhile."""
        writes = self._writes[collection]
        if self._http.spare("GET", collection) == 1:
            writes.wait_settled(timeout, grace=SIBLING_GRACE)
        else:
            writes.wait_answered(timeout)

    def _write(
        self, method: str, collection: str, object_id: int, body: dict[str, Any] | None
    ) -> None:
        path = _routes.item_path(collection, object_id)
        try:
            with self._writes[collection].sending() as on_send:
                self._http.request(method, path, body, on_send=on_send)
        finally:
            self._lists[collection].note_write()

    def _list(
        self, collection: str, on_send: Callable[[], None], yields: Callable[[], bool]
    ) -> list[Row]:
        try:
            body = self._http.request("GET", collection, on_send=on_send, yields=yields)
        except VastValidationError as exc:
            if exc.status == 400 and _EMPTY_ACCOUNT.match(exc.vast_message.strip()):
                return []  # Vast's answer for an account that has none yet
            raise
        results = body.get("results")
        if not isinstance(results, (list, dict)):
            raise VastAnswerError("GET", self.base_url + collection, 200, "answer has no results")
        return self._read(
            "GET", collection, lambda route, fields: self._reader.rows(route, fields, results)
        )

    def post_create(self, collection: str, fields: dict[str, Any]) -> int:
        """One create: POST ``fields`` to ``collection`` and return the new id. A failure
        that may have reached Vast raises as it is (see ``providers._creates``)."""
        try:
            with self._writes[collection].sending() as on_send:
                body = self._http.request("POST", collection, fields, on_send=on_send)
        finally:
            self._lists[collection].note_write()
        object_id = created_id(body)
        if object_id is None:
            url = self.base_url + collection
            keys = ", ".join(sorted(map(str, body))) or "nothing"
            raise VastAnswerError(
                "POST",
                url,
                200,
                f"create succeeded, but its answer holds no id we can read (keys: {keys})",
                hint=CONFORMANCE_HINT.rstrip("."),
            )
        return object_id
