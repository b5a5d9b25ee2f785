"""Engine values as providers receive them: unknowns in preview, wrapped secrets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime import rpc

from ..client import same_value

PROVIDER_KEY = "__provider"


def is_unknown(value: Any) -> bool:
    """True for a value the engine does not know yet (preview)."""
    return isinstance(value, Unknown) or value == rpc.UNKNOWN


def plain(value: Any) -> Any:
    """Return ``value`` without its secret wrapper, if it has one."""
    return rpc.unwrap_rpc_secret(value) if rpc.is_rpc_secret(value) else value


def secret(value: Any) -> Any:
    """Wrap ``value`` so the engine stores it encrypted."""
    return rpc.wrap_rpc_secret(value)


@dataclass
class SplitInputs:
    """Inputs sorted into known values, unknown ones and which were secret."""

    known: dict[str, Any] = field(default_factory=dict)
    unknown: dict[str, Any] = field(default_factory=dict)
    secret: set[str] = field(default_factory=set)

    @property
    def present(self) -> set[str]:
        """Every input the program set, known or not."""
        return set(self.known) | set(self.unknown)


def split_inputs(props: dict[str, Any]) -> SplitInputs:
    """Sort the inputs; None means unset, as the engine treats it."""
    result = SplitInputs()
    for name, value in props.items():
        if name == PROVIDER_KEY or value is None:
            continue
        if is_unknown(value):
            result.unknown[name] = value
            continue
        if rpc.is_rpc_secret(value):
            result.secret.add(name)
            value = plain(value)
            if is_unknown(value):
                result.unknown[name] = value
                continue
        result.known[name] = value
    return result


def same(a: Any, b: Any) -> bool:
    """Compare two engine values as Vast stores them, ignoring secret wrappers."""
    return same_value(plain(a), plain(b))
