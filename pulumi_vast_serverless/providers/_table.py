"""A resource's inputs as one table: the one source of what each input is.

Each row (``Prop``) says an input's name, type, default, descriptions (as an input and as
an output), whether it is secret, how it reaches Vast, what a change does there, and
whether Vast shows it back. From the table come the resource's validation model
(``Table.model``), the provider's diff and update rules, its secret outputs, the
README's property reference (``_reference``) and, for a plugin host, a schema. The
resource classes keep their typed signatures explicit for users and IDEs; a test holds
them to the table.
"""

# No `from __future__ import annotations`: the model's field types are built at run time.

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, create_model

#: The value's type on the wire (``any``: whatever JSON the program passes).
Kind = Literal["str", "int", "float", "bool", "object", "any"]
#: What a change does on Vast. ``update``: Vast's PUT changes it in place; ``replace``: the
#: object is created again (the new one first); ``none``: a setting of the provider,
#: never sent; ``ignored``: accepted for old programs, Vast's engine never reads it, so it
#: is never sent, compared or drifts.
Change = Literal["update", "replace", "none", "ignored"]
#: How the value reaches Vast. ``field``: sent as the field of its name; ``search``: folded
#: into ``search_params`` by check (not a field of its own); ``no``: kept by the provider
#: and compared (a change is an update that Vast does not see).
Sent = Literal["field", "search", "no"]

PYTHON_TYPES: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "object": dict[str, Any],
    "any": Any,
}


@dataclass(frozen=True)
class Prop:
    """One input of a resource."""

    name: str
    kind: Kind
    change: Change
    #: What the input is, as its reference, ``Args`` field and ``:param`` say it.
    doc: str
    default: str = "Vast's default"
    #: False for an input Vast accepts but never shows in its rows: its value is the one
    #: last sent, it is not refreshed and cannot drift.
    readable: bool = True
    sent: Sent = "field"
    #: Stored encrypted in state (``additional_secret_outputs``).
    secret: bool = False
    #: What the output attribute of the same name holds, as ``help()`` shows it.
    output: str = ""
    #: False for an input the package sets (a program does not pass it).
    settable: bool = True


@dataclass(frozen=True)
class Table:
    """The inputs of one resource, and what follows from them."""

    kind: str
    props: tuple[Prop, ...]
    #: Validators by field name (``field_validator(..., check_fields=False)``).
    rules: type[BaseModel] = BaseModel
    by_name: dict[str, Prop] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {p.name: p for p in self.props})

    def __getitem__(self, name: str) -> Prop:
        return self.by_name[name]

    @cached_property
    def names(self) -> frozenset[str]:
        """Every input."""
        return frozenset(self.by_name)

    @cached_property
    def provider_only(self) -> frozenset[str]:
        """Inputs never sent as fields, recorded as the provider's own settings: those
        whose change calls nothing (``none``) and those check folds into the search."""
        return frozenset(p.name for p in self.props if p.change == "none" or p.sent == "search")

    @cached_property
    def in_search(self) -> frozenset[str]:
        """Inputs folded into ``search_params`` (a change shows as a search change)."""
        return frozenset(p.name for p in self.props if p.sent == "search")

    @cached_property
    def sent_fields(self) -> frozenset[str]:
        """Inputs sent to Vast as fields of their own name."""
        return frozenset(
            p.name for p in self.props if p.sent == "field" and p.change in ("update", "replace")
        )

    @cached_property
    def ignored(self) -> frozenset[str]:
        """Inputs accepted for old programs' sake that Vast's engine never reads."""
        return frozenset(p.name for p in self.props if p.change == "ignored")

    @cached_property
    def secret(self) -> frozenset[str]:
        """Inputs (and outputs) stored encrypted."""
        return frozenset(p.name for p in self.props if p.secret)

    @cached_property
    def model(self) -> type[BaseModel]:
        """The validation model: one optional field per input, the table's rules."""
        fields: dict[str, Any] = {p.name: (PYTHON_TYPES[p.kind] | None, None) for p in self.props}
        name = f"{self.kind.capitalize()}Inputs"
        return create_model(name, __base__=self.rules, **fields)
