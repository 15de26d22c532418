"""`migrate` on Prisma 7 services: the schema-engine worker only, never the 7 CLI.

The 7.10 CLI's `migrate` needs the native schema engine (not downloadable
offline) and has no `engine: "js"` config, so a Prisma 7 service is migrated
by the tool's own worker loading the 7 CLI's `build/schema_engine_bg.wasm`
(node/migrate_worker.cjs): the same diff, `_prisma_migrations` rows and
status as the 6 fast paths. What the worker cannot do (MySQL, `--engine
prisma`, `--reset`, multi-file schemas) fails with a message saying why and
what to run instead, rather than silently falling back to Prisma 6's CLI.
"""

from __future__ import annotations

from pathlib import Path

from azora_tasks.manifest import Service
from azora_tasks.migrate import history, sqlite_history
from azora_tasks.migrate.fastpath import PgApply
from azora_tasks.migrate.sqlite_catalog import sqlite_catalog
from azora_tasks.prisma import PrismaError
from azora_tasks.toolchain import Toolchain, ToolchainResolver

WORKER_PROVIDERS = ("sqlite", "postgresql")  # the connectors the 7.10 WebAssembly engine has
NATIVE_HINT = "`prisma migrate deploy` with the service's prisma.config and a native schema engine (PRISMA_SCHEMA_ENGINE_BINARY)"


class Sqlite7Failure(Exception):
    """A migration failed on SQLite (recorded like Prisma), or a failed row blocks the service."""

    def __init__(self, code: str, name: str, message: str) -> None:
        super().__init__(message)
        self.code, self.name, self.message = code, name, message


def toolchain_for(resolver: ToolchainResolver, service: Service) -> Toolchain | str:
    """The service's toolchain, or the resolution error's text (a Prisma 8 pin, a missing alias)."""
    try:
        return resolver.for_service(service)
    except PrismaError as error:
        return str(error)


def refusal(toolchain: Toolchain, provider: str, engine_choice: str, mode: str) -> str | None:
    """Why the worker cannot migrate this Prisma 7 service, with the fix; None when it can."""
    chosen = f"Prisma {toolchain.cli.version} (chosen by {toolchain.source})"
    if engine_choice == "prisma":
        return (
            f"{chosen}: --engine prisma needs the 7 CLI's migrate, which runs only on the native schema engine"
            " (not downloadable offline; Prisma 7 has no `engine: \"js\"`)"
            f"\n  fix: drop --engine prisma (the default runs Prisma 7's own WebAssembly engine in the tool's worker), or run {NATIVE_HINT}"
        )
    if provider not in WORKER_PROVIDERS:
        return (
            f"{chosen}: {provider} has no offline migrate: Prisma 7.10's WebAssembly schema engine has PostgreSQL and SQLite"
            " connectors only, as on Prisma 6"
            f"\n  fix: run {NATIVE_HINT}"
        )
    if mode == "reset":
        return f"{chosen}: --reset is not done by the worker yet\n  fix: drop the database yourself, then `azora-tasks migrate --deploy`"
    return None


def worker_unavailable(toolchain: Toolchain, why: str) -> str:
    return (
        f"Prisma {toolchain.cli.version}: the schema-engine worker could not do this ({why}), and the 7 CLI's migrate needs"
        f" the native engine\n  fix: run {NATIVE_HINT}"
    )


def apply_sqlite(database: Path, migrations: Path, local: list[str]) -> PgApply:
    """Apply every pending migration to a SQLite file, one transaction each, with Prisma's rows.

    Stops at a failed row in the database (P3009) or a failing script (P3018,
    rolled back and recorded as Prisma records it); raises `Sqlite7Failure`.
    """
    fresh = not database.exists() or sqlite_history.is_fresh(database)
    before = None if fresh or not database.exists() else sqlite_catalog(database)
    rows = (sqlite_history.read_rows(database) if database.exists() else None) or []
    failed = [row.migration_name for row in rows if row.failed]
    if failed:
        raise Sqlite7Failure("P3009", failed[0], f"failed migration {failed[0]} in the database")
    done = {row.migration_name for row in rows if row.applied}
    applied: list[str] = []
    for name, sql in zip(local, history.migration_sql(migrations, local)):
        if name in done:
            continue
        outcome = sqlite_history.apply_migration(database, name, sql, require_fresh=False)
        if not outcome.ok:
            raise Sqlite7Failure("P3018", name, outcome.message)
        applied.append(name)
    return PgApply(applied, before, sqlite_catalog(database) if database.exists() else None, fresh)

