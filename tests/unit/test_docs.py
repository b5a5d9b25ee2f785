"""Docs where users look: help() and IDE hovers on the resource classes."""

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
def test_every_input_is_documented_in_the_constructor_as_in_the_reference(
    resource: type, props: tuple[Prop, ...]
) -> None:
    init_doc = flat(resource.__init__.__doc__)  # type: ignore[misc]
    for prop in props:
        assert f"{prop.name}: {prop.doc}" in init_doc, prop.name


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
