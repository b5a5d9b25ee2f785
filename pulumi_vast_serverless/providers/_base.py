"""What the providers share: configure, check, diff, read, update, delete, and outputs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from .._types import Row
from ..client import VastError, VastNotFoundError, with_hint
from ._errors import VastConflictError, VastLookupError
from ._host import one_line
from ._properties import Failure, Prop, stored_value, to_vast, validate
from ._runtime import CallContext, ProviderRuntime, runtime
from ._settings import ProviderSettings, resolve_settings, setting_problems
from ._table import Table
from ._values import PROVIDER_KEY, plain, same, secret, split_inputs

if TYPE_CHECKING:
    from ..client import VastClient
    from ._creates import Creates

DECLARED = "declared_inputs"


class VastProvider(ResourceProvider):
    """Base of the Vast providers; subclasses name their properties and API calls."""

    # Nothing secret is captured when pickling (the key is read in configure, inside the
    # provider process), so __provider need not cost an encryption per resource.
    serialize_as_secret_always = False

    kind: ClassVar[str]
    #: The inputs of this kind (see ``_properties``): validation, diff rules, secrets.
    table: ClassVar[Table]
    #: Inputs an import leaves out though Vast shows them (an alternative to another).
    not_imported: ClassVar[frozenset[str]] = frozenset()

    _settings: ProviderSettings | None = None

    def configure(self, req: ConfigureRequest) -> None:
        """Read the key and URL from stack config or the environment (provider process)."""
        # Every key of the stack's config (Pulumi's Config keeps them in _props): a `vast:`
        # key this package does not read must fail the preview, not be ignored.
        self._settings = resolve_settings(getattr(req.config, "_props", None))

    @property
    def props(self) -> tuple[Prop, ...]:
        """The rows of this kind's table."""
        return self.table.props

    @property
    def secret_outputs(self) -> frozenset[str]:
        """Outputs stored encrypted (the resource lists them in additional_secret_outputs)."""
        return self.table.secret

    @property
    def settings(self) -> ProviderSettings:
        """The key and URL this provider uses."""
        return self._settings or resolve_settings()

    @property
    def runtime(self) -> ProviderRuntime:
        """What this provider process owns (clients, the run's replacements, cancel)."""
        return runtime()

    @property
    def context(self) -> CallContext:
        """What this call may tell its user (warnings, progress) and whether to stop."""
        return self.runtime.context()

    @property
    def client(self) -> VastClient:
        """The process's client for this provider's settings."""
        return self.runtime.client(self.settings)

    @property
    def creates(self) -> Creates:
        """Creates without duplicates, and what this process took (``_creates``)."""
        return self.runtime.creates(self.settings)

    # Check and diff: no API calls, unknowns pass through.

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate and normalise the inputs; every failure names a property and its fix."""
        split = split_inputs(news)
        hidden = split.secret | self.secret_outputs
        normalised, failures = validate(self.table.model, split.known)
        failures += self.cross_check(split.present, normalised or split.known)
        failures = [_masked(f, hidden) for f in failures]
        failures += [Failure("", problem) for problem in setting_problems(self.settings)]
        if failures:
            inputs = {k: v for k, v in news.items() if k != PROVIDER_KEY}
        else:
            inputs = {k: secret(v) if k in hidden else v for k, v in normalised.items()}
            inputs.update(split.unknown)
        return CheckResult(inputs, [CheckFailure(f.prop, f.reason) for f in failures])

    def cross_check(self, present: set[str], known: dict[str, Any]) -> list[Failure]:
        """Rules between properties; ``present`` includes values unknown in preview."""
        return []

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare what the program sets with what Vast last reported."""
        split = split_inputs(news)
        normalised, _ = validate(self.table.model, split.known)
        changed = [name for name in self.changed_props(olds, normalised, split.unknown)]
        replaces = [p.name for p in self.props if p.name in changed and p.change == "replace"]
        if replaces:
            self.replacing(int(id_))
        # Inputs Vast ignores do not count: setting or dropping one changes nothing.
        declared_before = set(plain(olds.get(DECLARED)) or []) - self.ignored()
        moved = declared_before != self.declared(split.present) - self.ignored()
        flags_moved = any(
            bool(plain(olds.get(name))) != bool(normalised.get(name))
            for name in self.table.provider_only - self.table.in_search
        )
        return DiffResult(
            changes=bool(changed) or moved or flags_moved,
            replaces=replaces,
            delete_before_replace=False,
        )

    def changed_props(
        self, olds: dict[str, Any], news: dict[str, Any], unknown: dict[str, Any]
    ) -> list[str]:
        """The declared properties whose new value differs from what Vast last reported."""
        changed = []
        for prop in self.props:
            if prop.name in self.table.provider_only or prop.change == "ignored":
                continue
            if prop.name in unknown or (
                prop.name in news and not same(news[prop.name], olds.get(prop.name))
            ):
                changed.append(prop.name)
        return changed

    def replacing(self, object_id: int) -> None:
        """Hook: the engine is about to replace ``object_id`` (create the new one first)."""

    # Read, update and delete are the same for every kind.

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Report the object as Vast has it now.

        On refresh (``props`` are outputs this provider wrote) a missing object yields an
        empty id, so the engine drops it from state. On a lookup (``Resource.get`` or
        ``ResourceOptions(id=...)``) a missing object is an error naming the id.
        """
        row = self.read_row(id_, props)
        if row is None:
            if plain(props.get(DECLARED)) is None:
                raise VastLookupError(self.missing(id_))
            return ReadResult("", {})
        known = set(props) & self.names()
        if plain(props.get(DECLARED)) is None and not known:
            # An import (or a lookup): nothing declared yet, so every field Vast shows is
            # an input, and the code `pulumi import` writes reproduces the object.
            previous = self.imported_inputs(row)
        else:
            previous = self.previous_inputs(props)
        outs = self.outputs(row, previous, props)
        return ReadResult(id_, outs, self.inputs_from(outs, previous))

    def imported_inputs(self, row: Row) -> dict[str, Any]:
        """The inputs of an object this stack takes in as it is: every field a program
        sets that Vast shows, as Vast shows it."""
        shown = self.outputs(row, {})
        values = {
            p.name: shown[p.name]
            for p in self.props
            if p.settable
            and p.readable
            and p.name not in self.not_imported
            and p.sent == "field"
            and p.change in ("update", "replace")
            and plain(shown.get(p.name)) not in (None, "")
        }
        return self.parse(values, stored=True)

    def read_row(self, id_: str, props: dict[str, Any]) -> Row | None:
        """The object's row as Vast has it now, or None if it is gone."""
        return self.find(self.list_rows(), id_)

    def missing(self, id_: str) -> str:
        """What a lookup of an id that does not exist says."""
        return (
            f"no {self.kind} with id {id_} in this Vast account: check the id passed to "
            f"{self.kind.capitalize()}.get or ResourceOptions(id=...), and that the API key "
            "belongs to the account that owns it"
        )

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Send one PUT with the fields that differ from what Vast last reported."""
        inputs = self.parse(news)
        changes = self.update_fields(inputs, olds)
        try:
            if changes:
                self.update_remote(int(id_), changes, inputs, olds)
            self.after_update(int(id_), changes, inputs, olds)
        except VastNotFoundError as exc:
            hint = f"the {self.kind} was deleted outside Pulumi; run `pulumi refresh`"
            raise with_hint(exc, hint) from None
        return UpdateResult(self.outputs(self.current_row(int(id_)), inputs, olds))

    def update_fields(self, inputs: dict[str, Any], olds: dict[str, Any]) -> dict[str, Any]:
        """The fields of one PUT: those that differ from what Vast last reported."""
        return self.changed_fields(self.to_vast(inputs), olds)

    def after_update(
        self, object_id: int, sent: dict[str, Any], inputs: dict[str, Any], olds: dict[str, Any]
    ) -> None:
        """Hook: what follows an update (``sent`` is the PUT's body, empty if none)."""

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        """Delete the object; one that is already gone counts as deleted."""
        with contextlib.suppress(VastNotFoundError):
            self.delete_remote(int(id_))

    # The API calls of each kind.

    def list_rows(self, *, fresh: bool = False, snapshot: bool = False) -> list[Row]:
        """List every object of this kind (freshness as ``VastClient.list_endpoints``)."""
        raise NotImplementedError

    def update_remote(
        self, object_id: int, fields: dict[str, Any], inputs: dict[str, Any], olds: dict[str, Any]
    ) -> None:
        """PUT ``fields`` to the object."""
        raise NotImplementedError

    def delete_remote(self, object_id: int) -> None:
        """DELETE the object."""
        raise NotImplementedError

    # Helpers.

    def created(
        self,
        object_id: int,
        inputs: dict[str, Any],
        sent: dict[str, Any],
        finish: Callable[[Row], Row] | None = None,
    ) -> CreateResult:
        """The result of a create once Vast holds the object: from here on, never fail.

        Reading it back, and ``finish`` (a follow-up write), may still fail (a key revoked
        mid-run, Vast down): the object exists all the same, so the state must track it.
        Its outputs then hold the values sent until the next refresh, and the failure is
        reported as a message.
        """
        try:
            row = self.current_row(object_id)
            if finish is not None:
                row = finish(row)
            return CreateResult(str(object_id), self.outputs(row, inputs))
        except Exception as exc:  # whatever failed, the object exists
            reason = one_line(exc) if isinstance(exc, VastError) else type(exc).__name__
            self.context.warn(
                f"{self.kind} {object_id} was created, but reading it back failed ({reason}); "
                "its outputs hold the values sent until the next `pulumi refresh` or `up`"
            )
        return CreateResult(str(object_id), self.outputs({**sent, "id": object_id}, inputs))

    def adopt_or_create(
        self,
        matches: list[Row],
        *,
        adopt: bool,
        route: str,
        refusal: str,
        ambiguity: str,
        create: Callable[[], int],
    ) -> tuple[int, bool]:
        """The one match to take over, or a new object: (id, adopting).

        A match this stack does not manage is refused (``refusal``) unless ``adopt``; more
        than one is refused (``ambiguity``) either way. The one taken is claimed, so a
        sibling create of this run cannot take it too.
        """
        if matches and not adopt:
            raise VastConflictError(refusal)
        if len(matches) > 1:
            raise VastConflictError(ambiguity)
        if matches:
            object_id = int(matches[0]["id"])
            self.creates.claim(route, object_id)
            return object_id, True
        return create(), False

    def current_row(self, object_id: int) -> Row:
        """The object's row as Vast has it after this call's write."""
        row = self.find(self.list_rows(fresh=True), object_id)
        if row is None:
            raise VastLookupError(
                f"{self.kind} {object_id} is not in Vast's list any more: it was deleted "
                "while Pulumi worked on it; run `pulumi refresh`"
            )
        return row

    def names(self) -> set[str]:
        """Every input name of this kind."""
        return set(self.table.names)

    def ignored(self) -> set[str]:
        """Inputs accepted for old programs' sake that Vast never reads."""
        return set(self.table.ignored)

    def to_vast(self, inputs: dict[str, Any]) -> dict[str, Any]:
        """The fields of ``inputs`` that Vast takes, in its units."""
        return to_vast(inputs, self.table)

    def previous_inputs(self, props: dict[str, Any]) -> dict[str, Any]:
        """The declared inputs recorded in state (``props`` are the last outputs).

        Props without a record are inputs themselves (a lookup, or ``pulumi refresh
        --import-pending-creates``): what they set is what was declared.
        """
        recorded = plain(props.get(DECLARED))
        if recorded is None:
            recorded = [k for k in props if k in self.names() and plain(props[k]) is not None]
        declared = set(recorded)
        inputs = self.parse({k: v for k, v in props.items() if k in declared}, stored=True)
        return {**inputs, **self.provider_settings(props)}

    def provider_settings(self, props: dict[str, Any]) -> dict[str, Any]:
        """The provider-only inputs as ``props`` (inputs or outputs) record them."""
        return {
            name: plain(props[name])
            for name in self.table.provider_only
            if plain(props.get(name)) is not None
        }

    def declared(self, present: set[str]) -> set[str]:
        """The inputs the program sets that Vast stores (drift is checked on these)."""
        return present & (self.names() - self.table.provider_only)

    def parse(self, props: dict[str, Any], *, stored: bool = False) -> dict[str, Any]:
        """Return validated inputs from engine props (numbers arrive as floats).

        ``stored``: the props come from the state, where an earlier release or an odd answer
        may have left a value in another form (a number as text): read each as its kind,
        and leave out (saying so) what still does not validate, rather than fail every
        later command on it. The next ``up`` writes them again.
        """
        split = split_inputs(props)
        known = {k: v for k, v in split.known.items() if k in self.names()}
        if stored:
            known = {k: stored_value(self.table[k], v) for k, v in known.items()}
        normalised, failures = validate(self.table.model, known)
        if failures and stored:
            unread = sorted({f.prop for f in failures})
            self.context.warn(
                f"the state of this {self.kind} holds {', '.join(unread)} in a form this "
                "release cannot read; left out until the next `pulumi up` writes them again"
            )
            kept = {k: v for k, v in known.items() if k not in unread}
            normalised, failures = validate(self.table.model, kept)
        if failures:  # check already ran, so this is a bug
            raise ValueError("; ".join(f.reason for f in failures))
        return normalised

    def outputs(
        self, row: Row, inputs: dict[str, Any], previous: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Every field as Vast reports it, plus what the provider itself tracks.

        Fields Vast never shows (not ``readable``) keep the value last sent, else the value
        recorded before.
        """
        outs: dict[str, Any] = {}
        for prop in self.props:
            if prop.name in self.table.provider_only:
                continue
            if not prop.readable or row.get(prop.name) is None:
                # Vast does not show it, or did not say this time (null, or the field
                # missing from an answer): the value last sent, else the one recorded.
                outs[prop.name] = inputs.get(prop.name, plain((previous or {}).get(prop.name)))
            else:
                outs[prop.name] = row.get(prop.name)
        outs.update(self.extra_outputs(row, inputs))
        outs["created_at"] = row.get("created_at")
        outs[DECLARED] = sorted(self.declared(set(inputs)))
        for name in self.table.provider_only:
            outs[name] = self.provider_settings(inputs).get(name)
        for name in self.secret_outputs:
            if outs.get(name) is not None:
                outs[name] = secret(outs[name])
        return outs

    def extra_outputs(self, row: Row, inputs: dict[str, Any]) -> dict[str, Any]:
        """Outputs beyond the input fields; subclasses add their own."""
        return {}

    def inputs_from(self, outs: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
        """The inputs a refresh writes back: declared names, live values."""
        inputs = {name: outs[name] for name in plain(outs.get(DECLARED)) or [] if name in outs}
        return {**inputs, **self.provider_settings(previous)}

    @staticmethod
    def find(rows: list[Row], object_id: str | int) -> Row | None:
        """Return the row with ``object_id`` (Vast has no GET by id), or None."""
        text = str(object_id).strip()
        if not text.isdigit():
            return None
        return next((row for row in rows if row.get("id") == int(text)), None)

    @staticmethod
    def changed_fields(fields: dict[str, Any], olds: dict[str, Any]) -> dict[str, Any]:
        """The fields whose values differ from what Vast last reported."""
        return {name: value for name, value in fields.items() if not same(value, olds.get(name))}


def _masked(failure: Failure, hidden: set[str] | frozenset[str]) -> Failure:
    """A failure of a secret input must not print the value."""
    if failure.prop in hidden and "; got " in failure.reason:
        return Failure(failure.prop, failure.reason.split("; got ")[0] + "; got (secret)")
    return failure
