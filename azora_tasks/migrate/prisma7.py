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

import json
import os
import subprocess
from pathlib import Path

from azora_tasks.database import Target, anchor_sqlite, mask, provider_of_url
from azora_tasks.manifest import Service
from azora_tasks.migrate import history, sqlite_history
from azora_tasks.migrate.sqlite_catalog import sqlite_catalog
from azora_tasks.toolchain.migrate_worker import PgApply
from azora_tasks.toolchain.node_command import node_executable
from azora_tasks.toolchain.prisma_cli import PrismaError
from azora_tasks.toolchain.versions import Toolchain, ToolchainResolver

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
            ' (not downloadable offline; Prisma 7 has no `engine: "js"`)'
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
    for name, sql in zip(local, history.migration_sql(migrations, local), strict=True):
        if name in done:
            continue
        outcome = sqlite_history.apply_migration(database, name, sql, require_fresh=False)
        if not outcome.ok:
            raise Sqlite7Failure("P3018", name, outcome.message)
        applied.append(name)
    return PgApply(applied, before, sqlite_catalog(database) if database.exists() else None, fresh)


# The 7 CLI's own config loader (@prisma/config, next to the CLI), so a TypeScript config is read as Prisma reads it.
_READ_CONFIG = """
const { createRequire } = require("node:module");
const [cli, file, folder] = process.argv.slice(1);
createRequire(cli)("@prisma/config").loadConfigFromFile({ configFile: file, configRoot: folder }).then((loaded) => {
  const error = loaded.error ? `${loaded.error._tag}: ${loaded.error.error ? loaded.error.error.message : ""}` : null;
  const url = loaded.config && loaded.config.datasource ? loaded.config.datasource.url : null;
  process.stdout.write(JSON.stringify({ url: typeof url === "string" ? url : null, error }));
});
"""
CONFIG_TIMEOUT_SECONDS = 60


class OwnConfigError(Exception):
    """The service's own prisma.config could not be read, or names a URL of another provider."""


def own_config_target(toolchain: Toolchain, target: Target) -> Target:
    """The database the service's own `prisma.config.*` names, as Prisma 7 would read it.

    The config runs with `DATABASE_URL` set to the URL `migrate` picked (so a
    config that reads it gets exactly that target); a config that hard-codes
    its own `datasource.url` wins, as it would for `prisma migrate deploy`.
    Relative SQLite paths are taken from the config file's folder.
    """
    config = toolchain.own_config
    if config is None:
        return target
    env = {**os.environ, "DATABASE_URL": target.url, "CHECKPOINT_DISABLE": "1"}
    try:
        run = subprocess.run(
            [node_executable(toolchain.cli.script.parent), "-e", _READ_CONFIG, str(toolchain.cli.script), str(config), str(config.parent)],
            env=env,
            capture_output=True,
            text=True,
            timeout=CONFIG_TIMEOUT_SECONDS,
            check=False,
        )
        answer = json.loads(run.stdout or "{}")
    except (OSError, ValueError, subprocess.TimeoutExpired) as error:
        raise OwnConfigError(f"{config}: could not be read with Prisma {toolchain.cli.version}'s config loader ({error})") from None
    if answer.get("error"):
        raise OwnConfigError(
            f"{config}: {mask(str(answer['error']), (target.password,))}\n  fix: run `prisma validate` in the service folder to see the config error"
        )
    url = answer.get("url")
    if not url or url == target.url:
        return target
    if provider_of_url(url) != target.provider:
        raise OwnConfigError(
            f"{config}: datasource.url is a {provider_of_url(url) or 'unknown'} URL ({mask(url)}) but the schema's provider is {target.provider}"
            "\n  fix: make the config read DATABASE_URL, or fix its URL"
        )
    return Target(target.provider, anchor_sqlite(url, config.parent), f"{config.name} datasource.url")
