"""Vast's template routes: content-addressed creates, edits by hash, deletes by id, search.

Texts follow the backend-generated files (``auto_*_api_v0_template_*``,
``auto_put_api_v1_template_*``). A template's ``hash_id`` is a digest of its content:
creating content that exists links the existing template to the caller (``success:
false``, "Existing Template Found"); editing changes the hash but not the id, unless other
users share the template, in which case the edit becomes a new template and the original
stays. The v1 edit (what Vast's own client sends) names the template by ``id`` and
``hash_id`` and makes an edited copy for a caller who is not its creator, where the v0 edit
refuses. The v1 file also copies when "active instances reference the original": the
simulator does not (its workers do not pin a template version), so a v1 edit by the
creator edits in place, as v0 does.
"""

from __future__ import annotations

import hashlib
import json
import time

from .._types import Row
from ._filters import matches
from ._requests import TEMPLATE_CONTENT, TemplateContent, given_fields
from ._state import ApiError, Call

TEMPLATE_DEFAULTS: Row = {
    "tag": "latest",
    "runtype": "args",
    "recommended_disk_space": 8.0,
    "private": True,
    "extra_filters": {},
}
MASK = "********"


def search(call: Call) -> Row:
    """GET /template/?select_filters=...: the caller's own templates and public ones."""
    try:
        filters = json.loads(call.query.get("select_filters") or "{}")
        if not isinstance(filters, dict):
            raise ValueError("select_filters must be a JSON object")
    except ValueError as exc:
        raise ApiError(400, f"Malformed select_filters: {exc}", "bad_request") from None
    found = [
        _shown(row)
        for row in _visible(call)
        if all(matches(_shown(row).get(field), cond) for field, cond in filters.items())
    ]
    if not found:
        return {"success": False, "msg": "No templates found"}
    return {"success": True, "templates_found": len(found), "templates": found}


def create(call: Call) -> Row:
    """POST /template/: a new template, or the existing one of the same content, linked."""
    fields = call.fields
    if not str(fields.get("name") or "").strip():
        raise ApiError(400, "Template name is required")
    if not str(fields.get("image") or "").strip():
        raise ApiError(400, "Template image is required")
    content = {**TEMPLATE_DEFAULTS, **fields}
    digest = content_hash(content)
    existing = next((row for row in _visible(call) if row["hash_id"] == digest), None)
    if existing is not None:
        users = sorted({*existing.get("users", []), call.tenant} - {existing["tenant"]})
        call.store.update("templates", existing["tenant"], existing["id"], {"users": users})
        return {
            "success": False,
            "msg": f"Existing Template Found: {existing['id']}. User relationship added.",
            "template": _shown({**existing, "users": users}),
        }
    data = {**content, "hash_id": digest, "creator_id": call.user_id, "users": []}
    new_id = call.store.insert("templates", call.tenant, {**data, "count_created": 0})
    template = call.store.get("templates", call.tenant, new_id)
    assert template is not None
    return {
        "success": True,
        "msg": f"Template Created Successfully! New Template ID: {new_id}",
        "template": _shown(template),
    }


def edit(call: Call) -> Row:
    """PUT /template/: edit the template with this hash_id; only its creator may."""
    allowed = set(TEMPLATE_CONTENT) | {"hash_id", "template", "id", "client_id", "api_key"}
    unexpected = sorted(set(call.body) - allowed)
    if unexpected:
        raise ApiError(400, f"Unexpected Key '{unexpected[0]}' found in Template.")
    nested = call.body.get("template")
    hash_id = call.body.get("hash_id") or (nested or {}).get("hash_id")
    row = next((r for r in _visible(call) if r["hash_id"] == hash_id), None)
    if row is None:
        raise ApiError(400, f"Unable to Update Template. None found for given Hash ID: {hash_id}")
    if row["tenant"] != call.tenant:
        raise ApiError(400, "Only the Template Creator may Update Existing Template.")
    content = {k: v for k, v in row.items() if k in TEMPLATE_CONTENT}
    content.update(given_fields(TemplateContent, call.body))
    digest = content_hash(content)
    if row.get("users"):
        # Others use it: the edit becomes a new template, and theirs stays as it was.
        data = {**content, "hash_id": digest, "creator_id": call.user_id, "users": []}
        template_id = call.store.insert("templates", call.tenant, {**data, "count_created": 0})
    else:
        template_id = row["id"]
        call.store.update("templates", call.tenant, template_id, {**content, "hash_id": digest})
    template = call.store.get("templates", call.tenant, template_id)
    assert template is not None
    return {
        "success": True,
        "hash_id": digest,
        "msg": f"Template {template_id} Updated Successfully",
        "template": _shown(template),
    }


def edit_v1(call: Call) -> Row:
    """PUT /api/v1/template/: edit the template with this id and current hash_id."""
    allowed = set(TEMPLATE_CONTENT) | {"hash_id", "template", "id", "client_id", "api_key"}
    unexpected = sorted(set(call.body) - allowed)
    if unexpected:
        raise ApiError(400, f"Unexpected Key '{unexpected[0]}' found in Template.")
    template_id, hash_id = call.body.get("id"), call.body.get("hash_id")
    if isinstance(template_id, bool) or not isinstance(template_id, int) or not hash_id:
        raise ApiError(400, "Missing hash_id or template id")
    row = next((r for r in _visible(call) if r["id"] == template_id), None)
    if row is None or row["hash_id"] != hash_id:
        raise ApiError(404, "error 404: Template not found", "invalid_template")
    content = {k: v for k, v in row.items() if k in TEMPLATE_CONTENT}
    content.update(given_fields(TemplateContent, call.body))
    digest = content_hash(content)
    if digest == row["hash_id"]:
        return {
            "success": True,
            "hash_id": digest,
            "msg": f"No Edits made for template {template_id}",
            "template": _shown(row),
        }
    if row["tenant"] != call.tenant or row.get("users"):
        data = {**content, "hash_id": digest, "creator_id": call.user_id, "users": []}
        new_id = call.store.insert("templates", call.tenant, {**data, "count_created": 0})
        msg = f"Created an Edited Copy of Template {template_id}. New Template ID: {new_id}"
    else:
        new_id = template_id
        call.store.update("templates", call.tenant, new_id, {**content, "hash_id": digest})
        msg = f"Template {template_id} Updated Successfully"
    template = call.store.get("templates", call.tenant, new_id)
    assert template is not None
    return {"success": True, "hash_id": digest, "msg": msg, "template": _shown(template)}


def delete(call: Call) -> Row:
    """DELETE /template/ {"template_id": N}: only the creator, and not while others use it."""
    template_id = call.body.get("template_id")
    if template_id is None:
        raise ApiError(400, "Invalid Template ID or User ID")
    if isinstance(template_id, bool) or not isinstance(template_id, int):
        raise ApiError(400, "Template ID must be integer")
    row = next((r for r in _visible(call) if r["id"] == template_id), None)
    if row is None:
        raise ApiError(400, "Invalid Template ID or User ID")
    if row["tenant"] != call.tenant:
        raise ApiError(401, "Templates can ONLY be Deleted by their Creator", "auth_error")
    if row.get("users"):
        raise ApiError(400, "Cannot Delete Template. Other Users are still using it.")
    call.store.delete("templates", call.tenant, template_id)
    return {"success": True, "msg": f"Template {template_id} Deleted Successfully"}


def content_hash(content: Row) -> str:
    """Vast's hash_id: a digest of the template's content (md5, as its ids look)."""
    canonical = json.dumps({k: content.get(k) for k in sorted(TEMPLATE_CONTENT)}, sort_keys=True)
    return hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()


def _visible(call: Call) -> list[Row]:
    return [
        row
        for row in call.store.all_rows("templates")
        if not row.get("private")
        or row["tenant"] == call.tenant
        or call.tenant in row.get("users", [])
    ]


def _shown(row: Row) -> Row:
    """A template as Vast answers with it: the registry password masked."""
    shown = {k: v for k, v in row.items() if k not in ("tenant", "users")}
    shown["created_at"] = row.get("created_at", time.time())
    if shown.get("docker_login_pass"):
        shown["docker_login_pass"] = MASK
    return shown
