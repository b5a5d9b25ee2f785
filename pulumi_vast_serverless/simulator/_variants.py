"""Where Vast's documents disagree, which documented form the simulator answers with.

The defaults follow Vast's backend-generated OpenAPI files (they describe the server's
code); each alternative is a form another of Vast's documents gives, so tests can hold the
client to every one.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields

CHOICES: dict[str, tuple[str, ...]] = {
    # GET /endptjobs/ of an account with no endpoints: 400 "No endpoints for user {id}
    # found." (backend, show_endpoints.yaml), or an empty list.
    "empty_account": ("refused", "empty"),
    # DELETE of an unknown endpoint: 404 "Endpoint {id} for user {user} not found."
    # (backend), or 400 invalid_args "Routegroup not found for user" (delete_endpoint.yaml).
    "missing_endpoint": ("backend", "handwritten"),
    # The id of a new workergroup: {"id": N} (backend, create_autogroup.yaml), or
    # {"result": N} (the guide).
    "workergroup_id_key": ("id", "result"),
    # created_at in list rows: Unix seconds (backend), or ISO 8601 (show_endpoints.yaml).
    "created_at": ("number", "iso"),
    # endpoint_state on create: applied (backend), or ignored with the endpoint starting
    # active (older notes: "the state can only be changed by an update").
    "initial_state": ("applied", "ignored"),
    # A new workergroup's workers, asked for in its first seconds: listed (none yet), or
    # 400 "... not found" for 3 s (a comment in Vast's own client says the autoscaler
    # may not know a group that new).
    "autoscaler_lag": ("none", "new_groups"),
    # Shapes a changed API plausibly answers in (no document gives them; see ``_shapes``).
    # Numbers in rows and create answers: as documented, as text ("24"), or every whole
    # number as a float (5.0).
    "numbers": ("number", "text", "float"),
    # Optional row fields (launch_args, gpu_ram, inactivity_timeout, template texts): as
    # stored, null, or left out.
    "optional_fields": ("present", "null", "missing"),
    # Fields no document names, added to every row and answer.
    "extra_fields": ("none", "added"),
    # A template in create, edit and search answers: an object, or a list of one.
    "single_objects": ("object", "list"),
    # A workergroup's stored search: parsed as Vast's client parses it, or split at the
    # "=" with every value as text ({"gpu_ram>": {"eq": "24"}} for gpu_ram>=24).
    "search_query": ("parsed", "split"),
    # Ids in workergroup rows: endpoint_id, or under endptjob_id (the key Vast's delete
    # body and own client use for it).
    "id_keys": ("documented", "renamed"),
}


@dataclass
class Variants:
    """The chosen form of each disagreement; the first choice is the default."""

    empty_account: str = "refused"
    missing_endpoint: str = "backend"
    workergroup_id_key: str = "id"
    created_at: str = "number"
    initial_state: str = "applied"
    autoscaler_lag: str = "none"
    numbers: str = "number"
    optional_fields: str = "present"
    extra_fields: str = "none"
    single_objects: str = "object"
    search_query: str = "parsed"
    id_keys: str = "documented"

    def set(self, name: str, value: str) -> None:
        """Choose a form; ValueError names the choices when ``name`` or ``value`` is off."""
        if name not in CHOICES:
            raise ValueError(f"unknown variant {name!r}; choose from {', '.join(CHOICES)}")
        if value not in CHOICES[name]:
            raise ValueError(f"variant {name} takes {' or '.join(CHOICES[name])}; got {value!r}")
        setattr(self, name, value)

    def as_dict(self) -> dict[str, str]:
        """Every variant and its current form."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def reset(self) -> None:
        """Back to the defaults."""
        for name, choices in CHOICES.items():
            setattr(self, name, choices[0])


def add_variant_option(parser: argparse.ArgumentParser, purpose: str) -> None:
    """``--variant NAME=FORM`` (repeatable); ``--help`` lists every choice after ``purpose``."""
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=FORM",
        help=f"{purpose}; "
        + "; ".join(f"{name}: {'|'.join(forms)}" for name, forms in CHOICES.items()),
    )


def parsed_variants(parser: argparse.ArgumentParser, items: list[str]) -> dict[str, str]:
    """``--variant`` items as ``{name: form}``; a wrong one stops with the parser's error."""
    chosen: dict[str, str] = {}
    for item in items:
        name, sep, form = item.partition("=")
        if not sep or form not in CHOICES.get(name, ()):
            parser.error(f"--variant {item!r}: choose NAME=FORM from the list in --help")
        chosen[name] = form
    return chosen
