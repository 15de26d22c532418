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
"""

from __future__ import annotations

import datetime
import enum
import json
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azora_tasks.cache import CacheStore
from azora_tasks.generate.header import Ownership, ownership
from azora_tasks.manifest import Manifest, Service
from azora_tasks.client_settings import resolve_outputs

LastResults = dict[str, dict[str, dict[str, Any]]]  # task -> service -> result JSON
RESULT_TASKS = ("validate", "clients", "migrate")


class SchemaState(str, enum.Enum):
    MISSING = "missing"
    GENERATED = "generated"  # untouched output of `generate`
    CUSTOMISED = "customised"  # hand-edited or hand-written


@dataclass(frozen=True)
class ServiceState:
    name: str
    schema: SchemaState
    valid: bool | None  # None: never validated
    lint_findings: int | None
    migrated: bool | None  # None: unknown (no migrations and no result)
    client_generated: bool
    first_seen: datetime.date | None  # first commit that added the schema

    @property
    def implemented(self) -> bool:
        """A schema exists and was not found invalid -- what the seed counts as implemented."""
        return self.schema is not SchemaState.MISSING and self.valid is not False

    @property
    def label(self) -> str:
        if self.schema is SchemaState.MISSING:
            return "missing"
        if self.valid is False:
            return "invalid"
        return self.schema.value

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.name,
            "state": self.label,
            "schema": self.schema.value,
            "implemented": self.implemented,
            "valid": self.valid,
            "lint_findings": self.lint_findings,
            "migrated": self.migrated,
            "client_generated": self.client_generated,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
        }


def load_last_results(manifest: Manifest, merge: Iterable[Path] = ()) -> LastResults:
    """Results from `--json` files (CI shards, merged) if given, else the cache's last results."""
    results: LastResults = {task: {} for task in RESULT_TASKS}
    merge = list(merge)
    if merge:
        for path in merge:
            data = json.loads(path.read_text(encoding="utf-8"))
            for run in data.get("runs", []):
                for entry in run.get("services", []):
                    results.setdefault(run["task"], {})[entry["service"]] = entry
        return results
    store = CacheStore(manifest.root)
    for task in RESULT_TASKS:
        for service in manifest.services:
            entry = store.read(task, service)
            if entry is not None:
                results[task][service] = entry["result"]
    return results


def schema_first_seen(manifest: Manifest) -> dict[str, datetime.date]:
    """service -> date of the first commit that added its schema (empty outside git)."""
    relative_schema = Path(manifest.settings.services_dir) / "*" / manifest.settings.schema_path
    try:
        completed = subprocess.run(
            ["git", "log", "--diff-filter=A", "--format=@%cs", "--name-only", "--relative", "--", relative_schema.as_posix()],
            cwd=manifest.root, capture_output=True, text=True, check=False,
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
            name = line[len(services_prefix):].split("/", 1)[0]
            seen[name] = min(current, seen.get(name, current))  # log is newest first; keep the oldest
    return seen


def _has_migrations(manifest: Manifest, service: Service) -> bool:
    migrations = manifest.schema_file(service).parent / "migrations"
    return migrations.is_dir() and any(migrations.glob("*/migration.sql"))


def _lint_count(result: Mapping[str, Any] | None) -> int | None:
    if not result:
        return None
    lint = result.get("details", {}).get("lint")
    if isinstance(lint, dict):
        return int(lint.get("findings", 0))
    return None


def service_state(manifest: Manifest, service: Service, last: LastResults, first_seen: Mapping[str, datetime.date]) -> ServiceState:
    schema_path = manifest.schema_file(service)
    if schema_path.is_file():
        owner = ownership(schema_path.read_text(encoding="utf-8"))
        schema = SchemaState.GENERATED if owner is Ownership.GENERATED else SchemaState.CUSTOMISED
    else:
        schema = SchemaState.MISSING
    validate = last.get("validate", {}).get(service.name)
    migrate = last.get("migrate", {}).get(service.name)
    valid = None if validate is None or validate["status"] == "missing" else validate["status"] == "ok"
    if migrate is not None:
        migrated: bool | None = migrate["status"] == "ok"
    else:
        migrated = True if _has_migrations(manifest, service) else None
    outputs = resolve_outputs(manifest, service)
    client = bool(outputs) and all(output.is_dir() and any(output.iterdir()) for output in outputs)
    return ServiceState(service.name, schema, valid, _lint_count(validate), migrated, client, first_seen.get(service.name))


def collect_states(manifest: Manifest, last: LastResults) -> dict[str, ServiceState]:
    first_seen = schema_first_seen(manifest)
    return {name: service_state(manifest, service, last, first_seen) for name, service in manifest.services.items()}
