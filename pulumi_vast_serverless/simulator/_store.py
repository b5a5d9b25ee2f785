"""The simulator's objects, in SQLite (a file with ``--state``, else in memory)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time

from .._types import Row

_TABLES = ("endpoints", "workergroups", "templates")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (
    key_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS endpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL,
    created_at REAL NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workergroups (
    id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL,
    created_at REAL NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS templates (
    id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL,
    created_at REAL NOT NULL, data TEXT NOT NULL);
"""


def tenant_of(api_key: str) -> str:
    """Return the tenant id of a key; keys themselves are never stored."""
    return hashlib.sha256(api_key.encode()).hexdigest()


class Store:
    """Thread-safe storage of endpoints and workergroups, separated by tenant."""

    def __init__(self, path: str | None = None) -> None:
        self._db = sqlite3.connect(path or ":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def user_id(self, tenant: str) -> int:
        """Return the tenant's user id, assigning the next one on first use."""
        with self._lock, self._db:
            found = self._db.execute(
                "SELECT user_id FROM tenants WHERE key_hash = ?", (tenant,)
            ).fetchone()
            if found:
                return int(found[0])
            next_id = self._db.execute(
                "SELECT COALESCE(MAX(user_id), 100) + 1 FROM tenants"
            ).fetchone()[0]
            self._db.execute("INSERT INTO tenants VALUES (?, ?)", (tenant, next_id))
            return int(next_id)

    def insert(self, table: str, tenant: str, data: Row) -> int:
        """Store a new object and return its id."""
        with self._lock, self._db:
            cursor = self._db.execute(
                f"INSERT INTO {_table(table)} (tenant, created_at, data) VALUES (?, ?, ?)",
                (tenant, time.time(), json.dumps(data)),
            )
            return int(cursor.lastrowid or 0)

    def rows(self, table: str, tenant: str) -> list[Row]:
        """Return the tenant's objects with ``id`` and ``created_at``, oldest first."""
        with self._lock:
            found = self._db.execute(
                f"SELECT id, created_at, data FROM {_table(table)} WHERE tenant = ? ORDER BY id",
                (tenant,),
            ).fetchall()
        return [{"id": i, "created_at": at, **json.loads(data)} for i, at, data in found]

    def get(self, table: str, tenant: str, object_id: int) -> Row | None:
        """Return one of the tenant's objects, or None."""
        with self._lock:
            found = self._db.execute(
                f"SELECT id, created_at, data FROM {_table(table)} WHERE id = ? AND tenant = ?",
                (object_id, tenant),
            ).fetchone()
        if found is None:
            return None
        return {"id": found[0], "created_at": found[1], **json.loads(found[2])}

    def all_rows(self, table: str) -> list[Row]:
        """Every object of ``table`` across tenants, with its ``tenant``."""
        with self._lock:
            found = self._db.execute(
                f"SELECT id, tenant, created_at, data FROM {_table(table)} ORDER BY id"
            ).fetchall()
        return [
            {"id": i, "tenant": t, "created_at": at, **json.loads(data)} for i, t, at, data in found
        ]

    def update(self, table: str, tenant: str, object_id: int, changes: Row) -> bool:
        """Merge ``changes`` into an object; False if the tenant has no such object."""
        with self._lock, self._db:
            found = self._db.execute(
                f"SELECT data FROM {_table(table)} WHERE id = ? AND tenant = ?",
                (object_id, tenant),
            ).fetchone()
            if not found:
                return False
            data = {**json.loads(found[0]), **changes}
            self._db.execute(
                f"UPDATE {_table(table)} SET data = ? WHERE id = ?",
                (json.dumps(data), object_id),
            )
            return True

    def delete(self, table: str, tenant: str, object_id: int) -> bool:
        """Delete an object; False if the tenant has no such object."""
        with self._lock, self._db:
            cursor = self._db.execute(
                f"DELETE FROM {_table(table)} WHERE id = ? AND tenant = ?",
                (object_id, tenant),
            )
            return cursor.rowcount > 0

    def count(self, table: str) -> int:
        """Return how many objects ``table`` holds across every tenant."""
        with self._lock:
            return int(self._db.execute(f"SELECT COUNT(*) FROM {_table(table)}").fetchone()[0])

    def clear(self) -> None:
        """Delete every object of every tenant."""
        with self._lock, self._db:
            for table in _TABLES:
                self._db.execute(f"DELETE FROM {table}")


def _table(name: str) -> str:
    if name not in _TABLES:
        raise ValueError(f"unknown table {name!r}")
    return name
