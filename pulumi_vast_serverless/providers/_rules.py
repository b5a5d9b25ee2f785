"""What each input must be: the validators of every resource's table, by field name.

Each resource's validation model is built from its table (``_table.Table.model``) on top
of its rules class here; a validator applies to the fields of its name that the table has
(``check_fields=False``). ``validate`` turns pydantic's errors into one line per
property, naming the fix.
"""

# No `from __future__ import annotations` here: pydantic would turn every string
# annotation back into a type (a compile each) in the provider's start.

import math
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..client import AnswerKind, UnreadableError, offer_query, read_value
from ._table import Prop

# No GPU has 2 TB of memory: a larger gpu_ram is a value in MB.
MAX_GPU_RAM_GB = 2048
ENDPOINT_STATES = ("active", "suspended", "stopped")

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


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
    """Validators every resource shares, keyed by field name; the base of each rules class."""

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


class EndpointRules(_Inputs):
    """What an endpoint's inputs must be."""

    @field_validator("endpoint_name", mode="before", check_fields=False)
    @classmethod
    def _name(cls, value: Any) -> str:
        text = _text(value)
        if not _NAME.match(text):
            raise ValueError("must be 1-255 letters, digits, '_' or '-'")
        return text

    @field_validator("inactivity_timeout", mode="before", check_fields=False)
    @classmethod
    def _timeout(cls, value: Any) -> int:
        return _whole(value, allow_negative=True)

    @field_validator("endpoint_state", mode="before", check_fields=False)
    @classmethod
    def _state(cls, value: Any) -> str:
        if value not in ENDPOINT_STATES:
            raise ValueError(f"must be one of {', '.join(ENDPOINT_STATES)}")
        return str(value)

    @field_validator("autoscaler_instance", mode="before", check_fields=False)
    @classmethod
    def _instance(cls, value: Any) -> str:
        if not _text(value).strip():
            raise ValueError("must not be empty; leave it unset instead")
        return str(value)


class WorkergroupRules(_Inputs):
    """What a workergroup's inputs must be."""

    @field_validator("max_hourly_price", mode="before", check_fields=False)
    @classmethod
    def _price(cls, value: Any) -> float:
        number = _number(value)
        if number <= 0:
            raise ValueError("must be a price in USD per hour above 0, e.g. 1.5")
        return number

    @field_validator("gpu_ram", mode="before", check_fields=False)
    @classmethod
    def _gpu_ram(cls, value: Any) -> float:
        number = _non_negative(value)
        if number > MAX_GPU_RAM_GB:
            raise ValueError(
                f"looks like MB; gpu_ram is in GB (e.g. 24 for a 24 GB card, 80 for 80 GB); "
                f"at most {MAX_GPU_RAM_GB}"
            )
        return number

    @field_validator("template_revision", mode="before", check_fields=False)
    @classmethod
    def _revision(cls, value: Any) -> str:
        return _text(value)

    @field_validator("endpoint_id", mode="before", check_fields=False)
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

    @field_validator("endpoint_name", "launch_args", mode="before", check_fields=False)
    @classmethod
    def _string(cls, value: Any) -> str:
        return _text(value)

    @field_validator("template_hash", mode="before", check_fields=False)
    @classmethod
    def _filled(cls, value: Any) -> str:
        if not _text(value).strip():
            raise ValueError("must not be empty; leave it unset instead")
        return str(value)

    @field_validator("search_params", mode="before", check_fields=False)
    @classmethod
    def _query(cls, value: Any) -> str:
        if not _text(value).strip():
            raise ValueError("must not be empty; leave it unset instead")
        try:
            query = offer_query.parse(value)
        except offer_query.OfferQueryError as exc:
            raise ValueError(f"is not a Vast offer query: {exc}") from None
        if not query:
            raise ValueError("selects every offer (it sets no field); name at least one")
        return str(value)


RUNTYPES = ("args", "ssh", "jupyter")


class TemplateRules(_Inputs):
    """What a template's inputs must be."""

    @field_validator("name", "image", mode="before", check_fields=False)
    @classmethod
    def _required_text(cls, value: Any) -> str:
        if not _text(value).strip():
            raise ValueError("must not be empty")
        return str(value)

    @field_validator(
        "tag", "env", "onstart", "args_str", "jupyter_dir", "docker_login_repo",
        "docker_login_user", "docker_login_pass", "desc", "readme", "href", "repo",
        mode="before", check_fields=False,
    )  # fmt: skip
    @classmethod
    def _text(cls, value: Any) -> str:
        return _text(value)

    @field_validator(
        "ssh_direct",
        "jup_direct",
        "use_ssh",
        "use_jupyter_lab",
        "private",
        mode="before",
        check_fields=False,
    )
    @classmethod
    def _switch(cls, value: Any) -> bool:
        return _flag(value)

    @field_validator("runtype", mode="before", check_fields=False)
    @classmethod
    def _runtype(cls, value: Any) -> str:
        if value not in RUNTYPES:
            raise ValueError(f"must be one of {', '.join(RUNTYPES)}")
        return str(value)

    @field_validator("recommended_disk_space", mode="before", check_fields=False)
    @classmethod
    def _disk(cls, value: Any) -> float:
        return _non_negative(value)

    @field_validator("extra_filters", mode="before", check_fields=False)
    @classmethod
    def _filters(cls, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValueError('must be an object such as {"cuda_max_good": {"gte": 12.6}}')
        try:
            offer_query.check_stored(value)
        except offer_query.OfferQueryError as exc:
            raise ValueError(f"is not a Vast offer filter: {exc}") from None
        return dict(value)


class ReadinessRules(_Inputs):
    """What a readiness wait's inputs must be."""

    @field_validator("endpoint_max_workers", mode="before", check_fields=False)
    @classmethod
    def _cap(cls, value: Any) -> int:
        return _whole(value)

    @field_validator(
        "workergroup_id", "endpoint_id", "min_ready", mode="before", check_fields=False
    )
    @classmethod
    def _positive(cls, value: Any) -> int:
        # Resource ids are string outputs; users pass them straight through.
        number = int(value) if isinstance(value, str) and value.strip().isdigit() else _whole(value)
        if number < 1:
            raise ValueError("must be 1 or more")
        return number

    @field_validator("timeout", mode="before", check_fields=False)
    @classmethod
    def _seconds(cls, value: Any) -> float:
        number = _number(value)
        if number <= 0:
            raise ValueError("must be a number of seconds above 0")
        return number


# How a state value of each kind is read back (``any`` is taken as it is).
_READ_AS: dict[str, AnswerKind] = {
    "str": "text", "int": "int", "float": "number", "bool": "flag", "object": "object",
}  # fmt: skip


def stored_value(prop: Prop, value: Any) -> Any:
    """A value from the state, read as ``prop``'s kind (a number an earlier release or an
    odd answer left there as text becomes the number); what cannot be read stays as it is,
    for validation to name."""
    if prop.kind not in _READ_AS:
        return value
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


def validate(model: type[BaseModel], known: dict[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
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
