"""The tolerant reading of Vast's answers: each plausible form, and what no reading takes."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_vast_serverless.client._reading import (
    WORKERGROUP_FIELDS,
    AnswerReader,
    Kind,
    UnreadableError,
    read_value,
)


@pytest.mark.parametrize(
    ("kind", "raw", "read", "told"),
    [
        ("int", 5, 5, ""),
        ("int", 5.0, 5, ""),
        ("int", "5", 5, "as text"),
        ("int", " -1 ", -1, "as text"),
        ("number", "24", 24.0, "as text"),
        ("number", 24, 24.0, ""),
        ("text", "x", "x", ""),
        ("text", 42, "42", "as a number"),
        ("flag", "True", True, "as text"),
        ("flag", 0, False, "as a number"),
        ("query", {"gpu_ram>": {"eq": "24"}}, {"gpu_ram": {"gte": 24}}, "in another stored form"),
        ("query", {"gpu_ram": {"gte": 24}}, {"gpu_ram": {"gte": 24}}, ""),
        (
            "query",
            {"what": {"ever": 1}},
            {"what": {"ever": 1}},
            "in a form this release cannot read",
        ),
        ("object", [{"a": 1}], {"a": 1}, "as a list of one"),
        ("time", "1767225600", "2026-01-01T00:00:00Z", ""),
        ("number", None, None, ""),
    ],
)
def test_each_plausible_form_is_read(kind: Kind, raw: Any, read: Any, told: str) -> None:
    assert read_value(kind, raw, "f") == (read, told)


@pytest.mark.parametrize(
    ("kind", "raw"),
    [("int", 2.5), ("int", True), ("number", "lots"), ("number", float("nan")), ("flag", "yes")],
)
def test_what_no_reading_takes_names_the_field_and_the_value(kind: Kind, raw: Any) -> None:
    with pytest.raises(UnreadableError, match=r"^f came back as .+, not "):
        read_value(kind, raw, "f")


def test_a_secret_field_never_shows_its_value() -> None:
    with pytest.raises(UnreadableError) as caught:
        read_value("text", {"token": "hf_abc"}, "launch_args")
    assert "hf_abc" not in str(caught.value)
    assert "(secret, dict)" in str(caught.value)


def test_one_notice_per_route_for_the_fields_not_yet_told() -> None:
    notices: list[str] = []
    reader = AnswerReader(notices.append)
    rows = [
        {"id": "1", "gpu_ram": "24", "endptjob_id": 3},
        {"id": "2", "gpu_ram": "80", "endptjob_id": None},
    ]
    read = reader.rows("GET /autojobs/", WORKERGROUP_FIELDS, rows)
    assert [(r["id"], r["gpu_ram"], r.get("endpoint_id")) for r in read] == [
        (1, 24.0, 3),
        (2, 80.0, None),
    ]
    reader.rows("GET /autojobs/", WORKERGROUP_FIELDS, rows)
    reader.rows("GET /autojobs/", WORKERGROUP_FIELDS, [{"id": 3, "gpu_ram": 1, "min_load": "1"}])
    assert len(notices) == 2
    assert "GET /autojobs/" in notices[0]
    assert "gpu_ram, id as text" in notices[0]
    assert "endpoint_id under 'endptjob_id'" in notices[0]
    assert "launch_args, search_query, template_hash, template_id left out" in notices[0]
    assert "(min_load as text)" in notices[1]


def test_a_row_without_an_id_cannot_be_used() -> None:
    with pytest.raises(UnreadableError, match="id is missing"):
        AnswerReader(print).row("GET /autojobs/", WORKERGROUP_FIELDS, {"gpu_ram": 24})
