"""Docs where users look: help() on the resource classes (``test_tables`` holds the
constructors, Args and outputs to each resource's table)."""

from __future__ import annotations

import pydoc

import pytest

from pulumi_vast_serverless import Endpoint, Workergroup
from pulumi_vast_serverless.providers._properties import ENDPOINT_PROPS, WORKERGROUP_PROPS, Prop


def flat(text: str | None) -> str:
    return " ".join((text or "").split())


@pytest.mark.parametrize(
    ("resource", "props"), [(Endpoint, ENDPOINT_PROPS), (Workergroup, WORKERGROUP_PROPS)]
)
def test_every_output_attribute_has_a_doc_that_help_shows(
    resource: type, props: tuple[Prop, ...]
) -> None:
    page = pydoc.render_doc(resource)
    for name in [p.name for p in props] + ["created_at", "declared_inputs"]:
        doc = getattr(resource, name).__doc__
        assert doc, name
        assert flat(doc) in flat(page), name
