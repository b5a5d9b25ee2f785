"""What each route reads from a request body, stated as pydantic models.

Field sets follow Vast's backend-generated OpenAPI files route by route: a field a route
does not document is ignored, not applied (``extra="ignore"``), and ``null`` means "not
given" (Vast's own client sends unset fields as null). Values are checked the way Vast's
input patterns do, with Vast's ``invalid_args`` wording.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from .._types import Row
from ..client import offer_query

ENDPOINT_STATES = ("active", "suspended", "stopped")
_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,255}$")


class InvalidArgsError(ValueError):
    """A request Vast refuses with ``400 invalid_args``; the text is Vast's ``msg``."""


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValueError("must be a number") from None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("must be a number")
    return float(value)


def _non_negative(value: Any) -> float:
    number = _number(value)
    if number < 0:
        raise ValueError("must not be negative")
    return number


def _count(value: Any) -> int:
    # Vast's pattern for integers is ^[0-9]+$: 20.0 is not one (a client must send 20).
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be an integer")
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _fraction(value: Any) -> float:
    number = _number(value)
    if not 0 < number <= 1:
        raise ValueError("must be a fraction in (0, 1]")
    return number


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _name(value: Any) -> str:
    if not _NAME.match(_text(value)):
        raise ValueError("must match ^[a-zA-Z0-9_-]+$ (at most 255 characters)")
    return str(value)


def _state(value: Any) -> str:
    if value not in ENDPOINT_STATES:
        raise ValueError(f"must be one of {', '.join(ENDPOINT_STATES)}")
    return str(value)


def _search(value: Any) -> str:
    try:
        offer_query.parse(_text(value))
    except offer_query.OfferQueryError as exc:
        raise ValueError(f"is invalid: {exc}") from None
    return str(value)


Number = Annotated[float, BeforeValidator(_number)]
NonNegative = Annotated[float, BeforeValidator(_non_negative)]
Count = Annotated[int, BeforeValidator(_count)]
Fraction = Annotated[float, BeforeValidator(_fraction)]
Text = Annotated[str, BeforeValidator(_text)]
Name = Annotated[str, BeforeValidator(_name)]
State = Annotated[str, BeforeValidator(_state)]
Search = Annotated[str, BeforeValidator(_search)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class EndpointFields(_Body):
    """POST and PUT /endptjobs/: the same documented fields."""

    endpoint_name: Name | None = None
    min_load: NonNegative | None = None
    min_cold_load: NonNegative | None = None
    target_util: Fraction | None = None
    cold_mult: NonNegative | None = None
    cold_workers: Count | None = None
    max_workers: Count | None = None
    max_queue_time: NonNegative | None = None
    target_queue_time: NonNegative | None = None
    # Negative means "never scale to zero" in Vast's docs.
    inactivity_timeout: Number | None = None
    endpoint_state: State | None = None
    autoscaler_instance: Text | None = None
    overrecruit_ratio: NonNegative | None = None


class _WorkergroupCommon(_Body):
    endpoint_id: Count | None = None
    template_hash: Text | None = None
    template_id: Count | None = None
    search_params: Search | None = None
    launch_args: Text | None = None
    gpu_ram: NonNegative | None = None
    test_workers: Count | None = None
    min_load: NonNegative | None = None
    target_util: Fraction | None = None
    cold_mult: NonNegative | None = None


class WorkergroupCreate(_WorkergroupCommon):
    """POST /workergroups/."""

    endpoint_name: Name | None = None
    cold_workers: Count | None = None
    max_workers: Count | None = None


class AutojobCreate(WorkergroupCreate):
    """POST /autojobs/: also private-image logins, the autoscaler, and min_cold_load."""

    min_cold_load: NonNegative | None = None
    autoscaler_instance: Text | None = None
    docker_login_user: Text | None = None
    docker_login_pass: Text | None = None
    docker_login_repo: Text | None = None


class WorkergroupUpdate(_WorkergroupCommon):
    """PUT /workergroups/{id}/ (no cold_workers, no max_workers)."""

    endpoint_name: Name | None = None


class AutojobUpdate(_WorkergroupCommon):
    """PUT /autojobs/{id}/ (as /workergroups/, without endpoint_name)."""


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("must be a JSON object")
    return value


Flag = Annotated[bool, BeforeValidator(_flag)]
Object = Annotated[dict[str, Any], BeforeValidator(_object)]


class TemplateContent(_Body):
    """POST /template/, and the fields a PUT may change: what a template holds."""

    name: Text | None = None
    image: Text | None = None
    tag: Text | None = None
    env: Text | None = None
    onstart: Text | None = None
    runtype: Text | None = None
    args_str: Text | None = None
    ssh_direct: Flag | None = None
    jup_direct: Flag | None = None
    use_ssh: Flag | None = None
    use_jupyter_lab: Flag | None = None
    jupyter_dir: Text | None = None
    docker_login_repo: Text | None = None
    docker_login_user: Text | None = None
    docker_login_pass: Text | None = None
    extra_filters: Object | None = None
    recommended_disk_space: NonNegative | None = None
    private: Flag | None = None
    desc: Text | None = None
    readme: Text | None = None
    readme_visible: Flag | None = None
    href: Text | None = None
    repo: Text | None = None


TEMPLATE_CONTENT = tuple(TemplateContent.model_fields)


def given_fields(model: type[_Body], body: Row) -> Row:
    """The fields of ``body`` that ``model``'s route reads, checked; raise InvalidArgsError."""
    try:
        parsed = model.model_validate(body)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        reason = str(error["msg"]).removeprefix("Value error, ")
        raise InvalidArgsError(f"{field} {reason}".strip()) from None
    return parsed.model_dump(exclude_none=True)
