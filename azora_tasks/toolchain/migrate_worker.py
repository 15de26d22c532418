"""The migrate worker: one Node process per run (node/migrate_worker.cjs) doing the schema-engine and database work of `migrate`.

It diffs datamodels with Prisma's own WebAssembly schema engine (no CLI
process per service), and on PostgreSQL creates databases, reads
`_prisma_migrations` and the catalog hash of every selected database in one
request, and applies migrations under Prisma's advisory lock. It lives next to
the other workers (`schema_worker`, `client_worker`); the decisions built on
its answers are `migrate/fastpath.py`'s and `migrate/batchread.py`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azora_tasks.migrate.sqlite_history import Row, checksum
from azora_tasks.paths import NODE_DIR
from azora_tasks.process import ProcessGroup
from azora_tasks.toolchain.worker import NodeWorker, WorkerError

REQUEST_TIMEOUT_SECONDS = 120.0
READ_CONCURRENCY = 16  # connections one batch status read opens at once (node/pg_history.cjs)

__all__ = ["EngineError", "MigrateWorker", "PgApply", "PgStatus", "WorkerError"]


class EngineError(WorkerError):
    """The worker answered, but the engine or the database said no (`context`: engine, connect, create, apply, P3009, lock...)."""

    def __init__(self, context: str, message: str, code: str | None = None, **extra: Any) -> None:
        super().__init__(f"{context}: {message}")
        self.context = context
        self.message = message
        self.code = code
        self.extra = extra


@dataclass(frozen=True)
class PgStatus:
    database: bool  # does the database exist at all
    rows: list[Row] | None  # None: no `_prisma_migrations` table
    catalog: str | None  # hash of the live schema's structure


@dataclass(frozen=True)
class PgApply:
    applied: list[str]
    before: str | None  # catalog hash before / after applying
    after: str | None
    fresh: bool  # the schema had no tables and no applied migration before
    created: bool = False  # the database was created by this call


class MigrateWorker(NodeWorker):
    """One Node process per run diffing datamodels with Prisma's WebAssembly schema engine."""

    def __init__(self, root: Path, prisma_cli: Path, timeout: float = REQUEST_TIMEOUT_SECONDS, *, processes: ProcessGroup | None = None) -> None:
        super().__init__(NODE_DIR / "migrate_worker.cjs", root, timeout, processes=processes)
        self._cli = prisma_cli

    def _ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        response = self.request({**payload, "cli": str(self._cli)})
        if not response.get("ok"):
            context = str(response.get("context", "worker"))
            message = str(response.get("message", "no answer"))
            if context in ("worker", "protocol", "pin"):
                raise WorkerError(f"{context}: {message}")
            extra = {key: value for key, value in response.items() if key not in ("ok", "context", "message", "code", "id")}
            raise EngineError(context, message, response.get("code"), **extra)
        return response

    def diff(self, provider: str, files: Sequence[tuple[str, str]], *, url: str | None = None, migrations: Path | None = None) -> str:
        """`prisma migrate diff --from-migrations <folder> (or --from-empty) --to-schema-datamodel <files> --script`.

        From a folder on PostgreSQL the engine replays it into a shadow
        database on `url`'s server, created and always dropped by the worker.
        """
        response = self._ask(
            {
                "op": "diff",
                "provider": provider,
                "url": url,
                "migrations": str(migrations) if migrations else None,
                "files": [list(pair) for pair in files],
            }
        )
        sql = response.get("sql")
        if not isinstance(sql, str):
            raise WorkerError(f"malformed answer: {response!r}")
        return sql

    def diff_from_empty(self, provider: str, files: Sequence[tuple[str, str]]) -> str:
        """The script `prisma migrate diff --from-empty --to-schema-datamodel <files> --script` writes."""
        return self.diff(provider, files)

    def pg_ensure(self, url: str) -> bool:
        """Create the database (and `?schema=`) if missing; True when this call created it."""
        return bool(self._ask({"op": "pg-ensure", "url": url}).get("created"))

    def pg_status(self, url: str, *, catalog: bool = True) -> PgStatus:
        """One database's status (see `pg_statuses`); a failure raises `EngineError`."""
        [answer] = self.pg_statuses([url], catalog=catalog)
        if isinstance(answer, EngineError):
            raise answer
        return answer

    def pg_statuses(self, urls: Sequence[str], *, catalog: bool = True, concurrency: int = READ_CONCURRENCY) -> list[PgStatus | EngineError]:
        """Many databases read in one request, `concurrency` connections at a time (read-only).

        Per URL, in order: the database's presence, its `_prisma_migrations`
        rows (None: no table; `?schema=` honoured) and, with `catalog`, the
        hash of its structure; or the `EngineError` of that URL alone (a
        refused connection never fails the others).
        """
        if not urls:
            return []
        response = self._ask({"op": "pg-status", "urls": list(urls), "catalog": catalog, "concurrency": concurrency})
        answers = response.get("results")
        if not isinstance(answers, list) or len(answers) != len(urls):
            raise WorkerError(f"malformed answer: {str(response)[:300]}")
        return [_status(answer) for answer in answers]

    def pg_position(self, url: str) -> str | None:
        """The server's position (identity, start time, transaction snapshot), read on `url`'s database.

        None when the server cannot tell (a standby, a role without the functions).
        A failed connection raises `EngineError`.
        """
        position = self._ask({"op": "pg-position", "url": url}).get("position")
        return position if isinstance(position, str) and position else None

    def pg_apply(self, url: str, migrations: Sequence[tuple[str, str]], *, ensure: bool = False) -> PgApply:
        """Apply the migrations that have no applied row, in one transaction under Prisma's advisory lock.

        With `ensure`, a missing database (and `?schema=`) is created first, on the same connection attempt.
        """
        response = self._ask(
            {
                "op": "pg-apply",
                "url": url,
                "ensure": ensure,
                "migrations": [{"name": name, "sql": sql, "checksum": checksum(sql)} for name, sql in migrations],
            }
        )
        return PgApply(
            list(response.get("applied", [])), response.get("before"), response.get("after"), bool(response.get("fresh")), bool(response.get("created"))
        )

    def release_shadows(self) -> None:
        """Drop the shadow databases the worker kept for reuse (it keeps running)."""
        process = self._process
        if process is not None and process.poll() is None:
            try:
                self.request({"op": "release-shadows"})
            except WorkerError:
                pass  # a dead worker's shadows were dropped by its signal handler, or are the backstop's

    def close(self) -> None:
        """Drop the shadow databases the worker kept for reuse, then stop it."""
        self.release_shadows()
        super().close()

    def hello(self) -> dict[str, Any]:
        return self.request({"op": "hello", "cli": str(self._cli)})


def _status(answer: dict[str, Any]) -> PgStatus | EngineError:
    if not answer.get("ok"):
        return EngineError(str(answer.get("context", "database")), str(answer.get("message", "no answer")), answer.get("code"))
    rows = answer.get("rows")
    return PgStatus(bool(answer.get("database")), None if rows is None else [_row(row) for row in rows], answer.get("catalog"))


def _row(row: dict[str, Any]) -> Row:
    return Row(
        str(row.get("id", "")),
        str(row["checksum"]),
        row.get("finished_at"),
        str(row["migration_name"]),
        row.get("logs"),
        row.get("rolled_back_at"),
        str(row.get("started_at") or ""),
        int(row.get("applied_steps_count") or 0),
    )
