"""`generate`: write a checklist-conformant schema for every selected service -- and never lose work.

Rules, per service (see docs/generate.md):

* no schema yet                       -> write it                    (ok, "created")
* generated and untouched since       -> rewrite if the text changed (ok, "updated" / "unchanged")
* hand-edited or hand-written         -> leave it alone              (skipped, "kept")
* ... with --force                    -> back it up, then overwrite  (ok, "overwritten", details["backup"])

`--dry-run` prints the unified diff of what would change and writes nothing.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from azora_tasks.atomic import write_text_atomically
from azora_tasks.generate.archetypes import known_services, spec_for
from azora_tasks.generate.header import Ownership, ownership
from azora_tasks.generate.render import render_schema
from azora_tasks.generate.spec import ServiceSpec
from azora_tasks.manifest import Manifest, Service
from azora_tasks.process import ProcessGroup
from azora_tasks.results import ServiceResult, Status
from azora_tasks.tasks.spec import TaskHooks


def add_generate_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("generate")
    group.add_argument("--dry-run", action="store_true", help="print the diff of what would be written; write nothing")
    group.add_argument("--force", action="store_true", help="also overwrite hand-edited and hand-written schemas (after a backup)")


def build_generate(manifest: Manifest, processes: ProcessGroup, options: argparse.Namespace) -> GenerateTask:
    """Check every service's description up front: a manifest mistake is a usage error (exit 2), not 53 failures."""
    known = known_services(manifest)
    specs = {name: spec_for(manifest, service, known) for name, service in manifest.services.items()}
    show = getattr(options, "show", None) or _write_stdout  # the workflow passes a sink that pauses the live bar
    return GenerateTask(manifest, specs, dry_run=getattr(options, "dry_run", False), force=getattr(options, "force", False), show=show)


_STDOUT_LOCK = threading.Lock()


def _write_stdout(text: str) -> None:
    """The sink outside the workflow (library use): whole blocks, never interleaved across threads."""
    with _STDOUT_LOCK:
        sys.stdout.write(text)
        sys.stdout.flush()


@dataclass
class GenerateTask(TaskHooks):
    manifest: Manifest
    specs: Mapping[str, ServiceSpec]
    dry_run: bool = False
    force: bool = False
    clock: Callable[[], datetime] = datetime.now
    show: Callable[[str], None] = field(default=_write_stdout, repr=False)  # where dry-run diffs go; must be thread-safe

    def _prisma_major(self, service: Service) -> int:
        """`settings.prisma_major`, else the service's detected Prisma (toolchain/versions.py), else 6:
        generating needs no Prisma CLI, so a missing one is not an error here."""
        if self.manifest.settings.prisma_major:
            return self.manifest.settings.prisma_major
        from azora_tasks.toolchain.prisma_cli import PrismaError
        from azora_tasks.toolchain.versions import ToolchainResolver

        if not hasattr(self, "_toolchains"):
            self._toolchains = ToolchainResolver(self.manifest)
        try:
            return self._toolchains.for_service(service).major
        except PrismaError:
            return 6

    def __call__(self, service: Service) -> ServiceResult:
        started = time.monotonic()
        path = self.manifest.schema_file(service)
        shown = path.relative_to(self.manifest.root).as_posix()
        spec = self.specs.get(service.name) or spec_for(self.manifest, service)
        clients = self.manifest.client_settings(service)  # [settings.clients] go into new schemas
        text = render_schema(
            spec,
            service=service.name,
            description=service.description,
            provider=self.manifest.provider_for(service),
            client_output=clients.output.format(service=service.name),
            engine_type=clients.engine_type,
            prisma_major=self._prisma_major(service),
        )
        details: dict[str, object] = {"path": shown, "source": spec.source}

        def result(status: Status, action: str, summary: str, output: str = "") -> ServiceResult:
            details["action"] = action
            return ServiceResult(service.name, status, time.monotonic() - started, output, summary, details)

        if not path.exists():
            return self._write(path, shown, "", text, "created", result)
        current = path.read_bytes().decode("utf-8", errors="replace")
        if current == text:
            return result(Status.OK, "unchanged", "unchanged")
        owner = ownership(current)
        if owner is Ownership.GENERATED:
            return self._write(path, shown, current, text, "updated", result)
        if not self.force:
            details["ownership"] = owner.value
            return result(Status.SKIPPED, "kept", f"{owner.value}: left alone")
        details["ownership"] = owner.value
        return self._write(path, shown, current, text, "overwritten", result)

    def _write(self, path: Path, shown: str, current: str, text: str, action: str, result: Callable[..., ServiceResult]) -> ServiceResult:
        if self.dry_run:
            diff = "".join(
                difflib.unified_diff(current.splitlines(keepends=True), text.splitlines(keepends=True), f"a/{shown}" if current else "/dev/null", f"b/{shown}")
            )
            self.show(diff)
            return result(Status.OK, action, f"would be {action} (dry run)", diff)
        backup = write_backup(path, self.clock()) if action == "overwritten" else None
        write_text_atomically(path, text)
        if backup is None:
            return result(Status.OK, action, action)
        outcome = result(Status.OK, action, f"overwritten; backup {backup.name}")
        outcome.details["backup"] = backup.relative_to(self.manifest.root).as_posix()
        return outcome


def write_backup(path: Path, now: datetime) -> Path:
    """Copy `path` to `<name>.bak-<timestamp>` next to it; never replaces an existing backup."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    data = path.read_bytes()
    for attempt in range(1000):
        backup = path.with_name(f"{path.name}.bak-{stamp}" + (f"-{attempt}" if attempt else ""))
        try:
            with open(backup, "xb") as stream:  # "x": fails instead of clobbering
                stream.write(data)
                stream.flush()
            return backup
        except FileExistsError:
            continue
    raise FileExistsError(f"could not find a free backup name next to {path}")
