"""`migrate --check` and `migrate --lint`: the CI gate for migrations, one task over the selected services.

Per service, `--check` asks whether the committed migrations produce the
schema (`migrate.check`, on a scratch database only) and `--lint` lints the
committed `migration.sql` files (`azora_tasks.migrate_lint`): all of them, or
with `--changed-since REF` only those added or changed since REF, with REF's
folder names for the non-linear-history rule. A service fails when its schema
has uncovered changes, the check cannot run, or the lint finds an error.

Results are cached like `validate`'s (content hash of the schema files, every
migration file, the toolchain and the options), so re-running an unchanged
CI shard replays from `.azora-cache/`; `--no-cache` turns that off.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azora_tasks.atomic import write_text_atomically
from azora_tasks.cache import (
    CacheStore,
    result_from_entry,
    schema_files,
    sha256_bytes,
    sha256_json,
    toolchain_fingerprint,
)
from azora_tasks.console import FAILURE_OUTPUT_LINES
from azora_tasks.manifest import Manifest, Service
from azora_tasks.migrate import history
from azora_tasks.process import ProcessGroup
from azora_tasks.results import RunResult, ServiceResult, Status
from azora_tasks.selection import changed_files
from azora_tasks.tasks.spec import TaskHooks
from azora_tasks.toolchain.migrate_worker import MigrateWorker
from azora_tasks.toolchain.prisma_cli import PrismaCli, PrismaError, find_prisma

CACHE_TASK = "migrate-gate"


def add_gate_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("migrate CI gate (--check / --lint; combine freely, with every selection option)")
    group.add_argument(
        "--check",
        action="store_true",
        dest="gate_check",
        help="exit 1 naming each service whose schema has changes no committed migration covers, with the SQL a new"
        " migration would contain; diffs in the migrate worker (in memory, or a shadow database it drops) or on a throw-away"
        " scratch database (--engine prisma), never the service's own",
    )
    group.add_argument(
        "--lint",
        action="store_true",
        dest="gate_lint",
        help="lint committed migration.sql files (with --changed-since REF: only those added or changed since REF) -- docs/migration-lint.md",
    )
    group.add_argument("--junit", type=Path, metavar="PATH", dest="gate_junit", help="--check/--lint results as JUnit XML")
    group.add_argument("--sarif", type=Path, metavar="PATH", dest="gate_sarif", help="--check/--lint results as SARIF 2.1.0 (code scanning)")
    group.add_argument("--lint-json", type=Path, metavar="PATH", dest="gate_lint_json", help="--lint findings (and --check SQL) as JSON")
    if "--no-cache" not in parser._option_string_actions:  # another group of this parser may define it already
        group.add_argument("--no-cache", action="store_true", help="ignore and do not update the content-hash cache")


def wants_gate(options: argparse.Namespace) -> bool:
    return bool(getattr(options, "gate_check", False) or getattr(options, "gate_lint", False))


def build_gate(manifest: Manifest, processes: ProcessGroup, options: argparse.Namespace) -> GateTask:
    mode = getattr(options, "migrate_mode", None)
    if mode:
        raise PrismaError(f"--check/--lint cannot be combined with --{mode}: run them as separate commands")
    check = bool(getattr(options, "gate_check", False))
    ref = getattr(options, "changed_since", None)
    changed = None
    if ref and getattr(options, "gate_lint", False):
        files = getattr(options, "changed_files", None)  # the selection's answer (workflow.select_step)
        changed = set(files if files is not None else changed_files(manifest.root, ref))
    return GateTask(
        manifest,
        find_prisma(manifest) if check else None,
        processes,
        check=check,
        lint=bool(getattr(options, "gate_lint", False)),
        base_ref=ref,
        changed=changed,
        use_cache=not getattr(options, "no_cache", False),
        use_worker=getattr(options, "migrate_engine", "auto") != "prisma",
    )


def _git(root: Path, *args: str) -> tuple[int, list[str], str]:
    try:
        completed = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise PrismaError("--changed-since needs git, which is not installed") from None
    return completed.returncode, [line for line in completed.stdout.splitlines() if line], completed.stderr.strip()


@dataclass
class GateTask(TaskHooks):
    manifest: Manifest
    prisma: PrismaCli | None  # None with --lint alone: the lint needs no Node
    processes: ProcessGroup
    check: bool = True
    lint: bool = True
    base_ref: str | None = None
    changed: set[str] | None = None  # files changed since base_ref; None: lint every migration
    use_cache: bool = True
    use_worker: bool = True  # `--engine prisma`: every check through the Prisma CLI on a scratch database
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    _base_folders: dict[str, list[str]] | None = field(default=None, init=False, repr=False)  # migrations folder -> names on base_ref
    _base_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _worker: MigrateWorker | None = field(default=None, init=False, repr=False)  # one per run, shared (its requests are serialised)

    def __post_init__(self) -> None:
        from azora_tasks.migrate.engine import Engine

        self.engine = Engine(self.manifest, self.prisma, self.processes) if self.prisma is not None else None
        self.store = CacheStore(self.manifest.root)
        self._toolchain = toolchain_fingerprint(self.manifest, self.prisma.version if self.prisma else "not used")

    def worker(self) -> MigrateWorker | None:
        """The run's migrate worker for `--check` (started on first use); None with `--lint` alone or `--engine prisma`."""
        if self.prisma is None or not self.use_worker:
            return None
        with self._base_lock:
            if self._worker is None:
                self._worker = MigrateWorker(self.manifest.root, self.prisma.script, processes=self.processes)
            return self._worker

    def close(self) -> None:
        """Stop the worker: it drops the shadow databases it kept."""
        with self._base_lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.close()

    # --- what a service's verdict depends on ---------------------------------------------------

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.manifest.root).as_posix()
        except ValueError:
            return str(path)

    def lint_scope(self, migrations: Path) -> tuple[set[str] | None, list[str] | None]:
        """Which migrations to lint (None: all) and the base ref's migration names (None: unknown)."""
        if self.changed is None or self.base_ref is None:
            return None, None
        prefix = self._relative(migrations) + "/"
        only = {path[len(prefix) :].split("/", 1)[0] for path in self.changed if path.startswith(prefix) and path.endswith("/migration.sql")}
        with self._base_lock:  # services run in worker threads; the first one asks git for all
            if self._base_folders is None:
                self._base_folders = self._base_migrations(self.base_ref)
        return only, self._base_folders.get(prefix, [])

    def _base_migrations(self, ref: str) -> dict[str, list[str]]:
        """Every service's migration folder names on `ref` (for the non-linear-history rule), from one
        `git ls-tree -r` over all migrations folders; an unknown ref gives every service none."""
        prefixes = {self._relative(history.migrations_dir(self.manifest.schema_file(service))) + "/" for service in self.manifest.services.values()}
        code, lines, _ = _git(self.manifest.root, "ls-tree", "-r", "--name-only", ref, "--", *sorted(prefixes))
        folders: dict[str, set[str]] = {}
        for line in lines if code == 0 else []:
            for slash in (index for index, char in enumerate(line) if char == "/"):
                prefix, rest = line[: slash + 1], line[slash + 1 :]
                if prefix in prefixes and "/" in rest:  # a file inside a migration folder (not migration_lock.toml)
                    folders.setdefault(prefix, set()).add(rest.split("/", 1)[0])
                    break
        return {prefix: sorted(names) for prefix, names in folders.items()}

    def inputs(self, service: Service, schema: Path, only: set[str] | None, base: list[str] | None) -> dict[str, str]:
        migrations = history.migrations_dir(schema)
        files = sorted(path for path in migrations.rglob("*") if path.is_file()) if migrations.is_dir() else []
        return {
            "schema": sha256_json({self._relative(path): sha256_bytes(path.read_bytes()) for path in schema_files(self.manifest, service)}),
            "migrations": sha256_json({self._relative(path): sha256_bytes(path.read_bytes()) for path in files}),
            "toolchain": self._toolchain,
            "options": sha256_json(
                {
                    "check": self.check,
                    "lint": self.lint,
                    "only": sorted(only) if only is not None else None,
                    "base": base,
                    "provider": self.manifest.provider_for(service),
                }
            ),
        }

    # --- the work --------------------------------------------------------------------------

    def __call__(self, service: Service) -> ServiceResult:
        schema = self.manifest.schema_file(service)
        if not schema.is_file():
            return ServiceResult(service.name, Status.SKIPPED, summary=f"no schema at {self._relative(schema)} (run `generate` first)")
        only, base = self.lint_scope(history.migrations_dir(schema)) if self.lint else (None, None)
        inputs = self.inputs(service, schema, only, base)
        if self.use_cache:
            verdict = self.store.verdict(CACHE_TASK, service.name, inputs, None)
            if verdict.hit and verdict.entry is not None:
                return result_from_entry(verdict.entry)
        result = self.run(service, schema, only, base)
        if self.use_cache:
            try:
                self.store.write(CACHE_TASK, result, inputs, [])
            except OSError:
                pass  # a read-only tree only loses the cache
        return result

    def run(self, service: Service, schema: Path, only: set[str] | None, base: list[str] | None) -> ServiceResult:
        started = time.monotonic()
        problems: list[str] = []
        notes: list[str] = []
        outputs: list[str] = []
        details: dict[str, Any] = {}
        if self.check:
            from azora_tasks.migrate.check import check_service

            assert self.engine is not None
            outcome = check_service(self.engine, self.manifest, service, schema, self.run_id, self.worker())
            details["check"] = {
                "covered": outcome.covered,
                "sql": outcome.sql,
                "schema": self._relative(schema),
                "migrations": outcome.migrations,
                "error": outcome.error,
                "scratch_database": outcome.scratch,
            }
            if outcome.error:
                problems.append(f"check failed: {outcome.error}")
                outputs.append(outcome.transcript.text)
            elif outcome.sql.strip():
                problems.append("schema changes not covered by a migration" + ("" if outcome.migrations else " (no migrations yet)"))
                outputs.append(f"-- SQL a new migration would contain (run `azora-tasks migrate {service.name}` and commit it):\n{outcome.sql.strip()}")
            else:
                notes.append(f"migrations cover the schema ({outcome.migrations})")
        if self.lint:
            from azora_tasks.migrate_lint import lint_folder
            from azora_tasks.migrate_lint.formats import format_text
            from azora_tasks.rulebook.findings import Severity

            result, linted = lint_folder(
                history.migrations_dir(schema), provider=self.manifest.provider_for(service), only=only, base_migrations=base, display_root=self.manifest.root
            )
            details["lint"] = {**result.to_dict(), "linted": linted}
            if result.findings:
                outputs.append(format_text(result))
            errors, warnings = len(result.by_severity(Severity.ERROR)), len(result.by_severity(Severity.WARNING))
            counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            if errors:
                problems.append(f"lint: {counts} in {len(linted)} migration(s)")
            else:
                notes.append(f"lint: {counts} in {len(linted)} migration(s)" + (f", {result.suppressed} suppressed" if result.suppressed else ""))
        status = Status.FAILED if problems else Status.OK
        return ServiceResult(
            service.name,
            status,
            time.monotonic() - started,
            "\n".join(o for o in outputs if o),
            "; ".join(problems + notes) if problems else "; ".join(notes),
            details,
        )

    # --- reports ---------------------------------------------------------------------------

    def write_reports(self, run: RunResult, options: argparse.Namespace) -> list[Path]:
        """Print each uncovered service's whole SQL when the summary would cut it, then write JUnit/SARIF/JSON."""
        from azora_tasks.migrate_lint.formats import format_json, format_junit, format_sarif
        from azora_tasks.rulebook.findings import LintResult

        checks = {r.service: r.details["check"] for r in run.results if "check" in r.details}
        for service, check in sorted(checks.items()):
            if len(check.get("sql", "").strip().splitlines()) >= FAILURE_OUTPUT_LINES:
                sys.stdout.write(f"\n== {service}: schema changes not covered by a migration; a new migration would contain:\n{check['sql'].rstrip()}\n")
        sys.stdout.flush()
        lint = {r.service: LintResult.from_dict(r.details["lint"]) for r in run.results if "lint" in r.details}
        check_pairs = {
            service: (check.get("schema", ""), check.get("sql", "") or (f"-- check failed: {check['error']}" if check.get("error") else ""))
            for service, check in checks.items()
        }
        written: list[Path] = []
        if getattr(options, "gate_junit", None):
            write_text_atomically(options.gate_junit, format_junit(lint, check_pairs if self.check else None))
            written.append(options.gate_junit)
        if getattr(options, "gate_sarif", None):
            write_text_atomically(options.gate_sarif, format_sarif(lint if self.lint else None, check_pairs if self.check else None))
            written.append(options.gate_sarif)
        if getattr(options, "gate_lint_json", None):
            write_text_atomically(options.gate_lint_json, format_json(lint, {s: c.get("sql", "") for s, c in checks.items()} if self.check else None))
            written.append(options.gate_lint_json)
        return written
