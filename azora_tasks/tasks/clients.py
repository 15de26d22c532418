"""`clients`: `prisma generate` for every selected service, with collision detection.

The trap this task exists to catch: `prisma-client-js` without `output`
writes into `node_modules/.prisma/client` next to the hoisted `@prisma/client`
-- the same folder for every service -- so in the seed's loop the last service
wins and every other service silently imports the wrong client. Outputs are
resolved for every service of the manifest before anything runs, and services
that share an output folder fail with the fix, instead of overwriting each other.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azora_tasks.client_worker import ClientWorker, batch_available
from azora_tasks.manifest import Manifest, Service
from azora_tasks.cache import add_cache_arguments
from azora_tasks.prisma import PrismaCli, find_prisma, native_query_engine, service_env
from azora_tasks.results import ServiceResult, Status
from azora_tasks.runner import ProcessGroup
from azora_tasks.schema_text import SchemaEncodingError, client_output_dir, generators, read_schema_text
from azora_tasks.tasks.validate import describe_prisma_error

GENERATE_TIMEOUT_SECONDS = 300
ENGINES = ("auto", "batch", "cli")


def add_clients_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument_group("clients").add_argument(
        "--engine", choices=ENGINES, default="auto",
        help="batch: one Node worker for the run (same output as the CLI); cli: `prisma generate` per service; auto = batch when installed",
    )
    add_cache_arguments(parser)


def build_clients(manifest: Manifest, processes: ProcessGroup, options: argparse.Namespace) -> ClientsTask:
    return ClientsTask(manifest, find_prisma(manifest), processes, engine=options.engine)


def resolve_outputs(manifest: Manifest, service: Service) -> list[Path]:
    """Output folders of the service's client generators (empty when it has no schema)."""
    schema = manifest.schema_file(service)
    if not schema.is_file():
        return []
    try:
        text = read_schema_text(schema, manifest.root)
    except SchemaEncodingError:
        return []  # that service alone fails when it runs; the others' outputs are still resolved
    return [client_output_dir(generator, schema, manifest.root) for generator in generators(text) if generator.is_client]


def find_collisions(outputs: dict[str, list[Path]]) -> dict[str, list[str]]:
    """service -> the other services writing their client into the same folder."""
    writers: dict[Path, list[str]] = defaultdict(list)
    for name, folders in outputs.items():
        for output in folders:
            writers[output].append(name)
    collisions: dict[str, list[str]] = {}
    for names in writers.values():
        if len(names) > 1:
            for name in names:
                collisions[name] = [other for other in names if other != name]
    return collisions


@dataclass
class ClientsTask:
    manifest: Manifest
    prisma: PrismaCli
    processes: ProcessGroup
    engine: str = "auto"
    collisions: dict[str, list[str]] = field(default_factory=dict)
    _worker: ClientWorker | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # Resolved once per run for every service of the manifest: collisions are a
        # property of the whole tree, and the cache compares these folders per service.
        self._outputs = {name: resolve_outputs(self.manifest, service) for name, service in self.manifest.services.items()}
        self.collisions = find_collisions(self._outputs)
        self._native_engine = native_query_engine(self.manifest.root)
        if self.engine == "auto":
            self.engine = "batch" if batch_available(self.manifest.root) else "cli"

    def cache_options(self) -> dict[str, Any]:
        # The engine is not part of the key: both paths write the same files.
        return {"collides with": {name: sorted(others) for name, others in sorted(self.collisions.items())}}

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()

    def outputs(self, service: Service) -> list[Path]:
        return self._outputs.get(service.name) or resolve_outputs(self.manifest, service)

    def __call__(self, service: Service) -> ServiceResult:
        schema = self.manifest.schema_file(service)
        if not schema.is_file():
            return ServiceResult(service.name, Status.MISSING, summary=f"no schema at {schema.relative_to(self.manifest.root)}")
        if service.name in self.collisions:
            others = ", ".join(self.collisions[service.name])
            return ServiceResult(
                service.name, Status.FAILED,
                output=f"client output collides with {others}",
                summary=f"client output shared with {others}: add a per-service `output = \"../generated/client\"` to the generator block",
            )
        text = read_schema_text(schema, self.manifest.root)
        client_generators = [g for g in generators(text) if g.is_client]
        # A library-engine client embeds the native query engine; never embed a placeholder.
        needs_engine = any(g.engine_type != "client" for g in client_generators)
        started = time.monotonic()
        env = service_env(self.manifest, service, text, query_engine_placeholder=needs_engine and self._native_engine is None)
        ok, output = self._generate(service, schema, env)
        duration = time.monotonic() - started
        if not ok:
            return ServiceResult(service.name, Status.FAILED, duration, output, describe_prisma_error(output))
        outputs = [str(path.relative_to(self.manifest.root)) if path.is_relative_to(self.manifest.root) else str(path) for path in self.outputs(service)]
        summary = f"generated {', '.join(outputs) or '(no client generator)'}"
        if needs_engine and self._native_engine is None:
            summary += " (library engine unavailable offline; see docs/clients.md)"
        return ServiceResult(service.name, Status.OK, duration, output, summary, details={"outputs": outputs, "engine": self.engine})

    def _generate(self, service: Service, schema: Path, env: dict[str, str]) -> tuple[bool, str]:
        if self.engine == "batch":
            if self._worker is None:
                self._worker = ClientWorker(self.manifest.root)
            return self._worker.generate(schema, self.manifest.service_dir(service), env, self.prisma.version)
        completed = self.processes.run(
            self.prisma.command("generate", "--schema", str(schema)),
            cwd=self.manifest.service_dir(service), env=env, timeout=GENERATE_TIMEOUT_SECONDS,
        )
        return completed.returncode == 0, completed.stdout
