"""The fast paths of `migrate`: deciding "nothing to do" and creating a fresh SQLite `init` without a Prisma CLI call.

No-op (SQLite and PostgreSQL): a service has nothing to do when (a) its
schema files, migration folders (names and checksums), `migration_lock.toml`,
database URL and toolchain hash to the fingerprint recorded the last time this
tool established that the migrations produce the schema (an empty `migrate
diff`, or a migration it just created and applied), and (b) the database's
`_prisma_migrations` shows every local migration applied with a matching
checksum and no failed or unknown row — read with `sqlite3` on SQLite, and on
PostgreSQL with `pg` in the migrate worker, every selected database in one go
(`toolchain/migrate_worker.py`'s `MigrateWorker.pg_statuses`, driven by `migrate/batchread.py`); no Prisma
process either way. Anything else falls through to the Prisma path.

Fresh (SQLite): a service without migrations whose database is missing or
empty gets its `init` SQL from Prisma's own schema engine (the WebAssembly
build the CLI runs, loaded once in `node/migrate_worker.cjs`, diffing from
empty to the datamodel as `prisma migrate diff --from-empty` does) and the
migration is applied by `sqlite_history.apply_migration`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from azora_tasks.cache import CacheStore, sha256_bytes, sha256_json
from azora_tasks.database import Target
from azora_tasks.migrate import history
from azora_tasks.migrate.sqlite_history import file_checksum
from azora_tasks.results import ServiceResult

STATE_TASK = "migrate-state"  # .azora-cache/migrate-state/<service>.json: private, never read as a migrate result by the report
STATE_INPUT = "migrations produce the schema"
CATALOG_INPUT = "database catalog"  # hash of the live structure when it matched the migrations (drift check)


def local_checksums(migrations: Path) -> dict[str, str]:
    """Every migration folder's name → checksum of its migration.sql (Prisma's)."""
    return {name: file_checksum(migrations / name / "migration.sql") for name in history.local_migrations(migrations)}


def fingerprint(schema_files: Sequence[Path], migrations: Path, target: Target, toolchain: str, checksums: dict[str, str] | None = None) -> str:
    """Everything `migrate diff --from-migrations … --to-schema-datamodel …` depends on, hashed."""
    lock = migrations / history.LOCK_FILE
    return sha256_json(
        {
            "schema": [[str(path), sha256_bytes(path.read_bytes())] for path in schema_files],
            "migrations": local_checksums(migrations) if checksums is None else checksums,
            "lock": sha256_bytes(lock.read_bytes()) if lock.is_file() else None,
            "database": target.url,
            "provider": target.provider,
            "toolchain": toolchain,
        }
    )


class StateStore:
    """The fingerprint per service, in the content-hash cache; a missing or corrupt entry is a miss."""

    def __init__(self, root: Path) -> None:
        self.store = CacheStore(root)

    def matches(self, service: str, value: str) -> bool:
        entry = self.store.read(STATE_TASK, service)
        return entry is not None and entry["inputs"].get(STATE_INPUT) == value

    def catalog(self, service: str) -> str | None:
        """The database structure's hash recorded when it was known to be exactly what the migrations make."""
        entry = self.store.read(STATE_TASK, service)
        value = entry["inputs"].get(CATALOG_INPUT) if entry is not None else None
        return value if isinstance(value, str) else None

    def record(self, result: ServiceResult, value: str, catalog: str | None = None) -> None:
        inputs = {STATE_INPUT: value}
        if catalog:
            inputs[CATALOG_INPUT] = catalog
        try:
            self.store.write(STATE_TASK, result, inputs, [])
        except OSError:
            pass  # a read-only tree only loses the fast path
