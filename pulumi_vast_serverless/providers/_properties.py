"""The inputs of each resource: their types, how a change is applied, and validation.

This table drives ``check`` and ``diff`` and is what the README's property reference
documents. "update" means Vast's PUT changes the value in place; "replace" means the
object is created again (the new one first, then the old one deleted); "ignored" marks an
input Vast's web server accepts but its engine never reads (kept so old programs load:
never sent, never compared, never drift); "none" marks a
setting of the provider itself, never sent to Vast. A property that is not ``readable``
is one Vast accepts but never shows in its rows: its value is the one last sent, it is
not refreshed, and it cannot drift.
"""

# No `from __future__ import annotations` here: pydantic would turn every string
# annotation of the input models back into a type (a compile each) in the provider's start.

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..client import _offer_query
from ..client._reading import Kind, UnreadableError, read_value

Change = Literal["update", "replace", "none", "ignored"]

# Vast's workergroup guide and OpenAPI files take gpu_ram in GB (the API overview says MB,
# contradicted by both). Users give GB; this is the one place a conversion would go.
GPU_RAM_GB_TO_VAST = 1
# No GPU has 2 TB of memory: a larger gpu_ram is a value in MB.
MAX_GPU_RAM_GB = 2048


@dataclass(frozen=True)
class Prop:
    """One input: its name, wire type, how a change applies, and a one-line doc."""

    name: str
    kind: Literal["str", "int", "float", "bool", "object"]
    change: Change
    doc: str
    default: str = "Vast's default"
    readable: bool = True
    #: False for an input the provider keeps to itself (compared, never sent to Vast).
    sent: bool = True


ENDPOINT_PROPS: tuple[Prop, ...] = (
    Prop(
        "endpoint_name",
        "str",
        "update",
        "Name of the endpoint; letters, digits, _ and -. Unique in the account.",
        "required",
    ),
    Prop("min_load", "float", "update", "Minimum load (perf units/s, e.g. tokens/s) to serve."),
    Prop("min_cold_load", "float", "update", "Load to keep cold (stopped) capacity for."),
    Prop("target_util", "float", "update", "Target utilisation, a fraction in (0, 1]."),
    Prop("cold_mult", "float", "update", "Cold capacity as a multiple of hot capacity."),
    Prop("cold_workers", "int", "update", "Workers kept cold when there is no load."),
    Prop("max_workers", "int", "update", "Maximum number of workers."),
    Prop("max_queue_time", "float", "update", "Maximum queue time in seconds."),
    Prop(
        "target_queue_time",
        "float",
        "update",
        "Target queue time in seconds; at most max_queue_time.",
    ),
    Prop(
        "inactivity_timeout",
        "int",
        "update",
        "Seconds without requests before the endpoint may scale to zero (Vast's scaling "
        "guide; its backend file: may be suspended); 0 disables, negative never.",
    ),
    Prop(
        "endpoint_state",
        "str",
        "update",
        "active, suspended or stopped (also the state it is created in).",
        "active",
    ),
    Prop(
        "overrecruit_ratio",
        "float",
        "update",
        "Ratio by which to over-recruit workers to absorb traffic spikes.",
        readable=False,
    ),
    Prop(
        "autoscaler_instance",
        "str",
        "update",
        "Autoscaler deployment to attach to (Vast's own client sends prod).",
        readable=False,
    ),
    Prop(
        "adopt_existing",
        "bool",
        "none",
        "Take over an existing endpoint of the same name instead of failing.",
        "false",
    ),
    Prop(
        "allow_cascade_delete",
        "bool",
        "none",
        "Let destroy delete this endpoint while workergroups this stack does not manage "
        "serve it (Vast deletes them with it); false refuses, naming them.",
        "false",
    ),
)

_IGNORED = "Ignored by Vast's engine: set {} on the Endpoint."

WORKERGROUP_PROPS: tuple[Prop, ...] = (
    Prop(
        "endpoint_id",
        "int",
        "replace",
        "Id of the endpoint to serve, e.g. my_endpoint.id (or endpoint_name).",
        "one of the two",
    ),
    Prop(
        "endpoint_name",
        "str",
        "replace",
        "Name of an existing endpoint to serve (or endpoint_id).",
        "one of the two",
    ),
    Prop("template_hash", "str", "update", "Hash of the template workers run.", "one of the three"),
    Prop("template_id", "int", "update", "Id of the template workers run.", "one of the three"),
    Prop(
        "search_params",
        "str",
        "update",
        "Offer search query in Vast's language, e.g. gpu_name=RTX_4090 num_gpus=1.",
        "one of the three",
    ),
    Prop(
        "default_offer_filters",
        "bool",
        "update",
        "Add verified=True rentable=True rented=False to the search (keys you set win), "
        "as Vast's own client does.",
        "true",
    ),
    Prop(
        "max_hourly_price",
        "float",
        "update",
        "Most one worker may cost, USD per hour (GPU and disk): adds dph_total<=X to the "
        "search, so Vast recruits no dearer offer.",
        "none",
    ),
    Prop("launch_args", "str", "update", "Extra launch arguments (stored as a secret).", "empty"),
    Prop(
        "gpu_ram",
        "float",
        "update",
        "GPU memory the model needs, in GB; Vast uses it to estimate bandwidth, it does not "
        "choose machines (put gpu_ram>=N in search_params for that).",
    ),
    Prop(
        "template_revision",
        "str",
        "update",
        "Content hash of the template template_id names; a change rolls the workers (set "
        "for you when template_id is a Template's template_id).",
        "none",
        readable=False,
        sent=False,
    ),
    Prop(
        "rolling_update",
        "bool",
        "none",
        "false: ask Vast to cancel the roll it starts when what workers run changes; true: "
        "also roll when a Template named by template_id changes (Vast does not see it).",
        "true",
    ),
    Prop("min_load", "float", "ignored", _IGNORED.format("min_load"), "-"),
    Prop("target_util", "float", "ignored", _IGNORED.format("target_util"), "-"),
    Prop("cold_mult", "float", "ignored", _IGNORED.format("cold_mult"), "-"),
    Prop("cold_workers", "int", "ignored", _IGNORED.format("cold_workers"), "-"),
    Prop(
        "test_workers",
        "int",
        "ignored",
        "Ignored by Vast's engine (not in its autoscaler).",
        "-",
        readable=False,
    ),
    Prop(
        "max_workers",
        "int",
        "ignored",
        "Ignored by Vast's engine: only the Endpoint's max_workers caps workers (all groups).",
        "-",
        readable=False,
    ),
    Prop(
        "adopt_existing",
        "bool",
        "none",
        "Take over an existing group on the same endpoint that runs and recruits the same "
        "(left behind by an interrupted up) instead of failing.",
        "false",
    ),
)

TEMPLATE_PROPS: tuple[Prop, ...] = (
    Prop("name", "str", "update", "Name of the template.", "required"),
    Prop("image", "str", "update", "Docker image, e.g. vllm/vllm-openai.", "required"),
    Prop("tag", "str", "update", "Image tag; a new tag is a new release.", "latest"),
    Prop(
        "env",
        "str",
        "update",
        "Docker flags for env vars and ports, e.g. -e MODEL=x -p 8000:8000 (a secret).",
        "none",
    ),
    Prop("onstart", "str", "update", "Commands run when an instance starts.", "none"),
    Prop("runtype", "str", "update", "Launch mode: args, ssh or jupyter.", "args"),
    Prop("args_str", "str", "update", "Arguments to the entrypoint when runtype is args.", "none"),
    Prop("ssh_direct", "bool", "update", "Direct SSH connections.", "Vast's default"),
    Prop("jup_direct", "bool", "update", "Direct Jupyter connections.", "Vast's default"),
    Prop("use_ssh", "bool", "update", "SSH access to instances.", "Vast's default"),
    Prop("use_jupyter_lab", "bool", "update", "JupyterLab instead of Notebook.", "Vast's default"),
    Prop("jupyter_dir", "str", "update", "Directory Jupyter starts in.", "none"),
    Prop("docker_login_repo", "str", "update", "Private registry, e.g. docker.io.", "none"),
    Prop("docker_login_user", "str", "update", "User of the private registry.", "none"),
    Prop(
        "docker_login_pass",
        "str",
        "update",
        "Password or token of the private registry (a secret; Vast shows it masked).",
        "none",
        readable=False,
    ),
    Prop(
        "extra_filters",
        "object",
        "update",
        'Extra offer filters, e.g. {"cuda_max_good": {"gte": 12.6}}.',
        "none",
    ),
    Prop("recommended_disk_space", "float", "update", "Disk space instances get, in GB.", "8"),
    Prop("private", "bool", "update", "Keep the template out of public search.", "true"),
    Prop("desc", "str", "update", "Short description.", "none"),
    Prop("readme", "str", "update", "Longer documentation.", "none"),
    Prop("href", "str", "update", "Link to the image's documentation.", "none"),
    Prop("repo", "str", "update", "Repository of the image, e.g. library/ubuntu.", "none"),
    Prop(
        "adopt_existing",
        "bool",
        "none",
        "Use a template of the same content that exists already instead of failing.",
        "false",
    ),
)

# Inputs that steer the provider and are never sent to Vast as they are.
PROVIDER_ONLY = frozenset(
    {
        "adopt_existing",
        "allow_cascade_delete",
        "default_offer_filters",
        "max_hourly_price",
        "rolling_update",
    }
)
# A workergroup update that changes one of these makes Vast replace its workers by itself
# (zero-downtime-worker-update.mdx: updating the group "signals Vast to begin the rolling
# update"; a new search brings workers onto offers it selects): no trigger is sent.
VAST_ROLLS_ON = ("template_hash", "template_id", "launch_args", "search_params")
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
ENDPOINT_STATES = ("active", "suspended", "stopped")


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be a number")
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return float(value)


def _non_negative(value: Any) -> float:
    number = _number(value)
    if number < 0:
        raise ValueError("must be zero or more")
    return number


def _whole(value: Any, *, allow_negative: bool = False) -> int:
    # The engine sends every number as a float (protobuf), so 5.0 is a valid integer.
    number = _number(value)
    if not number.is_integer():
        raise ValueError("must be a whole number")
    if number < 0 and not allow_negative:
        raise ValueError("must be zero or more")
    return int(number)


def _fraction(value: Any) -> float:
    number = _number(value)
    if not 0 < number <= 1:
        raise ValueError("must be in (0, 1]")
    return number


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


class _Inputs(BaseModel):
    """Validators shared by both resources, keyed by field name."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @field_validator(
        "min_load", "min_cold_load", "cold_mult", "max_queue_time", "target_queue_time",
        "overrecruit_ratio", mode="before", check_fields=False,
    )  # fmt: skip
    @classmethod
    def _non_negative(cls, value: Any) -> float:
        return _non_negative(value)

    @field_validator("target_util", mode="before", check_fields=False)
    @classmethod
    def _fraction(cls, value: Any) -> float:
        return _fraction(value)

    @field_validator(
        "cold_workers", "max_workers", "test_workers", "template_id",
        mode="before", check_fields=False,
    )  # fmt: skip
    @classmethod
    def _count(cls, value: Any) -> int:
        return _whole(value)

    @field_validator(
        "adopt_existing", "allow_cascade_delete", "default_offer_filters", "rolling_update",
        mode="before", check_fields=False,
    )  # fmt: skip
    @classmethod
    def _flag(cls, value: Any) -> bool:
        return _flag(value)


class EndpointInputs(_Inputs):
    """Validated endpoint inputs; None means "not set, leave it to Vast"."""

    endpoint_name: str | None = None
    min_load: float | None = None
    min_cold_load: float | None = None
    target_util: float | None = None
    cold_mult: float | None = None
    cold_workers: int | None = None
    max_workers: int | None = None
    max_queue_time: float | None = None
    target_queue_time: float | None = None
    inactivity_timeout: int | None = None
    endpoint_state: str | None = None
    overrecruit_ratio: float | None = None
    autoscaler_instance: str | None = None
    adopt_existing: bool | None = None
    allow_cascade_delete: bool | None = None

    @field_validator("endpoint_name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> str:
        text = _text(value)
        if not _NAME.match(text):
            raise ValueError("must be 1-255 letters, digits, '_' or '-'")
        return text

    @field_validator("inactivity_timeout", mode="before")
    @classmethod
    def _timeout(cls, value: Any) -> int:
        return _whole(value, allow_negative=True)

    @field_validator("endpoint_state", mode="before")
    @classmethod
    def _state(cls, value: Any) -> str:
        if value not in ENDPOINT_STATES:
            raise ValueError(f"must be one of {', '.join(ENDPOINT_STATES)}")
        return str(value)

    @field_validator("autoscaler_instance", mode="before")
    @classmethod
    def _instance(cls, value: Any) -> str:
        if not _text(value).strip():
            raise ValueError("must not be empty; leave it unset instead")
        return str(value)


class WorkergroupInputs(_Inputs):
    """Validated workergroup inputs; None means "not set, leave it to Vast"."""

    endpoint_id: int | None = None
    endpoint_name: str | None = None
    template_hash: str | None = None
    template_id: int | None = None
    search_params: str | None = None
    default_offer_filters: bool | None = None
    launch_args: str | None = None
    gpu_ram: float | None = None
    test_workers: int | None = None
    cold_workers: int | None = None
    max_workers: int | None = None
    min_load: float | None = None
    target_util: float | None = None
    cold_mult: float | None = None
    rolling_update: bool | None = None
    adopt_existing: bool | None = None
    template_revision: str | None = None
    max_hourly_price: float | None = None

    @field_validator("max_hourly_price", mode="before")
    @classmethod
    def _price(cls, value: Any) -> float:
        number = _number(value)
        if number <= 0:
            raise ValueError("must be a price in USD per hour above 0, e.g. 1.5")
        return number

    @field_validator("gpu_ram", mode="before")
    @classmethod
    def _gpu_ram(cls, value: Any) -> float:
        number = _non_negative(value)
        if number > MAX_GPU_RAM_GB:
            raise ValueError(
                f"looks like MB; gpu_ram is in GB (e.g. 24 for a 24 GB card, 80 for 80 GB); "
                f"at most {MAX_GPU_RAM_GB}"
            )
        return number

    @field_validator("template_revision", mode="before")
    @classmethod
    def _revision(cls, value: Any) -> str:
        return _text(value)

    @field_validator("endpoint_id", mode="before")
    @classmethod
    def _endpoint_id(cls, value: Any) -> int:
        # Endpoint.id is a string output; users pass it straight through.
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        if isinstance(value, str):
            raise ValueError(
                "is an endpoint's id, a number such as my_endpoint.id; to name an endpoint, "
                f"pass endpoint_name={value!r} instead"
            )
        return _whole(value)

    @field_validator("endpoint_name", "launch_args", mode="before")
    @classmethod
    def _string(cls, value: Any) -> str:
        return _text(value)

    @field_validator("template_hash", mode="before")
    @classmethod
    def _filled(cls, value: Any) -> str:
        if not _text(value).strip():
            raise ValueError("must not be empty; leave it unset instead")
        return str(value)

    @field_validator("search_params", mode="before")
    @classmethod
    def _query(cls, value: Any) -> str:
        if not _text(value).strip():
            raise ValueError("must not be empty; leave it unset instead")
        try:
            query = _offer_query.parse(value)
        except _offer_query.OfferQueryError as exc:
            raise ValueError(f"is not a Vast offer query: {exc}") from None
        if not query:
            raise ValueError("selects every offer (it sets no field); name at least one")
        return str(value)


RUNTYPES = ("args", "ssh", "jupyter")


class TemplateInputs(_Inputs):
    """Validated template inputs; None means "not set, leave it to Vast"."""

    name: str | None = None
    image: str | None = None
    tag: str | None = None
    env: str | None = None
    onstart: str | None = None
    runtype: str | None = None
    args_str: str | None = None
    ssh_direct: bool | None = None
    jup_direct: bool | None = None
    use_ssh: bool | None = None
    use_jupyter_lab: bool | None = None
    jupyter_dir: str | None = None
    docker_login_repo: str | None = None
    docker_login_user: str | None = None
    docker_login_pass: str | None = None
    extra_filters: dict[str, Any] | None = None
    recommended_disk_space: float | None = None
    private: bool | None = None
    desc: str | None = None
    readme: str | None = None
    href: str | None = None
    repo: str | None = None
    adopt_existing: bool | None = None

    @field_validator("name", "image", mode="before")
    @classmethod
    def _required_text(cls, value: Any) -> str:
        if not _text(value).strip():
            raise ValueError("must not be empty")
        return str(value)

    @field_validator(
        "tag", "env", "onstart", "args_str", "jupyter_dir", "docker_login_repo",
        "docker_login_user", "docker_login_pass", "desc", "readme", "href", "repo",
        mode="before",
    )  # fmt: skip
    @classmethod
    def _text(cls, value: Any) -> str:
        return _text(value)

    @field_validator(
        "ssh_direct", "jup_direct", "use_ssh", "use_jupyter_lab", "private", mode="before"
    )
    @classmethod
    def _switch(cls, value: Any) -> bool:
        return _flag(value)

    @field_validator("runtype", mode="before")
    @classmethod
    def _runtype(cls, value: Any) -> str:
        if value not in RUNTYPES:
            raise ValueError(f"must be one of {', '.join(RUNTYPES)}")
        return str(value)

    @field_validator("recommended_disk_space", mode="before")
    @classmethod
    def _disk(cls, value: Any) -> float:
        return _non_negative(value)

    @field_validator("extra_filters", mode="before")
    @classmethod
    def _filters(cls, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValueError('must be an object such as {"cuda_max_good": {"gte": 12.6}}')
        try:
            _offer_query.check_stored(value)
        except _offer_query.OfferQueryError as exc:
            raise ValueError(f"is not a Vast offer filter: {exc}") from None
        return dict(value)


class ReadinessInputs(_Inputs):
    """Validated inputs of a readiness wait."""

    workergroup_id: int | None = None
    endpoint_id: int | None = None
    min_ready: int | None = None
    timeout: float | None = None
    triggers: Any = None
    watched: Any = None
    endpoint_max_workers: int | None = None

    @field_validator("endpoint_max_workers", mode="before")
    @classmethod
    def _cap(cls, value: Any) -> int:
        return _whole(value)

    @field_validator("workergroup_id", "endpoint_id", "min_ready", mode="before")
    @classmethod
    def _positive(cls, value: Any) -> int:
        # Resource ids are string outputs; users pass them straight through.
        number = int(value) if isinstance(value, str) and value.strip().isdigit() else _whole(value)
        if number < 1:
            raise ValueError("must be 1 or more")
        return number

    @field_validator("timeout", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> float:
        number = _number(value)
        if number <= 0:
            raise ValueError("must be a number of seconds above 0")
        return number


def to_vast(inputs: dict[str, Any], props: tuple[Prop, ...]) -> dict[str, Any]:
    """The fields to send to Vast: inputs Vast takes (not the provider's own, not those
    Vast ignores), units converted."""
    sent = {p.name for p in props if p.sent and p.change in ("update", "replace")}
    fields = {k: v for k, v in inputs.items() if k in sent and k not in PROVIDER_ONLY}
    if "gpu_ram" in fields:
        fields["gpu_ram"] = fields["gpu_ram"] * GPU_RAM_GB_TO_VAST
    return fields


def from_vast(row: dict[str, Any]) -> dict[str, Any]:
    """Undo ``to_vast``'s unit conversion on a row Vast returned."""
    if row.get("gpu_ram") is not None:
        return {**row, "gpu_ram": row["gpu_ram"] / GPU_RAM_GB_TO_VAST}
    return row


_READ_AS: dict[str, Kind] = {
    "str": "text", "int": "int", "float": "number", "bool": "flag", "object": "object",
}  # fmt: skip


def stored_value(prop: Prop, value: Any) -> Any:
    """A value from the state, read as ``prop``'s kind (a number an earlier release or an
    odd answer left there as text becomes the number); what cannot be read stays as it is,
    for validation to name."""
    try:
        read, _ = read_value(_READ_AS[prop.kind], value, prop.name)
    except UnreadableError:
        return value
    return read


@dataclass(frozen=True)
class Failure:
    """A validation failure: the property and the fix, as ``check`` reports it."""

    prop: str
    reason: str


def _text_number_hint(message: str, got: Any) -> str:
    """A number given as text is most often a stack config value read with ``get``."""
    if not (isinstance(got, str) and message.startswith("must be a")):
        return ""
    try:
        float(got)
    except ValueError:
        return ""
    return (
        " (text, not a number: stack config values are text; read this one with "
        "config.get_int / config.get_float, or require_int / require_float)"
    )


def validate(model: type[_Inputs], known: dict[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
    """Validate the known input values; return them normalised, and the failures."""
    try:
        parsed = model.model_validate(known)
    except ValidationError as exc:
        failures = []
        for error in exc.errors():
            prop = str(error["loc"][0]) if error["loc"] else ""
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "is not an input of this resource"
            got = known.get(prop, error.get("input"))
            text = f"{prop} {message}; got {got!r}" if prop else message
            failures.append(Failure(prop, text + _text_number_hint(message, got)))
        return {}, failures
    return parsed.model_dump(exclude_none=True), []
