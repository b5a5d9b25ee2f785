"""The providers behind Pulumi's provider-plugin protocol: a thin adapter, as the dynamic
host is one. Each call converts the engine's values to the form the providers take (the
dynamic host's: unknowns and secrets as ``pulumi.runtime.rpc`` marks them, snake_case
names), runs the very same provider code in a worker thread with this call's context (its
URN, its warnings), and converts the answer back.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, TypeVar

from pulumi.dynamic import ConfigureRequest as DynamicConfigure
from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime import rpc

from ..client import VastError
from ..providers import (
    EndpointProvider,
    ReadinessProvider,
    TemplateProvider,
    VastProvider,
    WorkergroupProvider,
    engine_context,
    runtime,
    serving,
)
from ._names import camel, to_camel, to_snake
from ._schema import PACKAGE, schema

T = TypeVar("T")
PROVIDERS: dict[str, type[VastProvider]] = {
    f"{PACKAGE}:index:Template": TemplateProvider,
    f"{PACKAGE}:index:Endpoint": EndpointProvider,
    f"{PACKAGE}:index:Workergroup": WorkergroupProvider,
    f"{PACKAGE}:index:Readiness": ReadinessProvider,
}


# Config keys a Python program reads (the whole program's cost): no plugin call sees it.
_PROGRAM_ONLY = frozenset({"vast:maxHourlySpend", "vast:costEstimate"})
PROGRAM_ONLY_REFUSAL = (
    "vast:maxHourlySpend and vast:costEstimate are read by Python programs only: a program "
    "through the plugin gets no spend ceiling and no estimate, so the setting would limit "
    "nothing. Remove it (`pulumi config rm vast:maxHourlySpend`); cap each group's price "
    "with maxHourlyPrice instead"
)


class _Config:
    """The stack's ``vast:`` config as the providers' ``configure`` reads it."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._props = values


class VastPlugin(p.Provider):
    """``pulumi-resource-vast``: Template, Endpoint, Workergroup and Readiness for every
    language."""

    def __init__(self) -> None:
        self._config: dict[str, Any] = {}

    async def cancel(self) -> None:
        """The engine's Cancel (Ctrl-C): waits under way end within a poll."""
        runtime().cancelled.set()

    async def get_schema(self, request: p.GetSchemaRequest) -> p.GetSchemaResponse:
        return p.GetSchemaResponse(json.dumps(schema()))

    async def configure(self, request: p.ConfigureRequest) -> p.ConfigureResponse:
        values = {f"vast:{key}": _plain(value) for key, value in (request.args or {}).items()}
        for key, value in (request.variables or {}).items():  # "vast:config:apiKey"
            values[key.replace(":config:", ":")] = value
        self._config = {k: v for k, v in values.items() if v is not None}
        return p.ConfigureResponse(accept_secrets=True, supports_preview=True)

    async def check(self, request: p.CheckRequest) -> p.CheckResponse:
        provider = self._provider(request.urn)
        news = await _dynamic(request.new_inputs)
        result = await self._run(request.urn, lambda: provider.check({}, news))
        failures = [p.CheckFailure(camel(f.property), f.reason) for f in result.failures or []]
        if _PROGRAM_ONLY & set(self._config):  # a spend limit that would limit nothing
            failures.append(p.CheckFailure("", PROGRAM_ONLY_REFUSAL))
        return p.CheckResponse(await _engine(result.inputs or {}), failures)

    async def diff(self, request: p.DiffRequest) -> p.DiffResponse:
        provider = self._provider(request.urn)
        olds, news = await _dynamic(request.old_state), await _dynamic(request.new_inputs)
        result = await self._run(
            request.urn, lambda: provider.diff(request.resource_id, olds, news)
        )
        return p.DiffResponse(
            changes=bool(result.changes),
            replaces=[camel(name) for name in result.replaces or []],
            delete_before_replace=bool(result.delete_before_replace),
        )

    async def create(self, request: p.CreateRequest) -> p.CreateResponse:
        provider = self._provider(request.urn)
        props = await _dynamic(request.properties)
        if request.preview:  # outputs unknown until the create
            return p.CreateResponse(resource_id="", properties=request.properties)
        result = await self._run(request.urn, lambda: provider.create(props))
        return p.CreateResponse(result.id, await _engine(result.outs or {}))

    async def read(self, request: p.ReadRequest) -> p.ReadResponse:
        provider = self._provider(request.urn)
        props = await _dynamic(request.properties)
        result = await self._run(request.urn, lambda: provider.read(request.resource_id, props))
        return p.ReadResponse(
            result.id or "",
            await _engine(result.outs or {}),
            await _engine(result.inputs or {}),
        )

    async def update(self, request: p.UpdateRequest) -> p.UpdateResponse:
        provider = self._provider(request.urn)
        olds, news = await _dynamic(request.olds), await _dynamic(request.news)
        if request.preview:
            return p.UpdateResponse(request.news)
        result = await self._run(
            request.urn, lambda: provider.update(request.resource_id, olds, news)
        )
        return p.UpdateResponse(await _engine(result.outs or {}))

    async def delete(self, request: p.DeleteRequest) -> None:
        provider = self._provider(request.urn)
        props = await _dynamic(request.properties)
        await self._run(request.urn, lambda: provider.delete(request.resource_id, props))

    def _provider(self, urn: str) -> VastProvider:
        """The provider of the URN's type, configured with the stack's ``vast:`` config."""
        token = urn.split("::")[-2].split("$")[-1]
        kind = PROVIDERS.get(token)
        if kind is None:
            raise ValueError(f"{PACKAGE} has no resource type {token!r}")
        provider = kind()
        provider.configure(DynamicConfigure(_Config(self._config)))  # type: ignore[arg-type]
        return provider

    async def _run(self, urn: str, call: Callable[[], T]) -> T:
        """Run one provider call in a thread, with this call's context; our errors read as
        one line (the engine shows the message)."""

        def served() -> T:
            with serving(engine_context(urn, runtime().cancelled)):
                return call()

        try:
            return await asyncio.to_thread(served)
        except VastError as exc:
            raise _OneLineError(f"{type(exc).__name__}: {' '.join(str(exc).split())}") from None


class _OneLineError(Exception):
    """An error whose message is all the user needs."""


def _plain(value: PropertyValue) -> Any:
    """A config value as plain Python (secrets unwrapped: config is read in-process)."""
    inner = value.value
    return inner if not isinstance(inner, PropertyValue) else _plain(inner)


async def _dynamic(values: dict[str, PropertyValue] | None) -> dict[str, Any]:
    """Engine values as the dynamic host hands them to providers, snake_case names."""
    struct = PropertyValue.marshal_map(values or {})
    return to_snake(rpc.deserialize_properties(struct, keep_unknowns=True))


async def _engine(values: dict[str, Any]) -> dict[str, PropertyValue]:
    """Provider values back to the engine's form, camelCase names."""
    struct = await rpc.serialize_properties(to_camel(values), {}, keep_output_values=False)
    return PropertyValue.unmarshal_map(struct)
