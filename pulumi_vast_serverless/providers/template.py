"""The provider of ``pulumi-python:dynamic/vast:Template``.

Vast addresses templates by content (``hash_id``): a create whose content exists answers
with the existing template, linked to the account. That is what makes creates safe to
repeat: a create whose answer was lost is sent again, and finds the template the first
attempt made. It is also where two stacks can meet: a template of the same content that
existed before this create is taken over only with ``adopt_existing=True``.
"""

from __future__ import annotations

import sys
from typing import Any

from pulumi.dynamic import CreateResult, UpdateResult

from .._types import Row
from ..client import (
    VastAuthError,
    VastClientError,
    VastNotFoundError,
    VastValidationError,
    routes,
    with_hint,
)
from ._base import VastProvider
from ._errors import VastConflictError
from ._properties import TEMPLATE, Failure
from ._values import plain

_OTHERS_USE_IT = "Other Users are still using it"


class TemplateProvider(VastProvider):
    """Creates, reads, edits and deletes a Vast template."""

    kind = "template"
    table = TEMPLATE

    def cross_check(self, present: set[str], known: dict[str, Any]) -> list[Failure]:
        """A template needs a name and an image, and its tag apart from the image."""
        failures = [
            Failure(name, f"{name} is required; {example}")
            for name, example in (
                ("name", "set a name such as 'vllm-qwen3'"),
                ("image", "set the Docker image, e.g. 'vllm/vllm-openai'"),
            )
            if name not in present
        ]
        image = known.get("image")
        repository, tag = split_tag(image) if isinstance(image, str) else (image, None)
        if tag is not None:
            fix = (
                f"set image={repository!r} and tag={tag!r}"
                if "tag" not in present
                else f"set image={repository!r}; the tag goes in tag"
            )
            failures.append(
                Failure(
                    "image",
                    f"image {image!r} names a tag: Vast keeps the tag apart (it would deploy "
                    f"{repository}:{known.get('tag') or 'latest'}); {fix}",
                )
            )
        return failures

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create the template, or use the one of the same content when that is safe."""
        inputs = self.parse(props)
        fields = self.to_vast(inputs)
        # Templates of this name before the create: a linked template among them is one
        # this stack did not make.
        before = {row["id"] for row in self.client.search_templates(name={"eq": inputs["name"]})}
        template, linked = self.client.create_template(**fields)
        template_id = int(template["id"])
        ours = self.creates.claimed(routes.TEMPLATES, template_id)
        earlier = linked and template_id in before and not ours
        if earlier and not inputs.get("adopt_existing"):
            raise VastConflictError(
                f"a template with exactly this content exists already (id {template_id}, "
                f"hash_id {template['hash_id']}) and this stack does not manage it. Set "
                "adopt_existing=True on this Template to use it from this stack, or "
                "change its content (its name, say)."
            )
        self.creates.claim(routes.TEMPLATES, template_id)
        return CreateResult(str(template_id), self.outputs(template, inputs))

    def read_row(self, id_: str, props: dict[str, Any]) -> Row | None:
        """The template as Vast has it now; gone if the account no longer sees it."""
        current = int(plain(props.get("template_id")) or id_) if id_.isdigit() else None
        return self.client.template(current) if current is not None else None

    def missing(self, id_: str) -> str:
        """What a lookup of a template id that does not exist says."""
        return (
            f"no template with id {id_} that this Vast account can see: check the id "
            "passed to Template.get or ResourceOptions(id=...)"
        )

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Edit the template as Vast's own client does: by its current id and hash_id, with
        the whole template (the declared values over what Vast last reported). Its hash_id
        changes, and so does its id when Vast makes an edited copy."""
        inputs = self.parse(news)
        declared = self.to_vast(inputs)
        template_id = int(plain(olds.get("template_id")) or id_)
        if not self.changed_fields(declared, olds):
            row = self.client.template(template_id)
            return UpdateResult(self.outputs(row or {}, inputs, olds))
        content = {**self.reported_content(olds), **declared}
        try:
            template = self.client.update_template(
                template_id, str(plain(olds["hash_id"])), **content
            )
        except (VastValidationError, VastNotFoundError) as exc:
            raise self.explained(exc) from None
        return UpdateResult(self.outputs(template, inputs, olds))

    def reported_content(self, olds: dict[str, Any]) -> dict[str, Any]:
        """The template's content as Vast last reported it (the registry password only
        comes back masked: never sent back)."""
        return {
            prop.name: plain(olds[prop.name])
            for prop in self.props
            if prop.readable
            and prop.change == "update"
            and prop.name not in self.table.provider_only
            and plain(olds.get(prop.name)) is not None
        }

    def explained(self, exc: VastClientError) -> VastClientError:
        """The fix for Vast's refusals of an edit."""
        message = exc.vast_message
        if "Template not found" in message or exc.error_code == "invalid_template":
            hint = "the template was changed or deleted outside Pulumi; run `pulumi refresh`"
        elif "Only the Template Creator" in message:
            hint = (
                "this template was made by another account (adopt_existing linked it): change "
                "its content here to make a template of your own (a new name, say), or edit "
                "it from that account"
            )
        elif "None found for given Hash ID" in message:
            hint = "the template was changed or deleted outside Pulumi; run `pulumi refresh`"
        else:
            return exc
        return with_hint(exc, hint)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Delete the template. One this account may not delete stays, with a warning."""
        template_id = int(plain(props.get("template_id")) or id_)
        try:
            self.client.delete_template(template_id)
        except VastNotFoundError:
            return
        except (VastAuthError, VastValidationError) as exc:
            if isinstance(exc, VastValidationError) and "Invalid Template ID" in str(exc):
                return  # already gone
            if isinstance(exc, VastAuthError) or _OTHERS_USE_IT in exc.vast_message:
                print(
                    f"warning: template {template_id} stays on Vast ({exc.vast_message}); this "
                    "stack no longer manages it",
                    file=sys.stderr,
                    flush=True,
                )
                return
            raise

    def extra_outputs(self, row: Row, inputs: dict[str, Any]) -> dict[str, Any]:
        """The template's content address, its current numeric id and its creator."""
        return {
            "hash_id": row.get("hash_id"),
            "template_id": row.get("id"),
            "creator_id": row.get("creator_id"),
        }


def split_tag(image: str) -> tuple[str, str | None]:
    """``vllm/vllm-openai:v0.6.3`` -> (``vllm/vllm-openai``, ``v0.6.3``); a registry's port
    (``host:5000/image``) is not a tag."""
    name, _, last = image.rpartition("/")
    repository, colon, tag = last.partition(":")
    if not colon or not tag:
        return image, None
    return (f"{name}/{repository}" if name else repository), tag
