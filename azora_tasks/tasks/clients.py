"""`clients`: `prisma generate` for every selected service, with collision detection.

The trap this task exists to catch: `prisma-client-js` without `output`
writes into `node_modules/.prisma/client` next to the hoisted `@prisma/client`
-- the same folder for every service -- so in the seed's loop the last service
wins and every other service silently imports the wrong client. Outputs are
resolved for every service of the manifest before anything runs (with
`[settings.clients]` applied), and a run whose selection contains services
sharing an output folder is refused with one line per shared folder and the
manifest setting that fixes them all, instead of overwriting each other.

Schemas are never edited here: when `[settings.clients]` adds `output` or
`engineType` to a generator, the client is generated from the effective text
(a hidden copy next to the schema, removed afterwards) so relative paths
resolve exactly as they would in the file. `--write-output` writes the
effective text into the schema files for teams that want it there.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azora_tasks.atomic import write_text_atomically
from azora_tasks.cache import add_cache_arguments
from azora_tasks.client_settings import effective_schema, find_collisions, resolve_outputs
from azora_tasks.manifest import Manifest, ManifestError, Service
from azora_tasks.process import ProcessGroup
from azora_tasks.results import RunResult, ServiceResult, Status
from azora_tasks.schema_text import generators, read_schema_text
from azora_tasks.tasks.spec import CacheKey, TaskHooks
from azora_tasks.tasks.validate import describe_prisma_error
from azora_tasks.toolchain.client_worker import ClientWorker, batch_available
from azora_tasks.toolchain.packages import CLIENT_RUNTIME, runtime_for, runtime_matches
from azora_tasks.toolchain.prisma_cli import ENGINE_PLACEHOLDER, PrismaCli, find_prisma, native_query_engine, service_env
from azora_tasks.toolchain.prisma_config import config_arguments
from azora_tasks.toolchain.versions import Toolchain, ToolchainResolver

GENERATE_TIMEOUT_SECONDS = 300
ENGINES = ("auto", "batch", "cli")
NAMES_SHOWN = 5  # per collision finding; the rest is "(+N more)"
_ENGINE_FILE_PREFIXES = ("libquery_engine-", "query_engine-", "query-engine-")

__all__ = ["ClientsTask", "add_clients_arguments", "build_clients", "collision_report", "find_collisions", "resolve_outputs"]


def hidden_copy_name(schema: Path) -> str:
    """The copy generated from when settings apply: hidden, and not `*.prisma`, so no schema glob
    (the cache's, an editor's, a multi-file schema's) ever picks it up."""
    return f".{schema.name}.azora-clients"


def add_clients_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("clients")
    group.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="batch: one Node worker for the run (same output as the CLI); cli: `prisma generate` per service; auto = batch when installed",
    )
    group.add_argument(
        "--write-output",
        action="store_true",
        help="write [settings.clients] (output, engineType) into each selected schema's generator block, then generate",
    )
    add_cache_arguments(parser)


def build_clients(manifest: Manifest, processes: ProcessGroup, options: argparse.Namespace) -> ClientsTask:
    return ClientsTask(manifest, find_prisma(manifest), processes, engine=options.engine, write_output=getattr(options, "write_output", False))


def collision_report(manifest: Manifest, collisions: dict[Path, list[str]]) -> tuple[str, str]:
    """(findings, fix): one line per shared folder, one fix line naming the manifest setting."""
    lines = []
    for folder, names in collisions.items():
        shown = ", ".join(names[:NAMES_SHOWN])
        more = f" … (+{len(names) - NAMES_SHOWN} more)" if len(names) > NAMES_SHOWN else ""
        lines.append(f"  {len(names)} services write {_display(folder, manifest.root)}: {shown}{more}")
    findings = "client outputs collide (each service would overwrite the others' client):\n" + "\n".join(lines)
    fix = (
        'add `[settings.clients]` with `output = "../generated/client"` to the manifest (resolved against each schema file,'
        " `{service}` allowed; no schema is edited), or `[services.NAME.clients] output` for one service"
    )
    return findings, fix


def _display(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def remove_engine_files(folder: Path, *, keep_native: bool) -> list[str]:
    """Delete files a client must not carry; returns their names.

    A library-engine client generated offline gets a copy of the placeholder
    file the CLI was pointed at (`prisma_cli.ENGINE_PLACEHOLDER`, under its own
    name), not an engine. An `engineType = "client"` client needs no engine at
    all, so query-engine files left there by an earlier generation are stale.
    """
    placeholder = ENGINE_PLACEHOLDER.read_bytes()
    removed: list[str] = []
    if not folder.is_dir():
        return removed
    for path in folder.iterdir():
        if not path.is_file():
            continue
        stale_engine = not keep_native and path.name.startswith(_ENGINE_FILE_PREFIXES)
        if stale_engine or (path.stat().st_size == len(placeholder) and path.read_bytes() == placeholder):
            path.unlink()
            removed.append(path.name)
    return removed


@dataclass
class ClientsTask(TaskHooks):
    manifest: Manifest
    prisma: PrismaCli
    processes: ProcessGroup
    engine: str = "auto"
    write_output: bool = False
    collisions: dict[Path, list[str]] = field(default_factory=dict)
    _worker: ClientWorker | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # Resolved once per run for every service of the manifest: collisions are a
        # property of the whole tree, and the cache compares these folders per service.
        self._outputs = {name: resolve_outputs(self.manifest, service) for name, service in self.manifest.services.items()}
        self.collisions = find_collisions(self._outputs)
        self._native_engine = native_query_engine(self.manifest.root)
        self.toolchains = ToolchainResolver(self.manifest)
        if self.engine == "auto":
            self.engine = "batch" if batch_available(self.manifest.root) else "cli"

    def check_selection(self, services: list[Service]) -> None:
        """Refuse a run that would make selected services overwrite each other's client."""
        selected = {service.name for service in services}
        shared = {folder: names for folder, names in self.collisions.items() if selected & set(names)}
        if shared:
            findings, fix = collision_report(self.manifest, shared)
            raise ManifestError(self.manifest.path, None, "settings.clients.output", findings, fix)

    def cache_key(self) -> CacheKey:
        return CacheKey("clients", self.cache_options(), self.prisma.version)

    def cache_inputs(self, service: Service) -> dict[str, str]:
        return {"service prisma": self.toolchains.cache_key(service)}  # the service's own Prisma (toolchain/versions.py)

    def cache_options(self) -> dict[str, Any]:
        # The engine is not part of the key: both paths write the same files. The
        # client settings are part of `settings` and of the manifest entry already.
        return {"native engine": bool(self._native_engine)}

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()

    def outputs(self, service: Service) -> list[Path]:
        return self._outputs.get(service.name, [])  # resolved for every manifest service when the task was built

    def notices(self, run: RunResult) -> list[str]:
        """Lines printed after the summary, so a terminal shows them even when the table hides ok rows."""
        unrunnable = sorted(r.service for r in run.results if r.details.get("runnable") is False)
        if not unrunnable:
            return []
        shown = ", ".join(unrunnable[:NAMES_SHOWN]) + (f" … (+{len(unrunnable) - NAMES_SHOWN} more)" if len(unrunnable) > NAMES_SHOWN else "")
        return [
            (
                f"warning: {len(unrunnable)} clients use the library engine and cannot run here (no native query engine"
                f" installed; it cannot be downloaded offline): {shown}"
            ),
            '  fix: set `engine_type = "client"` in [settings.clients] and pass a driver adapter to PrismaClient (docs/clients.md)',
        ]

    def __call__(self, service: Service) -> ServiceResult:
        schema = self.manifest.schema_file(service)
        if not schema.is_file():
            return ServiceResult(service.name, Status.MISSING, summary=f"no schema at {schema.relative_to(self.manifest.root)}")
        text = read_schema_text(schema, self.manifest.root)
        effective = effective_schema(self.manifest, service, text)
        if self.write_output and effective != text:
            write_text_atomically(schema, effective)
            text = effective
        client_generators = [g for g in generators(effective) if g.is_client]
        toolchain = self.toolchains.for_service(service)
        # A library-engine client embeds the native query engine; offline there is none.
        # Prisma 7 clients have no query engine at all (always a driver adapter).
        library = toolchain.major < 7 and any(g.engine_type != "client" for g in client_generators)
        runnable = not library or self._native_engine is not None
        mismatch = self._runtime_problem(self.outputs(service), toolchain.cli)
        if mismatch:
            return ServiceResult(service.name, Status.FAILED, output=mismatch, summary=mismatch.splitlines()[0])
        started = time.monotonic()
        env = service_env(self.manifest, service, effective, query_engine_placeholder=library and self._native_engine is None)
        with _schema_to_generate(schema, text, effective) as source:
            ok, output = self._generate(service, source, env, toolchain, effective)
        duration = time.monotonic() - started
        if not ok:
            return ServiceResult(service.name, Status.FAILED, duration, output, describe_prisma_error(output))
        folders = self.outputs(service)
        for folder in folders:
            remove_engine_files(folder, keep_native=library)
            if effective != text:
                _name_the_real_schema(folder, schema)
        outputs = [_display(path, self.manifest.root) for path in folders]
        summary = f"generated {', '.join(outputs) or '(no client generator)'}"
        if not runnable:
            summary += " (library engine: cannot run offline; see docs/clients.md)"
        details = {
            "outputs": outputs,
            "engine": self.engine if toolchain.major < 7 else "cli",
            "runnable": runnable,
            "settings applied": effective != text,
            "prisma": toolchain.cli.version,
        }
        return ServiceResult(service.name, Status.OK, duration, output, summary, details=details)

    def _runtime_problem(self, folders: list[Path], cli: PrismaCli) -> str | None:
        """Why a client generated into these folders would not run with the `@prisma/client` Node
        resolves from them (the one the app loads), or None. Generated code and runtime must be
        the same version as the CLI that generates them."""
        for folder in folders:
            found = runtime_for(folder)
            if cli.major >= 7 and (found is None or not runtime_matches(found[1], cli.version)):
                where = f"{found[1]} at {_display(found[0], self.manifest.root)}" if found else "none"
                return (
                    f"{CLIENT_RUNTIME} for Prisma {cli.version} is not installed where {_display(folder, self.manifest.root)} can load it"
                    f" (found: {where})\n  fix: `npm install -D {CLIENT_RUNTIME}@{'.'.join(cli.version.split('.')[:2])}` in the service's folder,"
                    " next to its Prisma 7 (docs/prisma-versions.md)"
                )
            if found is None:
                return (
                    f"no {CLIENT_RUNTIME} installed where {_display(folder, self.manifest.root)} can load it\n"
                    f"  fix: run `azora-tasks node init` in {self.manifest.root} (pins {CLIENT_RUNTIME} {cli.version})"
                )
            path, version = found
            if not runtime_matches(version, cli.version):
                return (
                    f"{CLIENT_RUNTIME} {version} at {_display(path, self.manifest.root)} does not match the Prisma CLI {cli.version}:"
                    f" a client generated here would not run\n"
                    f"  fix: pin {CLIENT_RUNTIME} {cli.version} (`azora-tasks node init --force`), or point settings.prisma_cli at a CLI {version}"
                )
        return None

    def _generate(self, service: Service, schema: Path, env: dict[str, str], toolchain: Toolchain, text: str) -> tuple[bool, str]:
        if toolchain.major >= 7:  # the batch worker runs Prisma 6's generators: ask the service's own CLI
            completed = self.processes.run(
                toolchain.cli.command("generate", "--schema", str(schema), *config_arguments(self.manifest, service, toolchain, schema, text, env)),
                cwd=self.manifest.service_dir(service),
                env=env,
                timeout=GENERATE_TIMEOUT_SECONDS,
            )
            return completed.returncode == 0, completed.stdout
        if self.engine == "batch":
            if self._worker is None:
                self._worker = ClientWorker(self.manifest.root, processes=self.processes)
            return self._worker.generate(schema, self.manifest.service_dir(service), env, self.prisma.version)
        completed = self.processes.run(
            toolchain.cli.command("generate", "--schema", str(schema)),
            cwd=self.manifest.service_dir(service),
            env=env,
            timeout=GENERATE_TIMEOUT_SECONDS,
        )
        return completed.returncode == 0, completed.stdout


def _name_the_real_schema(folder: Path, schema: Path) -> None:
    """The client records the file it was generated from: name the schema, not the hidden copy."""
    hidden = hidden_copy_name(schema)
    for name in ("index.js", "edge.js", "wasm.js", "default.js", "client.js"):
        path = folder / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if hidden in text:
                write_text_atomically(path, text.replace(f'/{hidden}"', f'/{schema.name}"'))


@contextmanager
def _schema_to_generate(schema: Path, text: str, effective: str) -> Iterator[Path]:
    """The schema file itself, or a hidden copy of the effective text in the same folder.

    Same folder, so `output`, SQLite paths and `.env` resolve as from the file.
    """
    if effective == text:
        yield schema
        return
    copy = schema.with_name(hidden_copy_name(schema))
    write_text_atomically(copy, effective)
    try:
        yield copy
    finally:
        copy.unlink(missing_ok=True)
