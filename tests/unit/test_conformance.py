"""Shapes, scrubbed texts and record comparison, without a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_vast_serverless.client._shape import merge, scrub_text, shape_of
from pulumi_vast_serverless.conformance import (
    Record,
    Recorder,
    differences,
    read_record,
    start_record,
    verdict,
)


def test_a_shape_keeps_field_names_and_types_only() -> None:
    body = {
        "results": [
            {"id": 7, "endpoint_name": "prod-llm", "target_util": 0.9, "template_hash": None},
            {"id": 8, "endpoint_name": "b", "target_util": 1, "extra": True},
        ],
        "env": {"HF_TOKEN": "hf_secret"},
        "by_id": {"12": "x"},
    }
    assert shape_of(body) == {
        "by_id": {"{key}": "string"},
        "env": "object",
        "results": [
            {
                "endpoint_name": "string",
                "extra": "boolean",
                "id": "integer",
                "target_util": "number",
                "template_hash": "null",
            }
        ],
    }


def test_merging_joins_types_and_keeps_containers_that_are_sometimes_null() -> None:
    assert merge("string", "null") == "null|string"
    assert merge({"a": "integer"}, "null") == {"a": "integer"}
    assert merge([], ["string"]) == ["string"]
    assert merge("integer|null", "number") == "null|number"


@pytest.mark.parametrize(
    ("text", "sent", "scrubbed"),
    [
        ("Endpoint 123 for user 456 not found.", [], "Endpoint {n} for user {n} not found."),
        ("Duplicate endpoint name prod", ["prod"], "Duplicate endpoint name <value>"),
        ("bad image 'vllm/vllm-openai:v0.6.3'", [], "bad image '<value>'"),
        # Dashed words go too: a name like prod-llm looks the same.
        ("key sk-live-abc is host-only", ["sk-live-abc"], "key <value> is <value>"),
        ("no template vastai/base-image here", [], "no template <value> here"),
    ],
)
def test_texts_lose_every_value(text: str, sent: list[str], scrubbed: str) -> None:
    assert scrub_text(text, sent) == scrubbed


def record(tmp_path: Path, name: str, *answers: tuple[str, int, object]) -> Record:
    path = tmp_path / name
    start_record(path, target="other")
    recorder = Recorder(path, secrets=("the-key",))
    for route, status, answer in answers:
        recorder.exchange(
            api="api",
            route=route,
            params=[],
            sent={"endpoint_name": "named", "api_key": "the-key"},
            status=status,
            answer=answer,
            json_answer=True,
        )
    return read_record(path)


def test_a_recorder_scrubs_what_its_requests_carried(tmp_path: Path) -> None:
    made = record(tmp_path, "r.jsonl", ("POST /endptjobs/", 400, {"msg": "named: the-key bad"}))
    assert made.exchanges[0]["texts"] == {"msg": "<value>: <value> bad"}
    assert made.exchanges[0]["sent"] == {"api_key": "string", "endpoint_name": "string"}
    assert "the-key" not in (tmp_path / "r.jsonl").read_text()


def test_ids_in_paths_become_placeholders(tmp_path: Path) -> None:
    made = record(tmp_path, "r.jsonl", ("DELETE /template/ab12f/", 200, {}))
    assert made.exchanges[0]["route"] == "DELETE /template/{id}/"


def test_differences_name_status_field_type_and_text(tmp_path: Path) -> None:
    ours = record(
        tmp_path,
        "a.jsonl",
        ("GET /endptjobs/", 200, {"results": [{"id": 1, "created_at": "2026-01-01"}]}),
        ("GET /endptjobs/", 200, {"results": []}),
        ("DELETE /endptjobs/{id}/", 404, {"msg": "Endpoint 9 not found."}),
    )
    theirs = record(
        tmp_path,
        "b.jsonl",
        ("GET /endptjobs/", 200, {"results": [{"id": 1, "created_at": 1.5, "user_id": 2}]}),
        ("DELETE /endptjobs/{id}/", 400, {"msg": "Routegroup not found for user"}),
    )
    assert differences(ours, theirs) == [
        "DELETE /endptjobs/{id}/ -> 400: in this release only (msg: Routegroup not found for user)",
        "DELETE /endptjobs/{id}/ -> 404: in the record only (msg: Endpoint {n} not found.)",
        "GET /endptjobs/ -> 200: answer results[].created_at: string in the record, "
        "number in this release",
        "GET /endptjobs/ -> 200: answer results[].user_id: missing from the record, "
        "integer in this release",
    ]
    assert differences(ours, ours) == []


def test_a_file_without_the_header_is_not_a_record(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n')
    with pytest.raises(ValueError, match="make one with `make test-live`"):
        read_record(path)


def test_the_verdict_on_a_record_of_vast_says_vast_changed(tmp_path: Path) -> None:
    made = record(tmp_path, "a.jsonl", ("GET /endptjobs/", 200, {"results": []}))
    of_vast = Record({**made.header, "target": "vast"}, made.exchanges)
    assert (
        verdict(of_vast, [], "x") == "conformance: the record matches x (1 exchanges on 1 routes)"
    )
    assert verdict(of_vast, ["a"], "x").startswith(
        "conformance: Vast now differs from what this release was built for: 1 difference(s)"
    )
    assert (
        verdict(made, ["a"], "x") == "conformance: 1 difference(s) from x (1 exchanges on 1 routes)"
    )
