"""`migrate --check`: does the committed migrations folder produce the schema? Asked of a scratch database only.

On SQLite and PostgreSQL (single-file schemas) the run's migrate worker answers
(`schemadiff.diff_to_schema`: Prisma's own WebAssembly engine, the SQL
`prisma migrate diff` prints): the folder is replayed into an in-memory
database, or into a shadow database on the service's server that the worker
creates and always drops; no Prisma CLI process, and the service's own
database is not opened. Otherwise, or when the worker is unusable:

`prisma migrate diff --from-migrations <folder> --to-schema-datamodel <schema>`
needs a database to connect to even though it only diffs (the driver adapter
connects, and the engine replays the migrations into a shadow database). That
database is never the service's own: a temporary SQLite file, or on a server a
database `<name>_azcheck_<run>_<hash>` created for the call and dropped after it
(with the engine's shadow databases), whatever happens in between. So the
check runs in CI against an empty PostgreSQL container, and on a laptop
without touching anyone's data or `_prisma_migrations`.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import urllib.parse
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from azora_tasks.cache import schema_files
from azora_tasks.database import Target, TargetError, mask, resolve_target, sqlite_url
from azora_tasks.manifest import Manifest, Service
from azora_tasks.migrate import history, messages
from azora_tasks.migrate.engine import Engine, Transcript
from azora_tasks.migrate.positions import server_of
from azora_tasks.migrate.schemadiff import FAST_PROVIDERS, diff_to_schema
from azora_tasks.schema_text import schema_provider
from azora_tasks.toolchain.migrate_worker import EngineError, MigrateWorker, WorkerError

SCRATCH_MARK = "azcheck"


@dataclass
class CheckOutcome:
    """What the check found for one service: the uncovered SQL ("" = covered) or why it could not tell."""

    sql: str = ""
    error: str | None = None
    migrations: int = 0
    scratch: str = ""  # the scratch database, masked, for the transcript
    transcript: Transcript = field(default_factory=Transcript)

    @property
    def covered(self) -> bool:
        return self.error is None and not self.sql.strip()


def scratch_target(target: Target, folder: Path, name: str) -> Target:
    """The same provider and server as `target`, another database: a file in `folder`, or `name` on the server."""
    if target.provider == "sqlite":
        return Target("sqlite", sqlite_url(folder / "check.db"), "scratch database of migrate --check")
    parts = urllib.parse.urlsplit(target.url)
    return Target(target.provider, urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, "")), "scratch database of migrate --check")


def scratch_name(real: Target, run_id: str, service: str) -> str:
    """`<real database, shortened>_azcheck_<run>_<service hash>`: unique per run and service, easy to trace, < 63 bytes."""
    stem = re.sub(r"[^a-z0-9_]", "_", (real.database if real.provider != "sqlite" else service).lower())[:20]
    return f"{stem}_{SCRATCH_MARK}_{run_id[:8]}_{zlib.crc32(service.encode()):08x}"


def check_service(engine: Engine, manifest: Manifest, service: Service, schema: Path, run_id: str, worker: MigrateWorker | None = None) -> CheckOutcome:
    """Diff the committed migrations against the schema on a scratch database; never the real one."""
    outcome = CheckOutcome()
    text = schema.read_text(encoding="utf-8")
    try:
        real = resolve_target(manifest, service, schema_provider(text))
    except TargetError as error:
        outcome.error = str(error)
        return outcome
    if not engine.uses_js_engine(real) and engine.native_schema_engine() is None:
        outcome.error = (
            f"{real.provider}: Prisma 6.19's WebAssembly schema engine has no MySQL/MariaDB connector and no native"
            " schema engine is installed (set PRISMA_SCHEMA_ENGINE_BINARY)"
        )
        return outcome
    migrations = history.migrations_dir(schema)
    names = history.local_migrations(migrations)
    outcome.migrations = len(names)
    name = scratch_name(real, run_id, service.name)
    with tempfile.TemporaryDirectory(prefix="azora-check-") as folder:
        source = _with_lock_file(migrations, Path(folder), real.provider) if names else None
        if worker is not None and real.provider in FAST_PROVIDERS and schema_files(manifest, service) == [schema]:
            if _check_on_worker(worker, real, schema, source, outcome):
                return outcome
        scratch = scratch_target(real, Path(folder), name)
        outcome.scratch = scratch.masked
        env = engine.env(scratch, text, f"{name}_shadow")
        try:
            if scratch.provider != "sqlite":
                created, _ = engine.ensure_database(scratch, schema, env)
                if not created.ok:
                    outcome.transcript.add("create scratch database", created)
                    outcome.error = f"cannot create the scratch database {scratch.masked}: {created.output.strip()[-300:]}"
                    return outcome
            diff = engine.diff(scratch, schema, env, source)
            outcome.transcript.add(f"prisma migrate diff --from-{'migrations' if source else 'empty'} (scratch database {scratch.masked})", diff.result)
            if not diff.result.ok:
                lines = [line.strip() for line in diff.result.output.strip().splitlines() if line.strip()]
                outcome.error = f"{diff.result.error_code or 'migrate diff failed'}: {lines[-1][:300] if lines else 'no output'}"
            elif not diff.empty:
                outcome.sql = diff.sql
        finally:
            if scratch.provider != "sqlite":
                engine.dbtool(scratch, schema, env, "drop")
                engine.drop_shadows(scratch, schema, env, f"{name}_shadow")
    return outcome


def _check_on_worker(worker: MigrateWorker, real: Target, schema: Path, migrations: Path | None, outcome: CheckOutcome) -> bool:
    """The check in the migrate worker; False when the worker is unusable (the CLI path then answers)."""
    outcome.scratch = (
        "in memory (migrate worker)" if real.provider == "sqlite" else f"a shadow database on {server_of(real.url)} (migrate worker, always dropped)"
    )
    step = f"migrate diff --from-{'migrations' if migrations else 'empty'} (schema-engine worker, {outcome.scratch})"
    try:
        outcome.sql = diff_to_schema(worker, real, [schema], migrations)
    except EngineError as error:
        message = mask(error.message, (real.password,))
        outcome.transcript.note(f"{step}: {message}")
        outcome.error = f"{error.code or 'migrate diff failed'}: {messages.first_meaningful_line(message, 300) or error.context}"
        return True
    except WorkerError as error:
        outcome.transcript.note(f"{step}: the worker is unusable ({mask(str(error), (real.password,))}); using the Prisma CLI")
        return False
    outcome.transcript.note(f"{step}: {'changes' if outcome.sql else 'no change'}")
    return True


def _with_lock_file(migrations: Path, scratch: Path, provider: str) -> Path:
    """The folder to diff from: the committed one, or a copy with the `migration_lock.toml` Prisma needs.

    The check writes nothing into the tree, so a folder committed without its
    lock file is copied rather than fixed in place.
    """
    if (migrations / history.LOCK_FILE).is_file():
        return migrations
    copy = scratch / "migrations"
    shutil.copytree(migrations, copy)
    history.ensure_lock_file(copy, provider)
    return copy
