"""The inputs of each resource, one table each: the source of everything about them.

Each table (``Table`` of ``Prop`` rows, see ``_table``) gives the resource's validation
model, its diff and update rules, its secrets and the README's property reference. A row
says what a change does on Vast: "update", Vast's PUT changes it in place; "replace", the
object is created again (the new one first, then the old one deleted); "ignored", Vast's
web server accepts it but its engine never reads it (kept so old programs load: never
sent, compared or drifting); "none", a setting of the provider itself, never sent. A row
that is not ``readable`` is an input Vast accepts but never shows in its rows: its value
is the one last sent, not refreshed, and it cannot drift.
"""

from typing import Any

from ._rules import (
    MAX_GPU_RAM_GB,
    EndpointRules,
    Failure,
    ReadinessRules,
    TemplateRules,
    WorkergroupRules,
    stored_value,
    validate,
)
from ._table import Prop, Table

__all__ = [
    "ENDPOINT",
    "ENDPOINT_PROPS",
    "MAX_GPU_RAM_GB",
    "READINESS",
    "READINESS_PROPS",
    "TEMPLATE",
    "TEMPLATE_PROPS",
    "VAST_ROLLS_ON",
    "WORKERGROUP",
    "WORKERGROUP_PROPS",
    "EndpointInputs",
    "Failure",
    "Prop",
    "ReadinessInputs",
    "Table",
    "TemplateInputs",
    "WorkergroupInputs",
    "from_vast",
    "stored_value",
    "to_vast",
    "validate",
]

# Vast's workergroup guide and OpenAPI files take gpu_ram in GB (the API overview says MB,
# contradicted by both). Users give GB; this is the one place a conversion would go.
GPU_RAM_GB_TO_VAST = 1

ENDPOINT_PROPS: tuple[Prop, ...] = (
    Prop(
        "endpoint_name",
        "str",
        "update",
        "Name of the endpoint; letters, digits, _ and -. Unique in the account.",
        "required",
        output="Name of the endpoint.",
    ),
    Prop(
        "min_load",
        "float",
        "update",
        "Minimum load (perf units/s, e.g. tokens/s) to serve.",
        output="Minimum load, as Vast reports it.",
    ),
    Prop(
        "min_cold_load",
        "float",
        "update",
        "Load to keep cold (stopped) capacity for.",
        output="Cold load floor, as Vast reports it.",
    ),
    Prop(
        "target_util",
        "float",
        "update",
        "Target utilisation, a fraction in (0, 1].",
        output="Target utilisation, as Vast reports it.",
    ),
    Prop(
        "cold_mult",
        "float",
        "update",
        "Cold capacity as a multiple of hot capacity.",
        output="Cold capacity multiple, as Vast reports it.",
    ),
    Prop(
        "cold_workers",
        "int",
        "update",
        "Workers kept cold when there is no load.",
        output="Workers kept cold, as Vast reports it.",
    ),
    Prop(
        "max_workers",
        "int",
        "update",
        "Maximum number of workers.",
        output="Maximum workers, as Vast reports it.",
    ),
    Prop(
        "max_queue_time",
        "float",
        "update",
        "Maximum queue time in seconds.",
        output="Maximum queue time in seconds.",
    ),
    Prop(
        "target_queue_time",
        "float",
        "update",
        "Target queue time in seconds; at most max_queue_time.",
        output="Target queue time in seconds.",
    ),
    Prop(
        "inactivity_timeout",
        "int",
        "update",
        "Seconds without requests before the endpoint may scale to zero (Vast's scaling guide; "
        "its backend file: may be suspended); 0 disables, negative never.",
        output="Inactivity timeout in seconds.",
    ),
    Prop(
        "endpoint_state",
        "str",
        "update",
        "active, suspended or stopped (also the state it is created in).",
        "active",
        output="active, suspended or stopped.",
    ),
    Prop(
        "overrecruit_ratio",
        "float",
        "update",
        "Ratio by which to over-recruit workers to absorb traffic spikes.",
        readable=False,
        output="Over-recruit ratio last sent (Vast does not report it).",
    ),
    Prop(
        "autoscaler_instance",
        "str",
        "update",
        "Autoscaler deployment to attach to (Vast's own client sends prod).",
        readable=False,
        output="Autoscaler deployment last sent (Vast does not report it).",
    ),
    Prop(
        "adopt_existing",
        "bool",
        "none",
        "Take over an existing endpoint of the same name instead of failing.",
        "false",
        output="Whether this resource may take over an endpoint of the same name.",
    ),
    Prop(
        "allow_cascade_delete",
        "bool",
        "none",
        "Let destroy delete this endpoint while workergroups this stack does not manage serve "
        "it (Vast deletes them with it); false refuses, naming them.",
        "false",
        output="Whether destroy may delete it with other stacks' workergroups, as declared.",
    ),
)

WORKERGROUP_PROPS: tuple[Prop, ...] = (
    Prop(
        "endpoint_id",
        "int",
        "replace",
        "Id of the endpoint to serve, e.g. my_endpoint.id (or endpoint_name).",
        "one of the two",
        output="Id of the endpoint this group serves.",
    ),
    Prop(
        "endpoint_name",
        "str",
        "replace",
        "Name of an existing endpoint to serve (or endpoint_id).",
        "one of the two",
        output="Name of the endpoint this group serves.",
    ),
    Prop(
        "template_hash",
        "str",
        "update",
        "Hash of the template workers run.",
        "one of the three",
        output="Template hash, as Vast reports it.",
    ),
    Prop(
        "template_id",
        "int",
        "update",
        "Id of the template workers run.",
        "one of the three",
        output="Template id, as Vast reports it.",
    ),
    Prop(
        "search_params",
        "str",
        "update",
        "Offer search query in Vast's language, e.g. gpu_name=RTX_4090 num_gpus=1.",
        "one of the three",
        output="The offer search as sent (default filters included); Vast's stored query as "
        "text once the two differ.",
    ),
    Prop(
        "default_offer_filters",
        "bool",
        "update",
        "Add verified=True rentable=True rented=False to the search (keys you set win), as "
        "Vast's own client does.",
        "true",
        sent="search",
        output="Whether the default offer filters are added, as declared.",
    ),
    Prop(
        "max_hourly_price",
        "float",
        "update",
        "Most one worker may cost, USD per hour (GPU and disk): adds dph_total<=X to the "
        "search, so Vast recruits no dearer offer.",
        "none",
        sent="search",
        output="The price cap per worker-hour added to the search, as declared.",
    ),
    Prop(
        "launch_args",
        "str",
        "update",
        "Extra launch arguments (stored as a secret).",
        "empty",
        secret=True,
        output="Launch arguments (secret).",
    ),
    Prop(
        "gpu_ram",
        "float",
        "update",
        "GPU memory the model needs, in GB; Vast uses it to estimate bandwidth, it does not "
        "choose machines (put gpu_ram>=N in search_params for that).",
        output="GPU memory in GB, as Vast reports it.",
    ),
    Prop(
        "template_revision",
        "str",
        "update",
        "Content hash of the template template_id names; a change rolls the workers (set for "
        "you when template_id is a Template's template_id).",
        "none",
        readable=False,
        sent="no",
        output="Content hash of the template template_id names, as last rolled out.",
    ),
    Prop(
        "rolling_update",
        "bool",
        "none",
        "false: ask Vast to cancel the roll it starts when what workers run changes; true: "
        "also roll when a Template named by template_id changes (Vast does not see it).",
        "true",
        output="Whether rolls Vast starts go on (false: they are cancelled), as declared.",
    ),
    Prop(
        "min_load",
        "float",
        "ignored",
        "Ignored by Vast's engine: set min_load on the Endpoint.",
        "-",
        output="As Vast stores it (ignored by Vast's engine).",
    ),
    Prop(
        "target_util",
        "float",
        "ignored",
        "Ignored by Vast's engine: set target_util on the Endpoint.",
        "-",
        output="As Vast stores it (ignored by Vast's engine).",
    ),
    Prop(
        "cold_mult",
        "float",
        "ignored",
        "Ignored by Vast's engine: set cold_mult on the Endpoint.",
        "-",
        output="As Vast stores it (ignored by Vast's engine).",
    ),
    Prop(
        "cold_workers",
        "int",
        "ignored",
        "Ignored by Vast's engine: set cold_workers on the Endpoint.",
        "-",
        output="As Vast stores it (ignored by Vast's engine).",
    ),
    Prop(
        "test_workers",
        "int",
        "ignored",
        "Ignored by Vast's engine (not in its autoscaler).",
        "-",
        readable=False,
        output="As declared (ignored by Vast's engine).",
    ),
    Prop(
        "max_workers",
        "int",
        "ignored",
        "Ignored by Vast's engine: only the Endpoint's max_workers caps workers (all groups).",
        "-",
        readable=False,
        output="As declared (ignored by Vast's engine).",
    ),
    Prop(
        "adopt_existing",
        "bool",
        "none",
        "Take over an existing group on the same endpoint that runs and recruits the same "
        "(left behind by an interrupted up) instead of failing.",
        "false",
        output="Whether this resource may take over an identical group left behind.",
    ),
)

TEMPLATE_PROPS: tuple[Prop, ...] = (
    Prop(
        "name",
        "str",
        "update",
        "Name of the template.",
        "required",
        output="Name of the template.",
    ),
    Prop(
        "image",
        "str",
        "update",
        "Docker image, e.g. vllm/vllm-openai.",
        "required",
        output="Docker image.",
    ),
    Prop(
        "tag",
        "str",
        "update",
        "Image tag; a new tag is a new release.",
        "latest",
        output="Image tag.",
    ),
    Prop(
        "env",
        "str",
        "update",
        "Docker flags for env vars and ports, e.g. -e MODEL=x -p 8000:8000 (a secret).",
        "none",
        secret=True,
        output="Env flags (secret).",
    ),
    Prop(
        "onstart",
        "str",
        "update",
        "Commands run when an instance starts.",
        "none",
        output="Start commands.",
    ),
    Prop(
        "runtype",
        "str",
        "update",
        "Launch mode: args, ssh or jupyter.",
        "args",
        output="Launch mode.",
    ),
    Prop(
        "args_str",
        "str",
        "update",
        "Arguments to the entrypoint when runtype is args.",
        "none",
        output="Entrypoint arguments.",
    ),
    Prop(
        "ssh_direct",
        "bool",
        "update",
        "Direct SSH connections.",
        output="Direct SSH connections.",
    ),
    Prop(
        "jup_direct",
        "bool",
        "update",
        "Direct Jupyter connections.",
        output="Direct Jupyter connections.",
    ),
    Prop(
        "use_ssh",
        "bool",
        "update",
        "SSH access to instances.",
        output="SSH access.",
    ),
    Prop(
        "use_jupyter_lab",
        "bool",
        "update",
        "JupyterLab instead of Notebook.",
        output="JupyterLab instead of Notebook.",
    ),
    Prop(
        "jupyter_dir",
        "str",
        "update",
        "Directory Jupyter starts in.",
        "none",
        output="Jupyter's directory.",
    ),
    Prop(
        "docker_login_repo",
        "str",
        "update",
        "Private registry, e.g. docker.io.",
        "none",
        output="Private registry.",
    ),
    Prop(
        "docker_login_user",
        "str",
        "update",
        "User of the private registry.",
        "none",
        output="Registry user.",
    ),
    Prop(
        "docker_login_pass",
        "str",
        "update",
        "Password or token of the private registry (a secret; Vast shows it masked).",
        "none",
        readable=False,
        secret=True,
        output="Registry password last sent (secret; Vast shows it masked).",
    ),
    Prop(
        "extra_filters",
        "object",
        "update",
        'Extra offer filters, e.g. {"cuda_max_good": {"gte": 12.6}}.',
        "none",
        output="Extra offer filters.",
    ),
    Prop(
        "recommended_disk_space",
        "float",
        "update",
        "Disk space instances get, in GB.",
        "8",
        output="Disk space in GB.",
    ),
    Prop(
        "private",
        "bool",
        "update",
        "Keep the template out of public search.",
        "true",
        output="Whether the template is private.",
    ),
    Prop(
        "desc",
        "str",
        "update",
        "Short description.",
        "none",
        output="Short description.",
    ),
    Prop(
        "readme",
        "str",
        "update",
        "Longer documentation.",
        "none",
        output="Documentation.",
    ),
    Prop(
        "href",
        "str",
        "update",
        "Link to the image's documentation.",
        "none",
        output="Documentation link.",
    ),
    Prop(
        "repo",
        "str",
        "update",
        "Repository of the image, e.g. library/ubuntu.",
        "none",
        output="Image repository.",
    ),
    Prop(
        "adopt_existing",
        "bool",
        "none",
        "Use a template of the same content that exists already instead of failing.",
        "false",
        output="Whether this resource may use an existing template of the same content.",
    ),
)

READINESS_PROPS: tuple[Prop, ...] = (
    Prop(
        "workergroup_id",
        "int",
        "update",
        "Workergroup whose workers to wait for (set this or endpoint_id).",
        "-",
        readable=False,
        output="Workergroup whose workers are awaited.",
    ),
    Prop(
        "endpoint_id",
        "int",
        "update",
        "Endpoint whose workers, in all its groups, to wait for (or workergroup_id).",
        "-",
        readable=False,
        output="Endpoint whose workers are awaited.",
    ),
    Prop(
        "min_ready",
        "int",
        "update",
        "Workers that must be ready: serving (idle, running) or cold with the model loaded "
        "(stopped).",
        "1",
        readable=False,
        output="Workers that must be ready.",
    ),
    Prop(
        "timeout",
        "float",
        "update",
        "Seconds to wait; then up fails, listing the workers and their states.",
        "600",
        readable=False,
        output="Seconds to wait before failing.",
    ),
    Prop(
        "triggers",
        "any",
        "update",
        "Values whose change makes the next up wait again, e.g. a template hash.",
        "none",
        readable=False,
        output="Values whose change makes the next up wait again.",
    ),
    Prop(
        "watched",
        "any",
        "update",
        "The workergroups an endpoint wait depends on and what they run (set for you from "
        "depends_on): when one is replaced or rolled, the next up waits again.",
        "from depends_on",
        readable=False,
        settable=False,
        output="The workergroups an endpoint wait depends on, and what they run.",
    ),
    Prop(
        "endpoint_max_workers",
        "int",
        "none",
        "The endpoint's max_workers, when the program declares it (set for you): a min_ready "
        "above it fails the preview.",
        "from the endpoint",
        readable=False,
        settable=False,
        output="The endpoint's max_workers, if declared.",
    ),
)

ENDPOINT = Table("endpoint", ENDPOINT_PROPS, EndpointRules)
WORKERGROUP = Table("workergroup", WORKERGROUP_PROPS, WorkergroupRules)
TEMPLATE = Table("template", TEMPLATE_PROPS, TemplateRules)
READINESS = Table("readiness", READINESS_PROPS, ReadinessRules)

EndpointInputs = ENDPOINT.model
WorkergroupInputs = WORKERGROUP.model
TemplateInputs = TEMPLATE.model
ReadinessInputs = READINESS.model

# A workergroup update that changes one of these makes Vast replace its workers by itself
# (zero-downtime-worker-update.mdx: updating the group "signals Vast to begin the rolling
# update"; a new search brings workers onto offers it selects): no trigger is sent.
VAST_ROLLS_ON = ("template_hash", "template_id", "launch_args", "search_params")


def to_vast(inputs: dict[str, Any], table: Table) -> dict[str, Any]:
    """The fields to send to Vast: inputs Vast takes as fields (not the provider's own, not
    those Vast ignores), units converted."""
    fields = {k: v for k, v in inputs.items() if k in table.sent_fields}
    if "gpu_ram" in fields:
        fields["gpu_ram"] = fields["gpu_ram"] * GPU_RAM_GB_TO_VAST
    return fields


def from_vast(row: dict[str, Any]) -> dict[str, Any]:
    """Undo ``to_vast``'s unit conversion on a row Vast returned."""
    if row.get("gpu_ram") is not None:
        return {**row, "gpu_ram": row["gpu_ram"] / GPU_RAM_GB_TO_VAST}
    return row
