"""Normalisation of Vast's rows and create answers."""

from __future__ import annotations

import pytest

from pulumi_vast_serverless.client._rows import created_id, iso_timestamp, normalize_row


def test_api_key_is_dropped_from_rows() -> None:
    row = normalize_row({"id": 3, "api_key": "secret", "endpoint_name": "x"})
    assert "api_key" not in row
    assert row == {"id": 3, "endpoint_name": "x"}


@pytest.mark.parametrize(
    "raw",
    [
        1767225600,
        1767225600.0,
        "1767225600",
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00+00:00",
        "2026-01-01T00:00:00",
    ],
)
def test_created_at_becomes_iso_utc(raw: object) -> None:
    assert iso_timestamp(raw) == "2026-01-01T00:00:00Z"


def test_textual_search_query_fills_search_params() -> None:
    row = normalize_row({"id": 1, "search_query": "gpu_name=RTX_4090"})
    assert row["search_params"] == "gpu_name=RTX_4090"


def test_parsed_search_query_is_kept_as_is() -> None:
    row = normalize_row({"id": 1, "search_query": {"gpu_name": {"eq": "RTX_4090"}}})
    assert "search_params" not in row
    assert row["search_query"] == {"gpu_name": {"eq": "RTX_4090"}}


def test_ids_become_ints() -> None:
    row = normalize_row({"id": "7", "endpoint_id": 3.0, "user_id": "9"})
    assert (row["id"], row["endpoint_id"], row["user_id"]) == (7, 3, 9)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"success": True, "result": 12}, 12),
        ({"success": True, "id": 34}, 34),
        ({"success": True, "result": "56"}, 56),
        ({"success": True}, None),
        ({"success": True, "result": True}, None),
    ],
)
def test_created_id_reads_result_or_id(body: dict[str, object], expected: int | None) -> None:
    assert created_id(body) == expected
