"""What both providers share: configure, check, diff and the shape of outputs."""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ..client._client import VastClient
from ..client._errors import VastLookupError, VastNotFoundError
from ..client._rows import Row
from ._properties import PROVIDER_ONLY, Failure, Prop, _Inputs, to_vast, validate
from ._settings import ProviderSettings, resolve_settings, shared_client
from ._values import PROVIDER_KEY, plain, same, secret, split_inputs

DECLARED = "declared_inputs"


class VastProvider(ResourceProvider):
    """Base of the Vast providers; subclasses name their properties and API calls."""

    # Nothing secret is captured when pickling (the key is read in configure, inside the
    # provider process), so __provider need not cost an encryption per resource.
    serialize_as_secret_always = False

    kind: ClassVar[str]
    props: ClassVar[tuple[Prop, ...]]
    model: ClassVar[type[_Inputs]]
    # Outputs stored encrypted; the resource also lists them in additional_secret_outputs.
    secret_outputs: ClassVar[frozenset[str]] = frozenset()

    _settings: ProviderSettings | None = None

    def configure(self, req: ConfigureRequest) -> None:
        """Read the key and URL from stack config or the environment (provider process)."""
        self._settings = resolve_settings(req.config.get)

    @property
    def client(self) -> VastClient:
        """The process-wide client for this provider's settings."""
        return shared_client(self._settings or resolve_settings())

    # Check and diff: no API calls, unknowns pass through.

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate and normalise the inputs; every failure names a property and its fix."""
        split = split_inputs(news)
        normalised, failures = validate(self.model, split.known)
        failures += self.cross_check(split.present, normalised or split.known)
        if failures:
            inputs = {k: v for k, v in news.items() if k != PROVIDER_KEY}
        else:
            hidden = split.secret | self.secret_outputs
            inputs = {k: secret(v) if k in hidden else v for k, v in normalised.items()}
            inputs.update(split.unknown)
        return CheckResult(inputs, [CheckFailure(f.prop, f.reason) for f in failures])

    def cross_check(self, present: set[str], known: dict[str, Any]) -> list[Failure]:
        """Rules between properties; ``present`` includes values unknown in preview."""
        return []

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare what the program sets with what Vast last reported."""
        split = split_inputs(news)
        normalised, _ = validate(self.model, split.known)
        changed: list[str] = []
        replaces: list[str] = []
        for prop in self.props:
            if prop.name in PROVIDER_ONLY:
                continue
            if prop.name in split.unknown:
                is_change = True
            elif prop.name in normalised:
                is_change = not same(normalised[prop.name], olds.get(prop.name))
            else:
                continue
            if is_change:
                changed.append(prop.name)
                if prop.change == "replace":
                    replaces.append(prop.name)
        declared_before = set(plain(olds.get(DECLARED)) or [])
        moved = declared_before != self.declared(split.present)
        return DiffResult(
            changes=bool(changed) or moved,
            replaces=replaces,
            delete_before_replace=False,
        )

    # Read, update and delete are the same for both kinds.

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Report the object as Vast has it now.

        On refresh (``props`` are outputs this provider wrote) a missing object yields an
        empty id, so the engine drops it from state. On a lookup (``Resource.get`` or
        ``ResourceOptions(id=...)``) a missing object is an error naming the id.
        """
        row = self.find(self.list_rows(), id_)
        if row is None:
            if plain(props.get(DECLARED)) is None:
                raise VastLookupError(
                    f"no {self.kind} with id {id_} in this Vast account: check the id passed "
                    f"to {self.kind.capitalize()}.get or ResourceOptions(id=...), and that "
                    "the API key belongs to the account that owns it"
                )
            return ReadResult("", {})
        outs = self.outputs(row, self.previous_inputs(props))
        return ReadResult(id_, outs, self.inputs_from(outs, props))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Send one PUT with the fields that differ from what Vast last reported."""
        inputs = self.parse(news)
        changes = self.changed_fields(to_vast(inputs), olds)
        if changes:
            try:
                self.update_remote(int(id_), changes)
            except VastNotFoundError as exc:
                raise VastNotFoundError(
                    exc.method,
                    exc.path,
                    exc.status,
                    exc.vast_message,
                    hint=f"the {self.kind} was deleted outside Pulumi; run `pulumi refresh`",
                ) from None
        return UpdateResult(self.outputs(self.current_row(int(id_)), inputs))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        """Delete the object; one that is already gone counts as deleted."""
        with contextlib.suppress(VastNotFoundError):
            self.delete_remote(int(id_))

    # The API calls of each kind.

    def list_rows(self, *, fresh: bool = False) -> list[Row]:
        """List every object of this kind."""
        raise NotImplementedError

    def update_remote(self, object_id: int, fields: dict[str, Any]) -> None:
        """PUT ``fields`` to the object."""
        raise NotImplementedError

    def delete_remote(self, object_id: int) -> None:
        """DELETE the object."""
        raise NotImplementedError

    # Helpers.

    def current_row(self, object_id: int) -> Row:
        """The object's row right after a write (the write emptied the list cache)."""
        row = self.find(self.list_rows(), object_id)
        if row is None:
            raise VastNotFoundError(
                "GET",
                "list",
                200,
                f"{self.kind} {object_id} is not in Vast's list",
                hint="it was deleted while Pulumi worked on it; run `pulumi refresh`",
            )
        return row

    def previous_inputs(self, props: dict[str, Any]) -> dict[str, Any]:
        """The declared inputs recorded in state (``props`` are the last outputs)."""
        declared = set(plain(props.get(DECLARED)) or [])
        inputs = self.parse({k: v for k, v in props.items() if k in declared})
        return {**inputs, **self.provider_settings(props)}

    def provider_settings(self, props: dict[str, Any]) -> dict[str, Any]:
        """The provider-only inputs (``adopt_existing``) switched on in ``props``."""
        names = PROVIDER_ONLY & {p.name for p in self.props}
        return {name: True for name in names if plain(props.get(name))}

    def declared(self, present: set[str]) -> set[str]:
        """The inputs the program sets that Vast stores (drift is checked on these)."""
        names = {p.name for p in self.props} - PROVIDER_ONLY
        return present & names

    def parse(self, props: dict[str, Any]) -> dict[str, Any]:
        """Return validated inputs from engine props (numbers arrive as floats)."""
        split = split_inputs(props)
        names = {p.name for p in self.props}
        known = {k: v for k, v in split.known.items() if k in names}
        normalised, failures = validate(self.model, known)
        if failures:  # check already ran, so this is a bug or a tampered state
            raise ValueError("; ".join(f.reason for f in failures))
        return normalised

    def outputs(self, row: Row, inputs: dict[str, Any]) -> dict[str, Any]:
        """Every field as Vast reports it, plus what the provider itself tracks."""
        outs: dict[str, Any] = {
            p.name: row.get(p.name) for p in self.props if p.name not in PROVIDER_ONLY
        }
        outs.update(self.extra_outputs(row, inputs))
        outs["created_at"] = row.get("created_at")
        outs[DECLARED] = sorted(self.declared(set(inputs)))
        for name in PROVIDER_ONLY & {p.name for p in self.props}:
            outs[name] = name in self.provider_settings(inputs)
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
