"""Drive a real ``python -m pulumi.dynamic`` process over gRPC, as the engine does."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

UNKNOWN = rpc.UNKNOWN
PROVIDER_KEY = "__provider"


def _struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(props), {}))
    finally:
        loop.close()


def _props(struct: struct_pb2.Struct) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct, keep_unknowns=True))


class ProviderHost:
    """One provider process; methods mirror the engine's calls and return plain dicts."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline().decode().strip())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.type = "pulumi-python:dynamic/vast:Resource"

    def close(self) -> str:
        """Stop the process and return what it wrote to stderr."""
        self.channel.close()
        self.process.kill()
        _, err = self.process.communicate(timeout=10)
        return err.decode(errors="replace")

    def urn(self, name: str = "r") -> str:
        return f"urn:pulumi:test::project::{self.type}::{name}"

    def configure(self, config: Mapping[str, Any]) -> None:
        self.stub.Configure(provider_pb2.ConfigureRequest(args=_struct(config)))

    def check(self, news: Mapping[str, Any], olds: Mapping[str, Any] | None = None) -> Any:
        """Return (inputs, failures as (property, reason) pairs)."""
        response = self.stub.Check(
            provider_pb2.CheckRequest(urn=self.urn(), olds=_struct(olds or {}), news=_struct(news))
        )
        failures = [(f.property, f.reason) for f in response.failures]
        return _props(response.inputs), failures

    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
        response = self.stub.Diff(
            provider_pb2.DiffRequest(id=id_, urn=self.urn(), olds=_struct(olds), news=_struct(news))
        )
        return response

    def create(self, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        response = self.stub.Create(
            provider_pb2.CreateRequest(urn=self.urn(), properties=_struct(props))
        )
        return response.id, _props(response.properties)

    def read(
        self, id_: str, props: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        response = self.stub.Read(
            provider_pb2.ReadRequest(id=id_, urn=self.urn(), properties=_struct(props))
        )
        return response.id, _props(response.properties), _props(response.inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        response = self.stub.Update(
            provider_pb2.UpdateRequest(
                id=id_, urn=self.urn(), olds=_struct(olds), news=_struct(news)
            )
        )
        return _props(response.properties)

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        self.stub.Delete(
            provider_pb2.DeleteRequest(id=id_, urn=self.urn(), properties=_struct(props))
        )


def secret(value: Any) -> Any:
    """Wrap a value the way the engine marks a secret on the wire."""
    return rpc.wrap_rpc_secret(value)


def plain(value: Any) -> Any:
    """Unwrap an engine secret."""
    return rpc.unwrap_rpc_secret(value) if rpc.is_rpc_secret(value) else value
