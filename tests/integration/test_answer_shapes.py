"""The simulator's shape variants, as the client reads them and as a conformance record
shows them: each variant reads as the documented shape does, and each is visible as a
difference when its record is compared with the documented simulator's."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_vast_serverless import VastAnswerError, VastClient
from pulumi_vast_serverless.conformance import RECORD_ENV, differences, read_record, start_record
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from tests.support.keys import KEY_A


def exchange(url: str, notices: list[str]) -> dict[str, object]:
    """Create and read one of each kind; what the client made of the rows."""
    client = VastClient(KEY_A, base_url=url, notice=notices.append)
    endpoint_id = client.create_endpoint(endpoint_name="e", min_load=1.5)
    client.create_workergroup(
        endpoint_id=endpoint_id,
        template_hash="h",
        search_params="gpu_ram>=24 gpu_name=RTX_4090",
        gpu_ram=24.0,
        launch_args="--x 1",
    )
    template, _ = client.create_template(name="t", image="i", recommended_disk_space=40.0)
    edited = client.update_template(template["id"], template["hash_id"], name="t", image="j")
    endpoint = client.list_endpoints(fresh=True)[0]
    group = client.list_workergroups(fresh=True)[0]
    client.close()
    return {
        "endpoint": (endpoint["id"], endpoint["min_load"], endpoint["endpoint_name"]),
        "group": (group["endpoint_id"], group["search_query"]),
        "template": (edited["id"], edited["image"], edited["recommended_disk_space"]),
    }


def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, **forms: str):  # type: ignore[no-untyped-def]
    path = tmp_path / f"{name}.jsonl"
    start_record(path, target="simulator")
    monkeypatch.setenv(RECORD_ENV, str(path))
    notices: list[str] = []
    with run_simulator(variants=forms) as url:
        read = exchange(url, notices)
    monkeypatch.delenv(RECORD_ENV)
    return read, read_record(path), notices


# Each shape, and a difference its record must show against the documented simulator's.
SHAPES = [
    ({"numbers": "text"}, "answer results[].min_load: string in the record, number in this"),
    ({"numbers": "float"}, "answer results[].id: number in the record, integer in this"),
    ({"optional_fields": "null"}, "answer results[].gpu_ram: null in the record, number in this"),
    ({"optional_fields": "missing"}, "answer results[].gpu_ram: missing from the record"),
    ({"extra_fields": "added"}, "answer request_id: string in the record, missing from this"),
    ({"single_objects": "list"}, "answer template: array in the record, object in this"),
    ({"search_query": "split"}, "answer results[].search_query.gpu_ram: missing from the record"),
    ({"id_keys": "renamed"}, "answer results[].endptjob_id: integer in the record, missing"),
]


@pytest.mark.parametrize(("forms", "shown"), SHAPES, ids=[str(f) for f, _ in SHAPES])
def test_each_shape_reads_as_documented_and_shows_in_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forms: dict[str, str], shown: str
) -> None:
    documented, documented_record, quiet = recorded(tmp_path, monkeypatch, "documented")
    shaped, shaped_record, notices = recorded(tmp_path, monkeypatch, "shaped", **forms)
    assert quiet == []
    # Told once per route where the shape changes what a field holds; read silently where
    # it changes nothing (whole numbers as floats, nulls, extra fields).
    silent = forms in ({"numbers": "float"}, {"optional_fields": "null"}, {"extra_fields": "added"})
    assert bool(notices) is not silent
    assert len(notices) == len({n.split(" in a shape")[0] for n in notices})
    if forms.get("optional_fields") is None:
        assert shaped == documented
    found = differences(shaped_record, documented_record)
    assert any(line.split(" -> 200: ", 1)[-1].startswith(shown) for line in found), found


def test_what_no_reading_accepts_is_one_line_naming_route_field_and_value(
    sim_url: str, control: SimulatorControl
) -> None:
    client = VastClient(KEY_A, base_url=sim_url)
    client.create_endpoint(endpoint_name="e")
    control.fault("GET /endptjobs/", "garbled")
    with pytest.raises(VastAnswerError) as caught:
        client.list_endpoints(fresh=True)
    text = str(caught.value)
    assert "\n" not in text
    assert "GET " in text
    assert "/endptjobs/ -> HTTP 200: " in text
    assert "came back as 'n/a', not a whole number" in text
    assert "scripts/conformance.py" in text
    client.close()
