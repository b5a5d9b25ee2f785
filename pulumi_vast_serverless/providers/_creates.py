"""Creates that never duplicate: what this process took, and lost answers settled.

A create whose answer was lost (a dropped connection, a 5xx, a read timeout, a success
whose id cannot be read) may or may not have made the object. ``Creates.create`` settles
it: it looks for the new row that holds every field sent and that no sibling create of
this process took (after a read timeout, a few times: the first POST may still be
running), and sends the create again only when Vast is done with the request and the
list shows nothing. A success whose id cannot be read is never sent again.

The ``Ledger`` of each collection is what this process took: the objects its creates made
(new in this run) and those it adopted. A provider asks it before taking a row for a
twin, and a lost create never mistakes a sibling's object for its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from ..client import VastAnswerError, VastServerError, VastTransportError, matches_sent, routes
from ._errors import VastAmbiguousCreateError

if TYPE_CHECKING:
    from ..client import VastClient

log = logging.getLogger("pulumi_vast_serverless")

# After a create timed out: list this many more times, this many seconds apart, before
# declaring it ambiguous (a slow POST usually commits within seconds).
DEFAULT_SETTLE = (5, 2.0)
COLLECTIONS = (routes.ENDPOINTS, routes.WORKERGROUPS, routes.TEMPLATES)


class Ledger:
    """The ids of one collection this process took, and which of them its creates made."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._taken: set[int] = set()
        self._made: set[int] = set()

    def take(self, object_id: int) -> None:
        """Take ``object_id`` (an adoption)."""
        with self._lock:
            self._taken.add(object_id)

    def made(self, object_id: int) -> None:
        """Take ``object_id`` as an object a create of this process made."""
        with self._lock:
            self._taken.add(object_id)
            self._made.add(object_id)

    def was_made(self, object_id: int) -> bool:
        with self._lock:
            return object_id in self._made

    def take_first(self, candidates: list[int]) -> int | None:
        """Atomically take the lowest candidate no one has taken."""
        with self._lock:
            for object_id in sorted(candidates):
                if object_id not in self._taken:
                    self._taken.add(object_id)
                    return object_id
        return None

    def __contains__(self, object_id: object) -> bool:
        with self._lock:
            return object_id in self._taken


class Creates:
    """The creates of one client (one account), and what they took."""

    def __init__(
        self,
        client: VastClient,
        *,
        settle: tuple[int, float] = DEFAULT_SETTLE,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._settle_looks, self._settle_interval = settle
        self._sleep = sleep
        self._ledgers = {collection: Ledger() for collection in COLLECTIONS}

    def create(
        self, collection: str, fields: dict[str, Any], known_ids: Collection[int] | None = None
    ) -> int:
        """Create an object of ``collection`` and return its id.

        ``known_ids`` (the ids listed before) lets a lost answer be settled by finding the
        object that appeared instead of creating a second one; without them such a create
        is reported ambiguous, never guessed.
        """
        try:
            object_id = self._client.post_create(collection, fields)
        except (VastServerError, VastTransportError) as exc:
            failure = exc
        else:
            self._ledgers[collection].made(object_id)
            return object_id
        if isinstance(failure, VastTransportError) and not failure.maybe_sent:
            raise failure
        url = self._client.base_url + collection
        if known_ids is None:
            raise VastAmbiguousCreateError("POST", url, str(failure), fields) from failure
        return self._reconcile(collection, fields, known_ids, failure)

    def claim(self, collection: str, object_id: int) -> None:
        """Record that this process owns ``object_id`` (an adoption), so no lost create
        mistakes it for its own."""
        self._ledgers[collection].take(int(object_id))

    def claimed(self, collection: str, object_id: int) -> bool:
        """Whether a create or adoption of this process took ``object_id``."""
        return int(object_id) in self._ledgers[collection]

    def created_here(self, collection: str, object_id: int) -> bool:
        """Whether a create of this process made ``object_id`` (an adoption does not count):
        the object is new in this run, so nothing an earlier run left hangs off it."""
        return self._ledgers[collection].was_made(int(object_id))

    def _reconcile(
        self,
        collection: str,
        fields: dict[str, Any],
        known_ids: Collection[int],
        exc: VastServerError | VastTransportError,
    ) -> int:
        """Settle a create whose answer was lost: find the object, or resend only if safe."""
        # After a read timeout the first POST may still be running on Vast's side: look
        # for it a few times before giving up, and never resend (that could duplicate).
        # A success whose id cannot be read made the object: find it, never resend.
        still_running = isinstance(exc, VastAnswerError) or (
            isinstance(exc, VastTransportError) and exc.timed_out
        )
        looks = 1 + (self._settle_looks if still_running else 0)
        for look in range(looks):
            if look:
                self._sleep(self._settle_interval)
            found = self._find_created(collection, fields, known_ids)
            if found is not None:
                log.info("POST %s lost its answer (%s); it created id %s", collection, exc, found)
                return found
        if still_running:
            url = self._client.base_url + collection
            raise VastAmbiguousCreateError("POST", url, str(exc), fields) from exc
        # A 5xx or a dropped connection means Vast is done with the request, and the list
        # shows it did not commit: one resend is safe.
        object_id = self._client.post_create(collection, fields)
        self._ledgers[collection].made(object_id)
        return object_id

    def _find_created(
        self, collection: str, fields: dict[str, Any], known_ids: Collection[int]
    ) -> int | None:
        """The new row that matches every field sent, and that no sibling create took."""
        ledger = self._ledgers[collection]
        # A sibling's unanswered POST may be the row we would otherwise take for ours.
        self._client.writes_answered(collection, timeout=sum(self._client.timeout))
        known = {int(i) for i in known_ids}
        rows = self._client.list_collection(collection, fresh=True)
        candidates = [
            row["id"]
            for row in rows
            if row.get("id") not in known
            and row.get("id") not in ledger
            and matches_sent(row, fields)
        ]
        found = ledger.take_first(candidates)
        if found is not None:
            ledger.made(found)
        return found
