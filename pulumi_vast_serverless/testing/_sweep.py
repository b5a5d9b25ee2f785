"""Deleting what an acceptance run left behind, by name prefix (Terraform's sweepers)."""

from __future__ import annotations

import contextlib

from ..client import VastClient, VastNotFoundError


def sweep(client: VastClient, prefix: str) -> list[str]:
    """Delete every endpoint whose name starts with ``prefix``, and its workergroups.

    Returns what it deleted, as ``"endpoint 12 (name)"`` / ``"workergroup 34"`` lines. Run
    it after an acceptance run, whatever its outcome: objects a failed step left behind
    must not keep recruiting.
    """
    if not prefix.strip():
        raise ValueError("sweep needs a non-empty prefix: it deletes everything that matches")
    doomed = {
        int(row["id"]): str(row["endpoint_name"])
        for row in client.list_endpoints(fresh=True)
        if str(row.get("endpoint_name", "")).startswith(prefix)
    }
    deleted = []
    for group in client.list_workergroups(fresh=True):
        if group.get("endpoint_id") in doomed:
            with contextlib.suppress(VastNotFoundError):
                client.delete_workergroup(int(group["id"]))
                deleted.append(f"workergroup {group['id']}")
    for endpoint_id, name in doomed.items():
        with contextlib.suppress(VastNotFoundError):
            client.delete_endpoint(endpoint_id)
            deleted.append(f"endpoint {endpoint_id} ({name})")
    return deleted
