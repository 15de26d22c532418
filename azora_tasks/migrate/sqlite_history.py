"""Prisma's `_prisma_migrations` table on SQLite, read and written by Python's `sqlite3`, exactly as Prisma does.

What Prisma's schema engine does on `migrate deploy` (SQLite, through the
libsql driver adapter), and what this module copies byte for byte:

* the table is created with the engine's own DDL (`MIGRATIONS_TABLE_DDL`, the
  same text `node/adapters.cjs` uses; SQLite stores it without `IF NOT EXISTS`);
* one row per applied migration: `id` a lowercase hyphenated UUID v4,
  `checksum` the lowercase hex SHA-256 of `migration.sql`'s text,
  `started_at`/`finished_at` as the adapter writes them
  (`Date.toISOString()` with `Z` → `+00:00`: `2026-11-27T05:53:21.822+00:00`),
  `logs` NULL, `rolled_back_at` NULL, `applied_steps_count` 1;
* a migration whose script fails keeps its row with `finished_at` NULL,
  `applied_steps_count` 0 and the error in `logs`: Prisma then refuses every
  later deploy with P3009 until `prisma migrate resolve`;
* a migration counts as applied when it has a row with `finished_at` set and
  `rolled_back_at` NULL.

Locking: Prisma takes no migration lock on SQLite. Here each apply runs in one
`BEGIN IMMEDIATE` transaction (SQLite's RESERVED lock: other writers, Prisma's
included, wait on the busy timeout), and the "is this database still fresh"
check is made inside that same transaction. Unlike Prisma, the script itself
runs inside the transaction, so a failing script leaves no half-applied
statements behind, only the failed row.
"""

from __future__ import annotations

import datetime
import hashlib
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from azora_tasks.database import read_only_uri
from azora_tasks.paths import NODE_DIR

MIGRATIONS_TABLE = "_prisma_migrations"
# Prisma's schema engine's DDL for its bookkeeping table on SQLite: one file, node/adapters.cjs reads it too.
MIGRATIONS_TABLE_DDL = "\n".join(
    line for line in (NODE_DIR / "sql" / "prisma_migrations.sqlite.sql").read_text(encoding="utf-8").splitlines() if not line.startswith("--")
).strip()
BUSY_TIMEOUT_SECONDS = 30.0


def checksum(sql: str | bytes) -> str:
    """Prisma's migration checksum: lowercase hex SHA-256 of the script's UTF-8 text."""
    return hashlib.sha256(sql.encode("utf-8") if isinstance(sql, str) else sql).hexdigest()


def file_checksum(path: Path) -> str:
    return checksum(path.read_bytes())


def prisma_timestamp(moment: datetime.datetime | None = None) -> str:
    """A timestamp as the libsql adapter stores Prisma's: ISO 8601, milliseconds, `+00:00`."""
    moment = (moment or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


@dataclass(frozen=True)
class Row:
    id: str
    checksum: str
    finished_at: str | None
    migration_name: str
    logs: str | None
    rolled_back_at: str | None
    started_at: str
    applied_steps_count: int

    @property
    def failed(self) -> bool:
        """Prisma's P3009 rule: started, never finished, never rolled back."""
        return self.finished_at is None and self.rolled_back_at is None

    @property
    def applied(self) -> bool:
        return self.finished_at is not None and self.rolled_back_at is None


_COLUMNS = "id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count"


def read_rows(database: Path) -> list[Row] | None:
    """Every `_prisma_migrations` row; None when there is no database file or no table (or it cannot be read)."""
    if not database.is_file():
        return None
    try:
        connection = sqlite3.connect(read_only_uri(database), uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            rows = connection.execute(f'SELECT {_COLUMNS} FROM "{MIGRATIONS_TABLE}"').fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return [Row(*row) for row in rows]


def up_to_date(database: Path, local: Mapping[str, str]) -> bool:
    """Would `prisma migrate deploy` have nothing to do and nothing to complain about? (see `history_up_to_date`)"""
    rows = read_rows(database)
    return rows is not None and history_up_to_date(rows, local)


def history_up_to_date(rows: list[Row], local: Mapping[str, str]) -> bool:
    """`_prisma_migrations` rows (any provider) against the local folders.

    `local` maps every migration folder name to the checksum of its
    migration.sql. True only when each has exactly one applied row with that
    checksum, no row is failed (P3009) and no applied row is unknown locally.
    Anything else is False: Prisma decides.
    """
    if not local:
        return False
    if any(row.failed for row in rows):
        return False
    applied: dict[str, Row] = {}
    for row in rows:
        if not row.applied:
            continue
        if row.migration_name in applied or row.migration_name not in local:
            return False  # applied twice, or applied here but missing locally (diverged)
        applied[row.migration_name] = row
    return set(applied) == set(local) and all(applied[name].checksum == local[name] for name in local)


def _user_objects(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
    return [name for (name,) in rows]


def _fresh(connection: sqlite3.Connection) -> bool:
    objects = _user_objects(connection)
    if not objects:
        return True
    if objects != [MIGRATIONS_TABLE]:
        return False
    return connection.execute(f'SELECT COUNT(*) FROM "{MIGRATIONS_TABLE}"').fetchone()[0] == 0


def is_fresh(database: Path) -> bool:
    """No file, or a database with nothing in it but an empty `_prisma_migrations`."""
    if not database.exists():
        return True
    try:
        connection = sqlite3.connect(read_only_uri(database), uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            return _fresh(connection)
        finally:
            connection.close()
    except sqlite3.Error:
        return False


@dataclass(frozen=True)
class ApplyOutcome:
    status: str  # "applied", "failed", "not fresh"
    message: str = ""
    row: Row | None = None

    @property
    def ok(self) -> bool:
        return self.status == "applied"


def _insert(connection: sqlite3.Connection, row: Row) -> None:
    connection.execute(
        f'INSERT INTO "{MIGRATIONS_TABLE}" ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        (row.id, row.checksum, row.finished_at, row.migration_name, row.logs, row.rolled_back_at, row.started_at, row.applied_steps_count),
    )


def apply_migration(database: Path, name: str, sql: str, *, require_fresh: bool = True) -> ApplyOutcome:
    """Apply one migration script and record it in `_prisma_migrations` as Prisma's engine would.

    With `require_fresh`, nothing happens (status "not fresh") unless the
    database is still empty, checked inside the write transaction. A failing
    script is rolled back and recorded as a failed row (status "failed").
    A `sqlite3.Error` raised from here (busy, unreadable file) means nothing
    was changed.
    """
    # The tool's one SQL splitter, imported here: a no-op run never applies anything.
    from azora_tasks.migrate_lint.sql import parse_script

    database.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(database, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            if require_fresh and not _fresh(connection):
                connection.execute("ROLLBACK")
                return ApplyOutcome("not fresh", "the database is not empty any more")
            connection.execute(MIGRATIONS_TABLE_DDL)
            started = prisma_timestamp()
            try:
                for statement in parse_script(sql).statements:
                    connection.execute(statement.source)
            except sqlite3.Error as error:
                connection.execute("ROLLBACK")
                message = f"{getattr(error, 'sqlite_errorname', None) or 'SQLITE_ERROR'}: {error}"
                return ApplyOutcome("failed", message, _record_failure(connection, name, sql, started, message))
            row = Row(_new_id(), checksum(sql), prisma_timestamp(), name, None, None, started, 1)
            _insert(connection, row)
            connection.execute("COMMIT")
            return ApplyOutcome("applied", row=row)
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()


def _record_failure(connection: sqlite3.Connection, name: str, sql: str, started: str, message: str) -> Row:
    """The row Prisma leaves after a failed script: not finished, not rolled back, the error in `logs`."""
    logs = f'{message}\n   0: azora_tasks::migrate::sqlite_history::apply_migration\n           with migration_name="{name}"\n'
    row = Row(_new_id(), checksum(sql), None, name, logs, None, started, 0)
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute(MIGRATIONS_TABLE_DDL)
        _insert(connection, row)
        connection.execute("COMMIT")
    except sqlite3.Error:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return row


def _new_id() -> str:
    """A row id like Prisma's (a random UUID); `uuid` is imported here, off the start-up path of a no-op run."""
    import uuid

    return str(uuid.uuid4())
