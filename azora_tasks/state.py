"""Where each service stands, derived from the tree, git and the last results.

The progress page used to be edited by hand and went stale the day after. Here
every fact comes from somewhere checkable:

* the tree: is there a schema, and is it still exactly what `generate` wrote
  (the header hash) or has a person customised it; are there migrations; does
  the generated client exist;
* git: when each schema first appeared (for "recently implemented" and the
  weekly table);
* the last results: the cache's entries of earlier runs, or the JSON results of
  CI shards merged together (`--merge`).

Two verdicts are kept apart because they answer different questions: *valid*
is Prisma's verdict and only a run that asked Prisma sets it (a `--lint-only`
run never does); *lint-clean* is the checklist's. "Implemented" means
Prisma-valid -- lint errors never lower it. The client counts only when the
service's own output folder (shared with no other service) holds a client
generated from the schema as it is now.
"""

from __future__ import annotations

import datetime
import enum
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azora_tasks import last_results
from azora_tasks.client_settings import effective_schema, find_collisions, schema_outputs
from azora_tasks.generate.header import Ownership, ownership
from azora_tasks.last_results import LINT_ONLY, LastResults
from azora_tasks.manifest import Manifest, Service
from azora_tasks.service_files import has_migrations
from azora_tasks.tasks.registry import RESULT_NAMES  # every result name a registered task declares in `reads`


class SchemaState(str, enum.Enum):
    MISSING = "missing"
    GENERATED = "generated"  # untouched output of `generate`
    CUSTOMISED = "customised"  # hand-edited or hand-written


@dataclass(frozen=True)
class ServiceState:
    name: str
    schema: SchemaState
    valid: bool | None  # Prisma's verdict; None: Prisma was never asked
    lint_findings: int | None
    migrated: bool | None  # None: unknown (no migrations and no result)
    client_generated: bool
    first_seen: datetime.date | None  # first commit that added the schema
    lint_errors: int | None = None  # error-severity findings; None: never linted

    @property
    def implemented(self) -> bool:
        """A schema exists and Prisma found it valid (lint findings never change this)."""
        return self.schema is not SchemaState.MISSING and self.valid is True

    @property
    def lint_clean(self) -> bool | None:
        return None if self.lint_errors is None else self.lint_errors == 0

    @property
    def label(self) -> str:
        if self.schema is SchemaState.MISSING:
            return "missing"
        if self.valid is False:
            return "invalid"
        if self.valid is None:
            return "not validated"
        return self.schema.value

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.name,
            "state": self.label,
            "schema": self.schema.value,
            "implemented": self.implemented,
            "valid": self.valid,
            "lint_clean": self.lint_clean,
            "lint_findings": self.lint_findings,
            "lint_errors": self.lint_errors,
            "migrated": self.migrated,
            "client_generated": self.client_generated,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
        }


def load_last_results(manifest: Manifest, merge: Iterable[Path] = ()) -> LastResults:
    """Results from `--json` files (CI shards, merged) if given, else the cache's last results."""
    return last_results.load_last_results(manifest, RESULT_NAMES, merge)


def schema_first_seen(manifest: Manifest) -> dict[str, datetime.date]:
    """service -> date of the first commit that added its schema (empty outside git)."""
    relative_schema = Path(manifest.settings.services_dir) / "*" / manifest.settings.schema_path
    try:
        completed = subprocess.run(
            ["git", "log", "--diff-filter=A", "--format=@%cs", "--name-only", "--relative", "--", relative_schema.as_posix()],
            cwd=manifest.root,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return {}
    if completed.returncode != 0:
        return {}
    seen: dict[str, datetime.date] = {}
    services_prefix = Path(manifest.settings.services_dir).as_posix() + "/"
    current: datetime.date | None = None
    for line in completed.stdout.splitlines():
        if line.startswith("@"):
            current = datetime.date.fromisoformat(line[1:])
        elif line.startswith(services_prefix) and current is not None:
            name = line[len(services_prefix) :].split("/", 1)[0]
            seen[name] = min(current, seen.get(name, current))  # log is newest first; keep the oldest
    return seen


def _lint(result: Mapping[str, Any] | None, key: str) -> int | None:
    if not result:
        return None
    lint = result.get("details", {}).get("lint")
    if isinstance(lint, dict):
        return int(lint.get(key, 0))
    return None


def prisma_verdict(result: Mapping[str, Any] | None) -> bool | None:
    """Prisma's verdict in a validate result; None when the run did not ask Prisma."""
    verdict = (result or {}).get("details", {}).get("prisma")
    return {"valid": True, "invalid": False}.get(verdict) if isinstance(verdict, str) else None


@dataclass(frozen=True)
class SchemaRead:
    """What the report needs from a service's schema file, from one read of it."""

    owner: Ownership | None  # None: no schema file
    effective: str | None  # the text `clients` generates from; None: no schema, or not UTF-8 (validate reports it)
    outputs: list[Path]  # its client generators' output folders, `[settings.clients]` applied


def read_schema(manifest: Manifest, service: Service) -> SchemaRead:
    """Read the service's schema file once: who owns it, the effective text, the client outputs."""
    path = manifest.schema_file(service)
    if not path.is_file():
        return SchemaRead(None, None, [])
    data = path.read_bytes()
    owner = ownership(data.decode("utf-8", errors="replace"))  # a non-UTF-8 schema is validate's to report
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return SchemaRead(owner, None, [])
    effective = effective_schema(manifest, service, text)
    return SchemaRead(owner, effective, schema_outputs(effective, path, manifest.root))


def own_client_is_current(schema: SchemaRead, shared: set[Path]) -> bool:
    """The service's client folders are its own and hold a client of the schema as it is now.

    `prisma-client-js` copies the schema it generated from into the output; the
    empty `.prisma/client` that `npm ci` creates has none, and a client of an
    older schema has a different one.
    """
    if schema.effective is None or not schema.outputs or any(output in shared for output in schema.outputs):
        return False
    for output in schema.outputs:
        copy = output / "schema.prisma"
        if not copy.is_file() or copy.read_text(encoding="utf-8", errors="replace") != schema.effective:
            return False
    return True


def service_state(
    manifest: Manifest, service: Service, schema_read: SchemaRead, last: LastResults, first_seen: Mapping[str, datetime.date], shared: set[Path]
) -> ServiceState:
    """`shared`: client folders several services write to (`client_settings.find_collisions`)."""
    if schema_read.owner is None:
        schema = SchemaState.MISSING
    else:
        schema = SchemaState.GENERATED if schema_read.owner is Ownership.GENERATED else SchemaState.CUSTOMISED
    validate = last.get("validate", {}).get(service.name)
    migrate = last.get("migrate", {}).get(service.name)
    valid = prisma_verdict(validate) if schema is not SchemaState.MISSING else None
    linted = validate if _lint(validate, "findings") is not None else last.get(LINT_ONLY, {}).get(service.name)
    if migrate is not None:
        migrated: bool | None = migrate["status"] == "ok"
    else:
        migrated = True if has_migrations(manifest, service) else None
    return ServiceState(
        service.name,
        schema,
        valid,
        _lint(linted, "findings"),
        migrated,
        own_client_is_current(schema_read, shared),
        first_seen.get(service.name),
        _lint(linted, "errors"),
    )


def collect_states(manifest: Manifest, last: LastResults) -> dict[str, ServiceState]:
    """Every service's state; each schema file is read once."""
    first_seen = schema_first_seen(manifest)
    reads = {name: read_schema(manifest, service) for name, service in manifest.services.items()}
    shared = set(find_collisions({name: read.outputs for name, read in reads.items()}))
    return {name: service_state(manifest, service, reads[name], last, first_seen, shared) for name, service in manifest.services.items()}
