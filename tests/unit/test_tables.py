"""Each resource's table is the one source of its inputs: the typed signatures users and
IDEs read are held to it here, and what is built from it follows a new row."""

from __future__ import annotations

import ast
import dataclasses
import inspect
from pathlib import Path

import pytest

import pulumi_vast_serverless.resources
from pulumi_vast_serverless import (
    Endpoint,
    EndpointArgs,
    Readiness,
    Template,
    TemplateArgs,
    Workergroup,
    WorkergroupArgs,
)
from pulumi_vast_serverless.providers import (
    ENDPOINT,
    READINESS,
    TEMPLATE,
    WORKERGROUP,
    EndpointProvider,
    Prop,
    ReadinessProvider,
    Table,
    TemplateProvider,
    WorkergroupProvider,
)
from pulumi_vast_serverless.providers._base import VastProvider
from pulumi_vast_serverless.providers._properties import to_vast
from pulumi_vast_serverless.providers._reference import property_table
from pulumi_vast_serverless.providers._rules import EndpointRules, validate

WAIT = ("wait_for_ready", "ready_timeout")  # a Workergroup's own: its child Readiness
RESOURCES = [
    # resource, its Args, its table, its provider, inputs of the resource's own
    (Endpoint, EndpointArgs, ENDPOINT, EndpointProvider, ()),
    (Workergroup, WorkergroupArgs, WORKERGROUP, WorkergroupProvider, WAIT),
    (Template, TemplateArgs, TEMPLATE, TemplateProvider, ()),
    (Readiness, None, READINESS, ReadinessProvider, ()),
]  # fmt: skip
IDS = [resource.__name__ for resource, *_ in RESOURCES]
RESOURCES_DIR = Path(pulumi_vast_serverless.resources.__file__).parent


def flat(text: str | None) -> str:
    return " ".join((text or "").split())


def settable(table: Table) -> list[str]:
    return [p.name for p in table.props if p.settable]


def module_of(table: Table) -> Path:
    """The resource module of a table's kind (the classes say the package root is theirs)."""
    return RESOURCES_DIR / f"{table.kind}.py"


def attribute_docs(cls: type, table: Table) -> dict[str, str]:
    """A class's attribute docstrings (the string after each annotated attribute)."""
    tree = ast.parse(module_of(table).read_text())
    body = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls.__name__)
    docs = {}
    for stmt, following in zip(body.body, body.body[1:], strict=False):
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
        ):
            docs[stmt.target.id] = flat(str(following.value.value))
    return docs


@pytest.mark.parametrize(("resource", "args", "table", "provider", "own"), RESOURCES, ids=IDS)
def test_the_constructor_takes_the_tables_inputs_documented_as_the_table_says(
    resource: type, args: type | None, table: Table, provider: type, own: tuple[str, ...]
) -> None:
    init = getattr(resource, "__init__")  # noqa: B009 (mypy refuses __init__ of a type)
    keywords = [
        name
        for name, p in inspect.signature(init).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    assert sorted(keywords) == sorted(settable(table) + list(own))
    init_doc = flat(init.__doc__)
    for name in settable(table):
        assert f"{name}: {flat(table[name].doc)}" in init_doc, name


@pytest.mark.parametrize(
    ("resource", "args", "table", "provider", "own"),
    [case for case in RESOURCES if case[1] is not None],  # Readiness takes keywords only
    ids=[name for name, case in zip(IDS, RESOURCES, strict=True) if case[1] is not None],
)
def test_the_args_class_has_the_tables_inputs_with_their_descriptions(
    resource: type, args: type, table: Table, provider: type, own: tuple[str, ...]
) -> None:
    assert sorted(f.name for f in dataclasses.fields(args)) == sorted(settable(table) + list(own))
    docs = attribute_docs(args, table)
    for name in settable(table):
        assert docs.get(name) == flat(table[name].doc), name


@pytest.mark.parametrize(("resource", "args", "table", "provider", "own"), RESOURCES, ids=IDS)
def test_every_input_is_an_output_that_help_documents_from_the_table(
    resource: type, args: type | None, table: Table, provider: type, own: tuple[str, ...]
) -> None:
    for prop in table.props:
        assert prop.output, prop.name
        assert getattr(resource, prop.name).__doc__ == prop.output, prop.name


@pytest.mark.parametrize(("resource", "args", "table", "provider", "own"), RESOURCES, ids=IDS)
def test_provider_model_and_secrets_come_from_the_table(
    resource: type,
    args: type | None,
    table: Table,
    provider: type[VastProvider],
    own: tuple[str, ...],
) -> None:
    assert provider.table is table
    assert set(table.model.model_fields) == set(table.names)
    assert provider().secret_outputs == table.secret
    source = module_of(table).read_text()
    if table.secret:  # the resource asks the engine to encrypt exactly these
        assert f"additional_secret_outputs=sorted({table.kind.upper()}.secret)" in source


def test_a_row_added_to_a_table_is_validated_sent_and_documented() -> None:
    knob = Prop("surge_limit", "int", "update", "Workers added at most per minute.", output="x")
    table = Table("endpoint", (*ENDPOINT.props, knob), EndpointRules)
    values, failures = validate(table.model, {"endpoint_name": "e", "surge_limit": 3})
    assert (values["surge_limit"], failures) == (3, [])
    _, failures = validate(table.model, {"surge_limit": "lots"})
    assert [f.prop for f in failures] == ["surge_limit"]
    assert to_vast({"surge_limit": 3, "adopt_existing": True}, table) == {"surge_limit": 3}
    row = "| `surge_limit` | integer | Vast's default | update in place | yes | Workers added"
    assert row in property_table(table)
    assert row not in property_table(ENDPOINT)
