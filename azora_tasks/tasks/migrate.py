"""`migrate`: create and apply Prisma migrations for every service, each on its own database.

Modes (one per run):

* development (default): apply what is pending, then write a migration named
  `--name` (`init` for a service with none) when the schema changed, scan it
  with the destructive-change guard, and apply it;
* `--deploy`: apply pending migrations only (CI, production);
* `--status`: pending / applied / drifted / failed per service, failing the
  run when anything is not up to date;
* `--reset`: drop everything and re-apply every migration.

Fast paths (`--engine auto`, the default; `--engine prisma` turns them off):
a service with nothing to do is recognised without any Prisma process; a
fresh SQLite service gets its `init` from one long-lived schema-engine worker
and is applied through `sqlite3` (see `azora_tasks.migrate.fastpath`); a
PostgreSQL service, and a SQLite service with migrations and a clean history, is
migrated entirely by that worker (`_ServiceRun.server_fast`: create the
database, diff from the migrations folder through a shadow database it always
drops, apply with Prisma's own rows); `--status`
reads `_prisma_migrations` and a catalog hash instead of running Prisma
(`_ServiceRun.fast_status`). Verdicts that need nothing but those reads are
made before the thread pool starts, for every service at once
(`MigrateTask.settle`: one worker, the databases read in a few requests).

Every service's work holds a cross-process lock (`locks.service_lock`), so two
runs on one tree never both write an `init`. Services sharing a Prisma
migration lock (one PostgreSQL database, one MySQL server) take turns through
`KeyedLocks`; everything else runs in parallel.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from azora_tasks.cache import CACHE_DIR_NAME, schema_files, toolchain_fingerprint
from azora_tasks.database import SCHEMA_URL_SOURCE, Target, TargetError, literal_url, mask, resolve_target
from azora_tasks.manifest import Manifest, Service
from azora_tasks.migrate import guard, history, messages, prisma7, sqlite_history
from azora_tasks.migrate.batchread import UNCHANGED, StatusReader
from azora_tasks.migrate.engine import CommandResult, Diff, Engine, Transcript, applied_names
from azora_tasks.migrate.fastpath import StateStore, fingerprint, local_checksums
from azora_tasks.migrate.locks import KeyedLocks, service_lock
from azora_tasks.migrate.positions import PositionBook, history_digest, server_of
from azora_tasks.migrate.schemadiff import diff_to_schema
from azora_tasks.migrate.sqlite_catalog import sqlite_catalog
from azora_tasks.migrate.statusreport import MigrationStatus, parse_status
from azora_tasks.process import ProcessGroup
from azora_tasks.results import RunResult, ServiceResult, Status
from azora_tasks.schema_text import read_schema_text, schema_provider
from azora_tasks.tasks.spec import TaskHooks
from azora_tasks.toolchain.migrate_worker import EngineError, MigrateWorker, PgApply, PgStatus, WorkerError
from azora_tasks.toolchain.prisma_cli import PrismaCli, PrismaError, find_prisma
from azora_tasks.toolchain.versions import Toolchain, ToolchainResolver

if TYPE_CHECKING:
    from rich.console import Console

DEVELOP, DEPLOY, STATUS, RESET = "dev", "deploy", "status", "reset"
DEFAULT_NAME_LATER = "update"
ENGINES = ("auto", "prisma")
NO_OP_SUMMARY = "up to date (checked without Prisma)"
# Schema-engine workers per run: one per runner thread up to this many (each is a Node process with the
# wasm engine, ~100 MB); the work is mostly waiting on the database, so a few overlap well.
MAX_WORKERS = 4


def add_migrate_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("migrate")
    modes = group.add_mutually_exclusive_group()
    modes.add_argument("--deploy", action="store_const", const=DEPLOY, dest="migrate_mode", help="apply pending migrations only (CI and production)")
    modes.add_argument(
        "--status",
        action="store_const",
        const=STATUS,
        dest="migrate_mode",
        help="report pending / applied / drifted / failed; exit 1 unless all are up to date",
    )
    modes.add_argument("--reset", action="store_const", const=RESET, dest="migrate_mode", help="drop each database's contents and re-apply every migration")
    group.add_argument("--name", default=None, help="name of a created migration (default: init for a service with none, else update)")
    group.add_argument("--force", action="store_true", help="--reset without asking (required when not on a terminal)")
    group.add_argument("--accept-data-loss", action="store_true", help="apply new migrations even when the guard finds data loss or breaking changes")
    group.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        dest="migrate_engine",
        help="auto: decide 'nothing to do' without Prisma and create, diff (--check too) and apply migrations in one"
        " schema-engine worker where it can; prisma: every step through the Prisma CLI",
    )
    # --- CI gate (--check / --lint): azora_tasks.migrate.gate --------------------------------------
    from azora_tasks.migrate.gate import add_gate_arguments

    add_gate_arguments(parser)


def build_migrate(manifest: Manifest, processes: ProcessGroup, options: argparse.Namespace) -> MigrateTask:
    # --- CI gate (--check / --lint): a task of its own, azora_tasks.migrate.gate ------------------
    from azora_tasks.migrate.gate import build_gate, wants_gate

    if wants_gate(options):
        return build_gate(manifest, processes, options)  # type: ignore[return-value]
    mode = getattr(options, "migrate_mode", None) or DEVELOP
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if mode == RESET and not getattr(options, "force", False):
        if not interactive:
            raise PrismaError("--reset drops every selected database's data: refusing without --force when not on a terminal")
        ask = getattr(options, "ask", None) or _ask  # the workflow's prompt (console.py); the task never reads the terminal itself
        if not ask("migrate --reset drops all data in every selected service's database. Continue?"):
            raise PrismaError("--reset cancelled")
    return MigrateTask(
        manifest,
        find_prisma(manifest),
        processes,
        mode=mode,
        name=getattr(options, "name", None),
        accept_data_loss=getattr(options, "accept_data_loss", False),
        confirm=(getattr(options, "ask", None) or _ask) if interactive else None,  # `ask` pauses the live bar (console.py)
        engine_choice=getattr(options, "migrate_engine", None) or "auto",
    )


_PROMPT_LOCK = threading.Lock()


def _ask(question: str) -> bool:
    """The prompt outside the workflow (library use); the workflow passes `options.ask`."""
    with _PROMPT_LOCK:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


@dataclass
class Counts:
    created: list[str] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)

    def details(self, **extra: object) -> dict[str, object]:
        return {
            "created": len(self.created),
            "applied": len(self.applied),
            "pending": len(self.pending),
            "created_migrations": self.created,
            "applied_migrations": self.applied,
            "pending_migrations": self.pending,
            **extra,
        }


@dataclass
class MigrateTask(TaskHooks):
    manifest: Manifest
    prisma: PrismaCli
    processes: ProcessGroup
    mode: str = DEVELOP
    name: str | None = None
    accept_data_loss: bool = False
    confirm: Callable[[str], bool] | None = None  # None: not interactive, the guard stops the service
    run_id: str = field(default_factory=lambda: os.urandom(4).hex())
    locks: KeyedLocks = field(default_factory=KeyedLocks)
    engine_choice: str = "auto"  # "prisma": no fast paths

    def __post_init__(self) -> None:
        self.engine = Engine(self.manifest, self.prisma, self.processes)
        self.state = StateStore(self.manifest.root)
        self.positions = PositionBook(self.manifest.root / CACHE_DIR_NAME)
        self._server_runs: dict[str, _ServiceRun] = {}  # PostgreSQL services of this run (6 toolchain), by name
        self._pool_wrote_server = False  # the pool did more than a no-op on a PostgreSQL service
        self._worker: MigrateWorker | None = None  # the first one (kept for callers that look at it)
        self._workers: list[MigrateWorker] = []
        self._worker_of: dict[int, MigrateWorker] = {}
        self._free_workers: list[MigrateWorker] = []  # started, owned by no thread
        self.has_work: set[str] = set()  # services `settle` read and found not up to date (the pool skips the no-op check)
        self._worker_broken: str | None = None  # why the schema-engine worker cannot be used this run
        self._fast_lock = threading.Lock()
        self._toolchain: str | None = None
        self.toolchains = ToolchainResolver(self.manifest)  # Prisma 6 and 7 services side by side
        self._other_workers: dict[tuple[Path, int], MigrateWorker] = {}  # Prisma 7 CLIs' workers, per thread

    @property
    def fast(self) -> bool:
        return self.engine_choice != "prisma"

    @property
    def toolchain(self) -> str:
        with self._fast_lock:
            if self._toolchain is None:
                self._toolchain = toolchain_fingerprint(self.manifest, self.prisma.version)
            return self._toolchain

    def worker(self, cli: Path | None = None, *, shared: bool = False) -> MigrateWorker | None:
        """This thread's schema-engine worker (a few per run, so database round trips overlap), or None.

        `cli`: another Prisma CLI than the run's (a Prisma 7 service): its own worker, whose engine is
        that CLI's wasm; a failure there does not take the run's 6 services off their fast paths.
        `shared` (SQLite): any worker already running will do. Its requests are serialised, but on
        SQLite the engine's work is milliseconds and the apply is `sqlite3`'s, so a second Node process
        (about 0.6 s of CPU to start) would buy nothing.
        """
        if cli is not None and cli != self.prisma.script:
            with self._fast_lock:
                key = (cli, threading.get_ident())
                if key not in self._other_workers:
                    self._other_workers[key] = MigrateWorker(self.manifest.root, cli, processes=self.processes)
                return self._other_workers[key]
        with self._fast_lock:
            if self._worker_broken is not None:
                return None
            thread = threading.get_ident()
            worker = self._worker_of.get(thread)
            if worker is None and shared and self._workers:
                return self._workers[0]
            if worker is None:
                if self._free_workers:
                    worker = self._free_workers.pop(0)  # the one `settle` used: the pool takes it over
                elif len(self._workers) < MAX_WORKERS:
                    worker = MigrateWorker(self.manifest.root, self.prisma.script, processes=self.processes)
                    self._workers.append(worker)
                else:
                    worker = self._workers[len(self._worker_of) % MAX_WORKERS]
                self._worker_of[thread] = worker
            self._worker = self._workers[0]
            return worker

    def hand_over_worker(self) -> None:
        """This thread is done with its worker (`settle`, before the pool): the next thread to ask gets it."""
        with self._fast_lock:
            worker = self._worker_of.pop(threading.get_ident(), None)
            if worker is not None and worker not in self._worker_of.values():
                self._free_workers.append(worker)

    def worker_failed(self, reason: str) -> None:
        """Stop using the worker for the rest of the run (the Prisma path takes over)."""
        with self._fast_lock:
            self._worker_broken = reason

    def close(self) -> None:
        with self._fast_lock:
            workers, self._workers, self._worker = self._workers, [], None
            self._worker_of.clear()
            self._free_workers.clear()
            workers += list(self._other_workers.values())
            self._other_workers.clear()
        for worker in workers:
            worker.close()

    def prepare(self, service: Service) -> _ServiceRun | ServiceResult:
        """The service's schema, toolchain and database, or the result that says why it cannot run."""
        schema = self.manifest.schema_file(service)
        if not schema.is_file():
            return ServiceResult(service.name, Status.SKIPPED, summary=f"no schema at {schema.relative_to(self.manifest.root)} (run `generate` first)")
        text = read_schema_text(schema, self.manifest.root)
        toolchain = prisma7.toolchain_for(self.toolchains, service)
        if isinstance(toolchain, str):
            return ServiceResult(service.name, Status.FAILED, summary=toolchain.splitlines()[0], output=toolchain)
        seven = toolchain if toolchain.major >= 7 else None  # Prisma 7: the worker on the 7 CLI's engine only
        if seven is not None:
            refusal = prisma7.refusal(seven, schema_provider(text) or "", self.engine_choice, self.mode)
            if refusal:
                return ServiceResult(
                    service.name,
                    Status.FAILED,
                    summary=refusal.splitlines()[0],
                    output=refusal,
                    details={"state": "unsupported offline", "prisma": seven.cli.version},
                )
        try:
            target = resolve_target(self.manifest, service, schema_provider(text), schema_text=text)
            if seven is not None:  # a 7 service's own prisma.config may name its database
                target = prisma7.own_config_target(seven, target)
        except (TargetError, prisma7.OwnConfigError) as error:
            return ServiceResult(service.name, Status.FAILED, summary=str(error).splitlines()[0], output=str(error))
        shadow_prefix = f"prisma_shadow_{self.run_id}_{zlib.crc32(service.name.encode()):08x}"
        return _ServiceRun(self, service, schema, target, shadow_prefix, seven=seven, schema_text=text)

    def __call__(self, service: Service) -> ServiceResult:
        started = time.monotonic()
        run = self.prepare(service)
        if isinstance(run, ServiceResult):
            return run
        with service_lock(self.manifest.root / CACHE_DIR_NAME, service.name), self.locks.hold(run.target.lock_key):
            try:
                result = run.execute()
            finally:
                if run.shadow_risk:
                    self.engine.drop_shadows(run.target, run.schema, run.env, run.shadow_prefix)
        if self.on_server(run):
            with self._fast_lock:
                self._server_runs[service.name] = run
                self._pool_wrote_server |= result.details.get("fast_path") != "no-op"
        return self.stamp(run, result, started)

    def on_server(self, run: _ServiceRun) -> bool:
        """A PostgreSQL service on the run's own toolchain (what `PositionBook` entries are about)."""
        return run.seven is None and run.target.provider == "postgresql" and run.target.sqlite_file is None

    def stamp(self, run: _ServiceRun, result: ServiceResult, started: float) -> ServiceResult:
        """What every result carries: its duration, the database it was about, the transcript."""
        result.duration = time.monotonic() - started
        literal = literal_url(run.schema_text)
        if literal:
            # The schema names a database itself: say which one was used.
            where = "the schema's url" if run.target.source == SCHEMA_URL_SOURCE else f"{run.target.source}, not the schema's url"
            result.summary = f"{result.summary} [{run.target.masked} from {where}]"
        result.details.setdefault("database", run.target.masked)
        result.details.setdefault("database_source", run.target.source)
        result.details.setdefault("mode", self.mode)
        result.output = run.transcript.text
        return result

    # --- decided before the pool ----------------------------------------------------------------

    def settle(self, services: Sequence[Service]) -> dict[str, ServiceResult]:
        """The no-op and `--status` verdicts that need nothing but a read, for all services at once.

        Called by the runner in its own thread before the pool starts. Each
        service's database is resolved and handed to a `StatusReader`, which
        reads the PostgreSQL ones in the worker from a background thread (one
        connection per database, a few at a time) while the local checks run
        here (migration checksums, the recorded fingerprint); SQLite files are
        read with `sqlite3`. A service whose answer is "up to date" (or, with
        `--status`, any verdict reached without a schema diff or Prisma's drift
        check) is settled here; every other one is left to the pool, which does
        what it always did, minus a second read for the no-op check.

        Nothing here writes, so no lock is taken. A verdict compares one read
        of the database with one read of the folder: a migration another run
        writes or applies in between makes them differ, which is never "up to
        date" (the pool then waits for that run's lock).
        """
        if not self.fast or self.mode not in (DEVELOP, DEPLOY, STATUS):
            return {}
        started = time.monotonic()
        runs: list[_ServiceRun] = []
        reader: StatusReader | None = None
        for service in services:
            try:
                run = self.prepare(service)
            except Exception:  # noqa: BLE001 - the pool reports it, isolated to its service
                continue
            if isinstance(run, ServiceResult) or run.seven is not None or run.target.provider not in ("sqlite", "postgresql"):
                continue
            run.quick = True
            if self.on_server(run):
                self._server_runs[service.name] = run  # what `finish` may verify, unless the pool runs it again
            if self.mode != STATUS and not _quietly(run.has_migrations):
                continue  # nothing applied can be "nothing to do": the pool creates the first migration
            runs.append(run)
            if run.target.sqlite_file is None:
                if reader is None:
                    worker = self.worker()
                    if worker is None:
                        continue
                    reader = StatusReader(worker, catalog=self.mode == STATUS, positions=None if self.mode == STATUS else self.positions)
                digest = None if self.mode == STATUS else history_digest(run.target.url, run.checksums())
                reader.add(run.target.url, digest)  # read in the background while the next services are prepared
        # While the databases are read: the local checks (checksums, fingerprint), no database needed.
        candidates = [run for run in runs if self.mode == STATUS or _quietly(run.may_be_no_op)]
        live: dict[str, PgStatus | EngineError] = {}
        if reader is not None:
            try:
                live = reader.answers()
            except WorkerError:  # the worker itself failed: the pool decides, as before
                pass
            finally:
                self.hand_over_worker()
        candidates = [run for run in candidates if run.target.sqlite_file is not None or run.target.url in live]
        settled: dict[str, ServiceResult] = {}
        for run in candidates:
            answer = live.get(run.target.url) if run.target.sqlite_file is None else None
            try:
                result = run.fast_status(answer) if self.mode == STATUS else run.no_op(answer)
            except Exception:  # noqa: BLE001 - the pool reports it, isolated to its service
                continue
            if result is not None:
                settled[run.service.name] = self.stamp(run, result, started)
            elif self.mode != STATUS:
                self.has_work.add(run.service.name)
        share = (time.monotonic() - started) / max(1, len(candidates))
        for result in settled.values():
            result.duration = share  # one batch for all: each service's share (what shard balancing reads)
        if reader is not None and self.mode != STATUS:
            self.record_positions(reader.positions, [run for run in candidates if run.service.name in settled and self.on_server(run)])
        return settled

    def record_positions(self, positions: Mapping[str, str | None], runs: Sequence[_ServiceRun]) -> None:
        """Remember, per server, the databases found up to date after its position was read."""
        for server, group in _by_server(runs).items():
            position = positions.get(server)
            if position is not None:
                self.positions.record(server, position, {url: history_digest(url, run.checksums()) for url, run in group.items()})

    def finish(self, run: RunResult, options: argparse.Namespace, console: Console) -> RunResult:
        """After a run that wrote to PostgreSQL: verify every database anew, so the next no-op needs no reads."""
        if self.fast and self.mode in (DEVELOP, DEPLOY) and self._pool_wrote_server and not run.interrupted:
            ok = {result.service for result in run.results if result.status == Status.OK}
            try:
                self.verify_servers([server_run for name, server_run in self._server_runs.items() if name in ok])
            except KeyboardInterrupt:
                run.interrupted = True  # the run's work is done and gets its summary; only the next no-op's shortcut is lost
        return run

    def verify_servers(self, runs: Sequence[_ServiceRun]) -> None:
        """Read each server's position, then every database's history; record those that match the local migrations.

        The shadow databases kept for reuse are dropped first (a `DROP DATABASE`
        is a write, which would move the position at once). Costs one connection per
        database, about what the next no-op saves; a failure only loses the shortcut.
        """
        if not runs or not self._workers:
            return
        worker = self._workers[0]
        for each in [*self._workers, *self._other_workers.values()]:
            each.release_shadows()
        for server, group in _by_server(runs).items():
            urls = list(group)
            try:
                position = worker.pg_position(urls[0])
                answers = worker.pg_statuses(urls, catalog=False) if position is not None else []
            except WorkerError:
                continue  # this server only loses the shortcut
            digests: dict[str, str] = {}
            for url, answer in zip(urls, answers, strict=False):
                try:
                    checksums = local_checksums(group[url].migrations)  # read anew: this run wrote migrations
                except OSError:
                    continue
                if isinstance(answer, PgStatus) and answer.rows is not None and checksums and sqlite_history.history_up_to_date(answer.rows, checksums):
                    digests[url] = history_digest(url, checksums)
            if position is not None:
                self.positions.record(server, position, digests)


@dataclass
class _ServiceRun:
    """One service's commands for one mode; keeps the transcript and the counts."""

    task: MigrateTask
    service: Service
    schema: Path
    target: Target
    shadow_prefix: str
    transcript: Transcript = field(default_factory=Transcript)
    counts: Counts = field(default_factory=Counts)
    shadow_risk: bool = False  # a command that creates shadow databases failed
    seven: Toolchain | None = None  # a Prisma 7 service: the worker on the 7 CLI's engine, never a Prisma CLI
    worker_error: str | None = None  # why the worker gave up (Prisma 7 services report it)
    schema_text: str = ""
    quick: bool = False  # settled before the pool: a verdict that needs a diff or Prisma is left undecided (None)
    _checksums: dict[str, str] | None = None
    _fingerprint: str | None = None
    _may_be_no_op: bool | None = None

    def worker(self) -> MigrateWorker | None:
        return self.task.worker(self.seven.cli.script if self.seven else None, shared=self.target.sqlite_file is not None)

    @functools.cached_property
    def env(self) -> dict[str, str]:
        """The environment of this service's Prisma commands (made only when one runs: a no-op needs none)."""
        return self.engine.env(self.target, self.schema_text, self.shadow_prefix)

    @property
    def toolchain(self) -> str:
        """The run's toolchain fingerprint, plus the 7 CLI for a Prisma 7 service."""
        return self.task.toolchain + (f"+prisma@{self.seven.cli.version}" if self.seven else "")

    started: float = field(default_factory=time.monotonic)

    @property
    def engine(self) -> Engine:
        return self.task.engine

    @property
    def migrations(self) -> Path:
        return history.migrations_dir(self.schema)

    def result(self, status: Status, summary: str, **extra: object) -> ServiceResult:
        return ServiceResult(self.service.name, status, summary=summary, details=self.counts.details(**extra))

    def execute(self) -> ServiceResult:
        if self.seven is not None:
            return self.execute_on_worker()
        if not self.engine.uses_js_engine(self.target) and self.engine.native_schema_engine() is None:
            return self.result(
                Status.FAILED,
                f"{self.target.provider}: Prisma 6.19's WebAssembly schema engine has no MySQL/MariaDB connector and no native"
                " schema engine is installed (run `npm ci` with internet once, or set PRISMA_SCHEMA_ENGINE_BINARY)",
                state="unsupported offline",
            )
        if self.task.mode == STATUS:
            return (self.task.fast and self.fast_status()) or self.status()
        if self.task.fast and self.task.mode in (DEVELOP, DEPLOY):
            # `settle` already read this database and found work: no second read (the paths below decide anew).
            nothing_to_do = None if self.service.name in self.task.has_work else self.no_op()
            if nothing_to_do is not None:
                return nothing_to_do
            if self.target.provider == "postgresql" or self.sqlite_history_is_clean():
                done = self.server_fast()
                if done is not None:
                    return done
        ensured, created_db = self.engine.ensure_database(self.target, self.schema, self.env)
        if not ensured.ok:
            self.transcript.add("ensure database", ensured)
            return self.result(Status.FAILED, database_failure(self.target, ensured.output))
        if created_db and self.target.provider != "sqlite":
            self.transcript.note(f"created database {self.target.masked}")
        if self.task.mode == RESET:
            reset = self.transcript.add("reset database", self.engine.reset_database(self.target, self.schema, self.env))
            if not reset.ok:
                return self.result(Status.FAILED, f"reset failed: {reset.output.strip()[-300:]}")
        failure = self.deploy(skip_when_current=self.task.mode == DEVELOP)
        if failure:
            return failure
        if self.task.mode in (DEPLOY, RESET):
            verb = "reset, applied" if self.task.mode == RESET else "applied"
            return self.result(Status.OK, f"{verb} {len(self.counts.applied)}" if self.counts.applied or self.task.mode == RESET else "up to date")
        result = self.develop()
        if self.task.fast and result.status == Status.OK and "fast_path" not in result.details:
            self.record_state(result)  # the Prisma path's verdict; `fresh` recorded its own, with the structure's hash
        return result

    def execute_on_worker(self) -> ServiceResult:
        """A Prisma 7 service: every step in the worker (its 7 CLI's engine); never a Prisma CLI process."""
        assert self.seven is not None
        if self.schema_files() != [self.schema]:
            return self.unavailable("multi-file schemas are not diffed by the worker yet")
        if self.task.mode == STATUS:
            if self.target.sqlite_file is not None and not self.target.sqlite_file.exists():
                local = history.local_migrations(self.migrations)
                self.counts.pending = list(local)
                return self.result(Status.FAILED, f"no database yet; {len(local)} pending", state="missing database")
            return self.fast_status() or self.unavailable(self.worker_error or "status could not be decided from _prisma_migrations")
        nothing_to_do = self.no_op()
        if nothing_to_do is not None:
            return nothing_to_do
        return self.server_fast() or self.unavailable(self.worker_error or "see the transcript")

    def unavailable(self, why: str) -> ServiceResult:
        assert self.seven is not None
        text = prisma7.worker_unavailable(self.seven, why)
        self.transcript.note(text)
        return self.result(Status.FAILED, text.splitlines()[0], state="unsupported offline")

    # --- fast paths ---------------------------------------------------------------------------

    def schema_files(self) -> list[Path]:
        return schema_files(self.task.manifest, self.service)

    def checksums(self) -> dict[str, str]:
        """Every local migration's checksum, read once per run of this service."""
        if self._checksums is None:
            self._checksums = local_checksums(self.migrations)
        return self._checksums

    def fingerprint(self) -> str:
        """The fingerprint of the files as they were first read (computed once; `record_state` hashes anew)."""
        if self._fingerprint is None:
            self._fingerprint = fingerprint(self.schema_files(), self.migrations, self.target, self.toolchain, self.checksums())
        return self._fingerprint

    def has_migrations(self) -> bool:
        return bool(self.checksums())

    def may_be_no_op(self) -> bool:
        """Could there be nothing to do? Local checks only: migrations exist and (development) the fingerprint matches."""
        if self._may_be_no_op is None:
            if self.target.provider not in ("sqlite", "postgresql") or not self.checksums():
                self._may_be_no_op = False
            else:
                self._may_be_no_op = self.task.mode != DEVELOP or self.task.state.matches(self.service.name, self.fingerprint())
        return self._may_be_no_op

    def no_op(self, live: PgStatus | EngineError | None = None) -> ServiceResult | None:
        """ "Nothing to do", decided without a Prisma process, or None to take the Prisma path.

        In development mode the recorded fingerprint must say that the
        migrations still produce the schema (checked first: it needs no
        database). Then `_prisma_migrations` must show every local migration
        applied with its checksum and nothing failed or unknown: read with
        `sqlite3` on SQLite, by the worker (`pg`) on PostgreSQL, or given as
        `live` (read for many services at once by `MigrateTask.settle`).
        """
        if not self.may_be_no_op():
            return None
        checksums = self.checksums()
        if not self.history_up_to_date(checksums, live):
            return None
        self.transcript.note(f"{NO_OP_SUMMARY}: schema and {len(checksums)} migration(s) unchanged since recorded; all applied per _prisma_migrations")
        return self.result(Status.OK, NO_OP_SUMMARY, state="up to date", fast_path="no-op")

    def history_up_to_date(self, checksums: dict[str, str], live: PgStatus | EngineError | None = None) -> bool:
        if self.target.sqlite_file is not None:
            return sqlite_history.up_to_date(self.target.sqlite_file, checksums)
        if live is None and not self.quick:
            worker = self.worker()
            if worker is None:
                return False
            try:
                live = worker.pg_status(self.target.url, catalog=False)
            except WorkerError as error:  # EngineError included: the Prisma path gives the message
                live = error if isinstance(error, EngineError) else EngineError("worker", str(error))
        if live is UNCHANGED:
            self.transcript.note("the server's position is the one recorded when this history last matched: not read again")
            return True
        if isinstance(live, EngineError):
            self.transcript.note(f"could not read _prisma_migrations without Prisma ({mask(live.message, (self.target.password,))}); using the Prisma CLI")
            return False
        return live is not None and live.rows is not None and sqlite_history.history_up_to_date(live.rows, checksums)

    def record_state(self, result: ServiceResult, catalog: str | None = None) -> None:
        """After a successful development run the migrations produce the schema: remember that.

        `catalog` is the database structure's hash when it is known to be
        exactly what the migrations make (applied into an empty schema, or onto
        a structure that matched the last recorded one): `--status` then
        decides "no drift" by comparing hashes instead of running Prisma.
        """
        try:
            current = fingerprint(self.schema_files(), self.migrations, self.target, self.toolchain)
        except OSError:
            return
        if not result.duration:  # the state records a real duration (the runner sets the result's later)
            result.duration = time.monotonic() - self.started
        self.task.state.record(result, current, catalog)

    def fresh(self) -> ServiceResult | None:
        """Create and apply `init` without Prisma; None when this service must take the Prisma path."""
        database = self.target.sqlite_file
        if not self.task.fast or database is None:
            return None
        files = self.schema_files()
        if files != [self.schema] or not sqlite_history.is_fresh(database):
            return None  # multi-file schemas and non-empty databases: Prisma decides
        worker = self.worker()
        if worker is None:
            return None
        try:
            sql = worker.diff_from_empty(self.target.provider, [(str(self.schema), self.schema.read_text(encoding="utf-8"))])
        except EngineError as error:
            # The schema itself is wrong: say so before any database file is made.
            self.transcript.note(f"schema engine ({error.context}): {error.message}")
            return self.result(Status.FAILED, messages.summarize(error.message, self.task.manifest.root), error_code=error.code)
        except WorkerError as error:
            self.worker_gave_up(error)
            return None
        diff = Diff(CommandResult(0, ""), sql)
        if diff.empty or guard.scan(sql, []):
            return None
        name = history.new_migration_name([], self.task.name or "init")
        history.write_migration(self.migrations, name, sql)
        self.counts.created.append(name)
        self.transcript.note(f"created {name} with the schema-engine worker (migrate diff --from-empty, without a Prisma process)")
        try:
            outcome = sqlite_history.apply_migration(database, name, sql, require_fresh=True)
        except Exception as error:  # noqa: BLE001 - nothing was changed: Prisma applies it instead
            self.transcript.note(f"sqlite3 could not apply {name} ({error}); using prisma migrate deploy")
            outcome = None
        if outcome is None or outcome.status == "not fresh":
            failure = self.deploy()
            return failure or self.result(Status.OK, f"created {name}, applied {len(self.counts.applied)}")
        if not outcome.ok:
            self.transcript.note(f"applying {name} failed (recorded in _prisma_migrations like Prisma does):\n{outcome.message}")
            self.counts.pending = [name]
            hint = " (a failed migration blocks this service: fix it, then `prisma migrate resolve`)"
            return self.result(Status.FAILED, f"P3018: migration failed in {name}{hint}", error_code="P3018", failed_migration=name)
        self.counts.applied.append(name)
        self.transcript.note(f"applied {name} with sqlite3 and recorded it in _prisma_migrations")
        result = self.result(Status.OK, f"created {name}, applied 1 (without Prisma)", fast_path="fresh")
        self.record_state(result, sqlite_catalog(database))
        return result

    # --- PostgreSQL through the worker ---------------------------------------------------------

    def server_fast(self) -> ServiceResult | None:
        """Develop or deploy a PostgreSQL service in the run's one worker; None to take the Prisma path.

        Create the database if missing, diff the migrations folder (or empty)
        to the schema with Prisma's engine (shadow database created and always
        dropped by the worker), write the migration after the guard, and apply
        everything pending in one transaction with Prisma's `_prisma_migrations`
        rows under Prisma's advisory lock.
        """
        worker = self.worker()
        if worker is None or self.schema_files() != [self.schema]:
            return None  # multi-file schemas: Prisma decides
        local = history.local_migrations(self.migrations)
        findings: list[guard.Finding] = []
        sql = ""
        if self.task.mode == DEVELOP:
            # Diffed before anything is created: an invalid schema fails with no database made.
            try:
                sql = diff_to_schema(worker, self.target, [self.schema], self.migrations)
            except EngineError as error:
                self.transcript.note(f"schema engine ({error.context}): {error.message}")
                if error.context == "connect":
                    return self.result(Status.FAILED, database_failure(self.target, self.connection_problem(worker) or error.message))
                return self.result(Status.FAILED, messages.summarize(error.message, self.task.manifest.root), error_code=error.code)
            except WorkerError as error:
                self.worker_gave_up(error)
                return None
            self.transcript.note(f"migrate diff {'--from-migrations' if local else '--from-empty'} (schema-engine worker): {'changes' if sql else 'no change'}")
        if sql:
            history.ensure_lock_file(self.migrations, self.target.provider)
            written = self.write_new_migration(sql, local)
            if isinstance(written, ServiceResult):
                return written
            findings = written
            local = history.local_migrations(self.migrations)
        if not local:
            return self.result(Status.OK, "up to date")
        applied = self.apply_sqlite(local) if self.target.sqlite_file is not None else self.apply_on_server(worker, local)  # creates the database if missing
        if isinstance(applied, ServiceResult):
            return applied
        created = self.counts.created
        verb = f"created {created[0]}, " if created else ""
        if self.counts.applied or created:
            summary = f"{verb}applied {len(self.counts.applied)}"
        else:
            summary = "up to date"
        result = self.result(Status.OK, summary, fast_path="worker", findings=[finding.__dict__ for finding in findings])
        if self.task.mode == DEVELOP:
            clean = applied.fresh or (applied.before is not None and applied.before == self.task.state.catalog(self.service.name))
            self.record_state(result, applied.after if clean else None)
        return result

    def sqlite_history_is_clean(self) -> bool:
        """May this SQLite service with migrations take the worker path (`server_fast`)?

        Yes when its database is missing or empty, or when `_prisma_migrations`
        holds no failed row and every applied row is a local migration with its
        checksum: then applying what is pending is all `prisma migrate deploy`
        would do. Anything else (tables without `_prisma_migrations`, a failed,
        edited or unknown migration) takes the Prisma path, whose messages
        (P3005, P3009, ...) are Prisma's own.
        """
        database = self.target.sqlite_file
        if database is None or not self.has_migrations():
            return False  # a service without migrations gets its `init` from `fresh` (development)
        if sqlite_history.is_fresh(database):
            return True
        rows = sqlite_history.read_rows(database)
        if rows is None:
            return False
        checksums = self.checksums()
        return not any(row.failed for row in rows) and all(checksums.get(row.migration_name) == row.checksum for row in rows if row.applied)

    def apply_sqlite(self, local: list[str]) -> PgApply | ServiceResult:
        """SQLite (Prisma 6 or 7): pending migrations applied with sqlite3 and Prisma's rows (prisma7.apply_sqlite)."""
        assert self.target.sqlite_file is not None
        try:
            outcome = prisma7.apply_sqlite(self.target.sqlite_file, self.migrations, local)
        except prisma7.Sqlite7Failure as failure:
            self.counts.pending = [name for name in local if name >= failure.name]
            self.transcript.note(f"{failure.code} in {failure.name}:\n{failure.message}")
            # Worded as the Prisma path words a failed `migrate deploy`, so the summary does not depend on the path.
            summary = messages.deploy_failure(failure.message, failure.code, failure.name)
            return self.result(Status.FAILED, summary, error_code=failure.code, failed_migration=failure.name)
        self.counts.applied.extend(outcome.applied)
        if outcome.applied:
            self.transcript.note(f"applied {', '.join(outcome.applied)} with sqlite3 (Prisma's _prisma_migrations rows)")
        return outcome

    def connection_problem(self, worker: MigrateWorker) -> str | None:
        """Why the server cannot be reached, in the driver's words (ECONNREFUSED...), without creating anything."""
        try:
            worker.pg_status(self.target.url, catalog=False)
        except WorkerError as error:
            return getattr(error, "message", str(error))
        return None

    def worker_gave_up(self, error: WorkerError) -> None:
        if self.seven is not None:  # no Prisma CLI path on 7; the run's 6 worker is not affected
            self.transcript.note(f"schema-engine worker (Prisma {self.seven.cli.version}): {error}")
            self.worker_error = str(error)
            return
        self.transcript.note(f"schema-engine worker: {error}; using the Prisma CLI")
        self.task.worker_failed(str(error))
        return

    def apply_on_server(self, worker: MigrateWorker, local: list[str]) -> PgApply | ServiceResult:
        scripts = [(name, sql) for name, sql in zip(local, history.migration_sql(self.migrations, local), strict=True)]
        try:
            outcome = worker.pg_apply(self.target.url, scripts, ensure=True)
        except EngineError as error:
            if error.context == "P3009":
                failed = error.extra.get("failed") or []
                self.counts.pending = [name for name in local if name in failed]
                return self.result(
                    Status.FAILED,
                    f"P3009: failed migration {', '.join(failed)} in the database blocks this service"
                    " (fix it, then `prisma migrate resolve --rolled-back <name>`)",
                    error_code="P3009",
                    failed_migration=failed[0] if failed else None,
                )
            if error.context == "apply":
                name = str(error.extra.get("migration") or "?")
                self.counts.pending = [entry for entry in local if entry >= name]
                self.transcript.note(f"applying {name} failed; the transaction was rolled back:\n{error.message}")
                return self.result(
                    Status.FAILED,
                    f"P3018: {name} failed: {messages.first_meaningful_line(error.message, 160)}"
                    f" (rolled back, nothing applied; fix prisma/migrations/{name}/migration.sql and rerun)",
                    error_code="P3018",
                    failed_migration=name,
                )
            return self.result(Status.FAILED, database_failure(self.target, error.message))
        if outcome.created:
            self.transcript.note(f"created database {self.target.masked}")
        self.counts.applied.extend(outcome.applied)
        if outcome.applied:
            self.transcript.note(f"applied {', '.join(outcome.applied)} in one transaction (schema-engine worker; Prisma's _prisma_migrations rows)")
        return outcome

    def write_new_migration(self, sql: str, local: list[str]) -> list[guard.Finding] | ServiceResult:
        """Guard, name and write a new migration; a failed result when the guard stops it."""
        findings = guard.scan(sql, history.migration_sql(self.migrations, local))
        name = history.new_migration_name(local, self.task.name or ("init" if not local else DEFAULT_NAME_LATER))
        if findings:
            self.transcript.note("destructive-change guard:\n" + "\n".join(f"  {finding}" for finding in findings))
            accepted = self.task.accept_data_loss or (
                self.task.confirm is not None and self.task.confirm(f"{self.service.name}: migration {name} " + "; ".join(map(str, findings)) + ". Apply it?")
            )
            if not accepted:
                self.transcript.note(f"not written: {name}\n{sql}")
                codes = sorted({finding.code for finding in findings})
                return self.result(
                    Status.FAILED,
                    f"blocked {name}: {', '.join(codes)} (review, then --accept-data-loss)",
                    findings=[finding.__dict__ for finding in findings],
                )
        history.write_migration(self.migrations, name, sql)
        self.counts.created.append(name)
        return findings

    # --- --status without Prisma ---------------------------------------------------------------

    def fast_status(self, live: PgStatus | EngineError | None = None) -> ServiceResult | None:
        """`--status` from `_prisma_migrations`, the recorded fingerprint and a catalog hash; None: ask Prisma.

        `live`: the database already read (`MigrateTask.settle`); in `quick`
        mode a verdict that needs a schema diff or Prisma's drift check is
        left undecided (None) for the pool.
        """
        if self.target.provider not in ("sqlite", "postgresql"):
            return None
        local = history.local_migrations(self.migrations)
        if self.target.sqlite_file is not None:
            if not self.target.sqlite_file.exists():
                return None  # the Prisma path's own message
            rows, catalog = sqlite_history.read_rows(self.target.sqlite_file), sqlite_catalog(self.target.sqlite_file)
        else:
            if live is None:
                worker = None if self.quick else self.worker()
                if worker is None:
                    return None
                try:
                    live = worker.pg_status(self.target.url)
                except EngineError as error:
                    live = error
                except WorkerError as error:
                    self.worker_gave_up(error)
                    return None
            if isinstance(live, EngineError):
                return self.result(Status.FAILED, database_failure(self.target, live.message), state="error")
            if not live.database:
                self.counts.pending = list(local)
                return self.result(Status.FAILED, f"no database yet; {len(local)} pending", state="missing database")
            rows, catalog = live.rows, live.catalog
        rows = rows or []
        failed = [row.migration_name for row in rows if row.failed]
        applied = {row.migration_name for row in rows if row.applied}
        unknown = sorted(applied - set(local))
        pending = [name for name in local if name not in applied]
        self.counts.pending = pending
        extra: dict[str, object] = {
            "failed_migrations": failed,
            "unknown_migrations": unknown,
            "applied_count": len([name for name in local if name in applied]),
            "fast_path": "status",
        }
        if failed:
            return self.result(Status.FAILED, f"failed: {', '.join(failed)}", state="failed", **extra)
        if unknown:
            return self.result(Status.FAILED, f"history diverged: {len(unknown)} in the database only, {len(pending)} not applied", state="diverged", **extra)
        if pending:
            return self.result(Status.FAILED, f"{len(pending)} pending: {', '.join(pending)}", state="pending", **extra)
        if not local:
            return self.result(Status.FAILED, "no migrations yet (run `migrate`)", state="no migrations", **extra)
        changed = self.schema_changed(local)
        if changed is None:
            return None
        if changed:
            return self.result(Status.FAILED, "schema changed, no migration (run `azora-tasks migrate --name <change>`)", state="schema changed", **extra)
        recorded = self.task.state.catalog(self.service.name)
        if (recorded is None or catalog != recorded) and self.seven is not None:
            # Prisma's drift check (db pull) needs the native engine on 7: say it was not checked.
            self.transcript.note("drift not checked: the structure differs from the last recorded one, and Prisma 7's db pull needs the native engine")
            return self.result(Status.OK, f"up to date ({len(local)} applied; drift not checked)", state="up to date", drift_checked=False, **extra)
        if recorded is None or catalog != recorded:
            if self.quick:
                return None  # Prisma's drift check: in the pool
            if self.drifted():
                return self.result(Status.FAILED, "drifted: the database schema differs from the migrations", state="drifted", **extra)
            self.transcript.note("no drift (checked with prisma db pull + migrate diff)")
            result = self.result(Status.OK, f"up to date ({len(local)} applied)", state="up to date", **extra)
            self.record_state(result, catalog)  # the next --status compares hashes instead
            return result
        self.transcript.note("no drift: the database structure hashes to what it was after the last clean check")
        return self.result(Status.OK, f"up to date ({len(local)} applied)", state="up to date", **extra)

    def schema_changed(self, local: list[str]) -> bool | None:
        """Does the schema need a migration the folder does not have? None when it cannot be told (or, `quick`, not without a diff)."""
        if self.task.state.matches(self.service.name, self.fingerprint()):
            return False
        worker = None if self.quick else self.worker()
        if worker is None or self.schema_files() != [self.schema]:
            return None
        try:
            sql = diff_to_schema(worker, self.target, [self.schema], self.migrations)
        except EngineError as error:
            self.transcript.note(f"schema engine ({error.context}): {error.message}")
            return None
        except WorkerError as error:
            self.worker_gave_up(error)
            return None
        if sql:
            self.transcript.note(f"the schema needs a migration the folder does not have:\n{sql}")
        return bool(sql)

    # --- steps -----------------------------------------------------------------------------

    def deploy(self, *, skip_when_current: bool = False) -> ServiceResult | None:
        """Apply pending migrations; returns a failed result, or None when all is applied."""
        local = history.local_migrations(self.migrations)
        if not local:
            return None
        if skip_when_current and self.target.sqlite_file is not None:
            applied = history.sqlite_applied(self.target.sqlite_file)
            if applied is not None and set(local) <= applied:
                return None
        result = self.transcript.add("prisma migrate deploy", self.engine.deploy(self.target, self.schema, self.env))
        self.counts.applied.extend(name for name in applied_names(result.output) if name not in self.counts.applied)
        if result.ok:
            return None
        failed = _failed_migration(result.output)
        # The wasm engine reports a failed script without Prisma's P3018 code; name it like the native engine does.
        code = result.error_code or ("P3018" if failed else None)
        self.counts.pending = [name for name in local if name not in self.counts.applied]
        return self.result(Status.FAILED, messages.deploy_failure(result.output, code, failed), error_code=code or "error", failed_migration=failed)

    def develop(self) -> ServiceResult:
        local = history.local_migrations(self.migrations)
        history.ensure_lock_file(self.migrations, self.target.provider)
        if not local:
            created = self.fresh()
            if created is not None:
                return created
        if local and not self.engine.uses_js_engine(self.target):
            self.shadow_risk = True  # the native engine's explicit shadow database is ours to drop
        diff = self.engine.diff(self.target, self.schema, self.env, self.migrations if local else None)
        self.transcript.add("prisma migrate diff", diff.result)
        if not diff.result.ok:
            self.shadow_risk = True
            summary = messages.summarize(diff.result.output, self.task.manifest.root, self.schema.parent.parent)
            return self.result(Status.FAILED, summary, error_code=diff.result.error_code)
        if diff.empty:
            applied = len(self.counts.applied)
            return self.result(Status.OK, f"applied {applied}" if applied else "up to date")
        written = self.write_new_migration(diff.sql, local)
        if isinstance(written, ServiceResult):
            return written
        findings = written
        name = self.counts.created[-1]
        failure = self.deploy()
        if failure:
            return failure
        summary = f"created {name}, applied {len(self.counts.applied)}"
        return self.result(Status.OK, summary, findings=[finding.__dict__ for finding in findings])

    def status(self) -> ServiceResult:
        local = history.local_migrations(self.migrations)
        if self.target.sqlite_file is not None and not self.target.sqlite_file.exists():
            self.counts.pending = list(local)
            return self.result(Status.FAILED, f"no database yet; {len(local)} pending", state="missing database")
        result = self.transcript.add("prisma migrate status", self.engine.status(self.target, self.schema, self.env))
        state = parse_status(result.output, result.returncode, local)
        self.counts.pending = state.pending
        if state.up_to_date and not local:
            return self.result(Status.FAILED, "no migrations yet (run `migrate`)", state="no migrations")
        if state.up_to_date and self.drifted():
            state = MigrationStatus("drifted")
        extra = {
            "state": state.state,
            "failed_migrations": state.failed,
            "unknown_migrations": state.unknown,
            "applied_count": len(local) - len(state.pending) - len(state.failed),
        }
        if state.up_to_date:
            return self.result(Status.OK, f"up to date ({len(local)} applied)", **extra)
        summary = {
            "pending": f"{len(state.pending)} pending: {', '.join(state.pending)}",
            "failed": f"failed: {', '.join(state.failed)}",
            "diverged": f"history diverged: {len(state.unknown)} in the database only, {len(state.pending)} not applied",
            "unmanaged": f"not managed by Prisma Migrate yet; {len(state.pending)} pending",
            "drifted": "drifted: the database schema differs from the migrations",
        }.get(state.state, f"status failed: {_last_line(result.output)}")
        return self.result(Status.FAILED, summary, **extra)

    def drifted(self) -> bool:
        """Does the live database differ from what the migrations produce? (db pull + diff)"""
        with tempfile.TemporaryDirectory(prefix="azora-drift-") as scratch:
            pulled, datamodel = self.engine.introspect(self.target, self.schema, self.env, Path(scratch))
            self.transcript.add("prisma db pull (drift check)", pulled)
            if not pulled.ok:
                return False
            diff = self.engine.diff(self.target, self.schema, self.env, self.migrations, to_schema=datamodel)
            self.transcript.add("prisma migrate diff (drift check)", diff.result)
            if not diff.result.ok:
                self.shadow_risk = True
                return False
            if not diff.empty:
                self.transcript.note(f"drift (migrations → database):\n{diff.sql}")
            return not diff.empty


def _by_server(runs: Sequence[_ServiceRun]) -> dict[str, dict[str, _ServiceRun]]:
    """Runs grouped by the server their database is on (one position each), then by URL."""
    grouped: dict[str, dict[str, _ServiceRun]] = {}
    for run in runs:
        grouped.setdefault(server_of(run.target.url), {})[run.target.url] = run
    return grouped


def _quietly(check: Callable[[], bool]) -> bool:
    """A local check before the pool; an error there (an unreadable file) is the pool's to report."""
    try:
        return check()
    except Exception:  # noqa: BLE001
        return False


def _failed_migration(output: str) -> str | None:
    import re

    match = (
        re.search(r"Migration name: (\S+)", output)
        or re.search(r"The `(\d{14}_\S+)` migration", output)
        or re.search(r'Applying migration\s+with migration_name="([^"]+)"', output)
        or re.search(r'migration_name="([^"]+)"', output)
    )
    return match.group(1) if match else None


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def database_failure(target: Target, text: str) -> str:
    """One line for a database that could not be reached or created (a refused connection is not "cannot create")."""
    lowered = text.lower()
    unreachable = (
        "econnrefused",
        "cannot connect",
        "connection refused",
        "enotfound",
        "etimedout",
        "ehostunreach",
        "can't reach database server",
        "timed out fetching a new connection",
    )
    if any(word in lowered for word in unreachable):
        code = next((code for code in ("ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH") if code.lower() in lowered), "server unreachable")
        return f"cannot connect to {target.provider} at {target.server} ({code}): is the server running and the URL right?"
    return f"cannot create database {target.masked}: {messages.first_meaningful_line(mask(text, (target.password,)))}"
