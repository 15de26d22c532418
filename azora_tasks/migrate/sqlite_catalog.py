"""A SQLite database's structure, hashed: equal hashes mean nothing was added, dropped or altered."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from azora_tasks.database import read_only_uri


def sqlite_catalog(database: Path) -> str | None:
    """SHA-256 of every object's `CREATE` text in `sqlite_master` (Prisma's own table left out); None if unreadable."""
    if not database.is_file():
        return None
    try:
        connection = sqlite3.connect(read_only_uri(database), uri=True, timeout=30)
        try:
            rows = connection.execute(
                "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master"
                " WHERE name NOT LIKE 'sqlite_%' AND tbl_name <> '_prisma_migrations' ORDER BY type, name"
            ).fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()
