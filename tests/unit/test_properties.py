"""Input validation: each failure names the property and the fix."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_vast_serverless.providers._properties import (
    ENDPOINT_PROPS,
    WORKERGROUP_PROPS,
    EndpointInputs,
    WorkergroupInputs,
    validate,
)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("target_util", 1.5, "target_util must be in (0, 1]; got 1.5"),
        ("target_util", 0, "target_util must be in (0, 1]; got 0"),
        ("min_load", -1, "min_load must be zero or more; got -1"),
        ("max_workers", 2.5, "max_workers must be a whole number; got 2.5"),
        ("cold_workers", "5", "cold_workers must be a number; got '5'"),
        ("cold_mult", True, "cold_mult must be a number; got True"),
        ("endpoint_name", "has space", "endpoint_name must be 1-255 letters, digits"),
        ("endpoint_state", "paused", "endpoint_state must be one of active, suspended, stopped"),
        ("adopt_existing", "yes", "adopt_existing must be true or false"),
    ],
)
def test_endpoint_failures_name_property_and_fix(field: str, value: Any, reason: str) -> None:
    inputs = {"endpoint_name": "ok", field: value}
    _, failures = validate(EndpointInputs, inputs)
    assert [f.prop for f in failures] == [field]
    assert failures[0].reason.startswith(reason)


def test_integral_floats_from_the_engine_become_ints() -> None:
    values, failures = validate(EndpointInputs, {"endpoint_name": "x", "max_workers": 20.0})
    assert failures == []
    assert values["max_workers"] == 20
    assert isinstance(values["max_workers"], int)


def test_negative_inactivity_timeout_means_never_and_is_allowed() -> None:
    values, failures = validate(EndpointInputs, {"endpoint_name": "x", "inactivity_timeout": -1})
    assert failures == []
    assert values["inactivity_timeout"] == -1


def test_endpoint_id_accepts_the_string_id_of_an_endpoint_output() -> None:
    values, failures = validate(WorkergroupInputs, {"endpoint_id": "42"})
    assert failures == []
    assert values["endpoint_id"] == 42


def test_unknown_property_is_a_failure() -> None:
    _, failures = validate(WorkergroupInputs, {"gpu_rma": 24})
    assert failures[0].prop == "gpu_rma"
    assert "not an input" in failures[0].reason


def test_empty_template_hash_is_refused() -> None:
    _, failures = validate(WorkergroupInputs, {"template_hash": " "})
    assert failures[0].prop == "template_hash"


def test_property_tables_match_the_models() -> None:
    assert {p.name for p in ENDPOINT_PROPS} == set(EndpointInputs.model_fields)
    assert {p.name for p in WORKERGROUP_PROPS} == set(WorkergroupInputs.model_fields)
