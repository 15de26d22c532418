"""SQL from a migrations folder (or from nothing) to a schema, without a Prisma CLI process.

`diff_to_schema` is what `prisma migrate diff --from-migrations <folder>
--to-schema-datamodel <schema> --script` prints, computed by Prisma's own
WebAssembly schema engine in the run's one migrate worker: on SQLite the
folder is replayed into an in-memory database, on PostgreSQL into a shadow
database on the target's server that the worker creates and always drops.
Reusable by any task that needs "what migration would this schema need?"
(`migrate`, `migrate --status`, a `--check` that must not write anything).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from azora_tasks.database import Target
from azora_tasks.migrate import history
from azora_tasks.migrate.engine import EMPTY_MIGRATION
from azora_tasks.toolchain.migrate_worker import MigrateWorker

FAST_PROVIDERS = ("sqlite", "postgresql")  # the providers the WebAssembly engine has connectors for


def diff_to_schema(worker: MigrateWorker, target: Target, schema_files: Sequence[Path], migrations: Path | None) -> str:
    """The migration the schema still needs after `migrations` (None or an empty folder: from empty); "" when none.

    Raises `WorkerError` (the worker is unusable) or `EngineError` (the schema
    is invalid, the server refused, ...): callers fall back or report it.
    """
    if target.provider not in FAST_PROVIDERS:
        raise ValueError(f"no WebAssembly schema engine for {target.provider}")
    files = [(str(path), path.read_text(encoding="utf-8")) for path in schema_files]
    folder = migrations if migrations is not None and history.local_migrations(migrations) else None
    sql = worker.diff(target.provider, files, url=target.url if target.provider == "postgresql" else None, migrations=folder)
    return "" if is_empty(sql) else sql


def is_empty(sql: str) -> bool:
    return not sql.strip() or sql.strip() == EMPTY_MIGRATION
