"""A content-hash cache: skip a service whose inputs have not changed since its last run.

A task's key is the hash of exactly what affects its result: the schema files'
bytes, the service's manifest entry (and its category and the global settings
and lint config), the toolchain (Prisma version, lock file, this tool's
version), the task's options and the environment variables the schema reads.
Each input is recorded by name, so a miss can say *which* input changed
(`--dry-run`), like `turbo run --dry=json`.

One JSON file per task and service under `.azora-cache/` at the manifest root.
Writes are atomic (temp file + rename), so two runs writing at once leave one
complete entry; an unreadable or malformed entry (even valid JSON with an
unknown status) is a miss, never a crash. A cache folder that cannot be
written costs the speed-up, never a result: the run warns once and goes on.
Outputs (e.g. a generated client) are recorded as (path, size, mtime) lists:
deleting or editing an output invalidates the entry without hashing megabytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azora_tasks.atomic import write_text_atomically
from azora_tasks.manifest import Manifest, Service
from azora_tasks.results import ServiceResult, Status, json_default
from azora_tasks.service_files import schema_inputs
from azora_tasks.version import __version__

schema_files = schema_inputs  # the name migrate/* imports (azora_tasks.service_files is its home)

CACHE_DIR_NAME = ".azora-cache"
ENTRY_VERSION = 1
_CACHEABLE = (Status.OK, Status.FAILED)  # missing/cancelled/skipped say nothing about the inputs


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_json(value: Any) -> str:
    return sha256_bytes(json.dumps(value, sort_keys=True, default=str).encode())


def toolchain_fingerprint(manifest: Manifest, prisma_version: str) -> str:
    """What invalidates every entry at once: Prisma version, the lock file, this tool."""
    lock = manifest.root / "package-lock.json"
    lock_hash = sha256_bytes(lock.read_bytes()) if lock.is_file() else "no-lock-file"
    return sha256_json({"prisma": prisma_version, "lock": lock_hash, "azora-tasks": __version__})


@dataclass(frozen=True)
class SharedInputs:
    """The inputs every service of one run shares, hashed once per run instead of once per service."""

    toolchain: str
    settings: str
    options: str
    categories: Mapping[str, str]

    @classmethod
    def compute(cls, manifest: Manifest, prisma_version: str, options: Mapping[str, Any]) -> SharedInputs:
        return cls(
            toolchain=toolchain_fingerprint(manifest, prisma_version),
            settings=sha256_json({"settings": dataclasses.asdict(manifest.settings), "lint": manifest.lint}),
            options=sha256_json(dict(options)),
            categories={key: sha256_json(dataclasses.asdict(category)) for key, category in manifest.categories.items()},
        )


def service_inputs(manifest: Manifest, service: Service, shared: SharedInputs, env_names: Iterable[str] = ()) -> dict[str, str]:
    """Named hashes of everything that affects one service's result."""
    files = schema_inputs(manifest, service)
    return {
        "schema": sha256_json({str(path.relative_to(manifest.root)): sha256_bytes(path.read_bytes()) for path in files}),
        "manifest entry": sha256_json(dataclasses.asdict(service)),
        "category": shared.categories.get(service.category, "unknown category"),
        "settings": shared.settings,
        "toolchain": shared.toolchain,
        "options": shared.options,
        "environment": sha256_json({name: os.environ.get(name) for name in sorted(env_names)}),
    }


def snapshot_outputs(paths: Iterable[Path]) -> list[list[Any]]:
    """(path, size, mtime_ns) of every file under the given outputs; cheap to compare.

    One `stat` per file (scandir's entry types avoid a second one), so checking
    190 generated clients stays in the tens of milliseconds.
    """
    rows: list[list[Any]] = []
    for root in paths:
        if root.is_file():
            stat = root.stat()
            rows.append([str(root), stat.st_size, stat.st_mtime_ns])
        elif root.is_dir():
            rows.extend(_walk_files(str(root)))
    return rows


def _walk_files(folder: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_dir(follow_symlinks=False):
                rows.extend(_walk_files(entry.path))
            elif entry.is_file():
                stat = entry.stat()
                rows.append([entry.path, stat.st_size, stat.st_mtime_ns])
    return rows


@dataclass(frozen=True)
class Verdict:
    """Whether a service would run, and why (for `--dry-run`)."""

    hit: bool
    reason: str
    entry: dict[str, Any] | None = None


class CacheStore:
    def __init__(self, root: Path) -> None:
        self.directory = root / CACHE_DIR_NAME

    def _entry_path(self, task: str, service: str) -> Path:
        return self.directory / task / f"{service}.json"

    def read(self, task: str, service: str) -> dict[str, Any] | None:
        path = self._entry_path(task, service)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("version") != ENTRY_VERSION or not isinstance(entry.get("inputs"), dict):
            return None
        return entry

    def write(self, task: str, result: ServiceResult, inputs: Mapping[str, str], outputs: list[list[Any]]) -> None:
        if result.status not in _CACHEABLE:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        gitignore = self.directory / ".gitignore"
        if not gitignore.exists():
            write_text_atomically(gitignore, "*\n")
        entry = {"version": ENTRY_VERSION, "inputs": dict(inputs), "outputs": outputs, "result": result.to_json()}
        # No indent: json's C encoder (with one it falls back to pure Python); only the tool reads entries.
        write_text_atomically(self._entry_path(task, result.service), json.dumps(entry, default=json_default))

    def verdict(self, task: str, service: str, inputs: Mapping[str, str], outputs: Callable[[], list[list[Any]]] | None) -> Verdict:
        entry = self.read(task, service)
        if entry is None:
            return Verdict(False, "no cache entry")
        if replayable(entry) is None:
            return Verdict(False, "cache entry unreadable (written by another version?)")
        changed = [name for name in inputs if entry["inputs"].get(name) != inputs[name]]
        if changed:
            return Verdict(False, f"{', '.join(changed)} changed", entry)
        if outputs is not None and entry.get("outputs") != outputs():
            return Verdict(False, "outputs missing or modified", entry)
        return Verdict(True, "inputs unchanged", entry)

    def clear(self) -> int:
        """Delete every entry; returns how many there were."""
        count = len(list(self.directory.rglob("*.json"))) if self.directory.is_dir() else 0
        shutil.rmtree(self.directory, ignore_errors=True)
        return count

    def info(self) -> dict[str, Any]:
        tasks: dict[str, int] = {}
        size = 0
        if self.directory.is_dir():
            for path in self.directory.rglob("*.json"):
                tasks[path.parent.name] = tasks.get(path.parent.name, 0) + 1
                size += path.stat().st_size
        return {"directory": str(self.directory), "entries": tasks, "bytes": size}


def replayable(entry: Mapping[str, Any]) -> ServiceResult | None:
    """The entry's result, or None when it cannot be one (unknown status, wrong fields): a miss."""
    try:
        return result_from_entry(entry)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def result_from_entry(entry: Mapping[str, Any]) -> ServiceResult:
    data = dict(entry["result"])
    data["status"] = Status(data["status"])
    known = {f.name for f in dataclasses.fields(ServiceResult)}
    result = ServiceResult(**{key: value for key, value in data.items() if key in known})
    result.cached = True
    result.duration = 0.0
    return result


@dataclass
class CachedWork:
    """Wraps a task's `work(service)`: consult the cache first, record the result after.

    `outputs(service)` names the files a task produces (e.g. the client folder);
    an entry is only a hit if they are still exactly as recorded.
    """

    task: str
    work: Callable[[Service], ServiceResult]
    store: CacheStore
    inputs: Callable[[Service], dict[str, str]]
    outputs: Callable[[Service], list[Path]] | None = None

    _pending_inputs: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict, init=False, repr=False)
    write_error: str | None = dataclasses.field(default=None, init=False)  # why entries could not be saved (warned once)

    def explain(self, service: Service) -> Verdict:
        inputs = self.inputs(service)
        return self.store.verdict(self.task, service.name, inputs, self._snapshot(service))

    def _snapshot(self, service: Service) -> Callable[[], list[list[Any]]] | None:
        outputs = self.outputs
        return (lambda: snapshot_outputs(outputs(service))) if outputs else None

    def lookup(self, service: Service) -> ServiceResult | None:
        """The cached result, or None (and the inputs are kept for the run that follows).

        Cheap enough to call for every service before the pool starts (see
        `runner.run_services(known=...)`)."""
        inputs = self.inputs(service)
        verdict = self.store.verdict(self.task, service.name, inputs, self._snapshot(service))
        if verdict.hit and verdict.entry is not None:
            return replayable(verdict.entry)
        self._pending_inputs[service.name] = inputs
        return None

    def __call__(self, service: Service) -> ServiceResult:
        inputs = self._pending_inputs.pop(service.name, None)
        if inputs is None:
            cached = self.lookup(service)
            if cached is not None:
                return cached
            inputs = self._pending_inputs.pop(service.name)
        result = self.work(service)
        # Re-reading the inputs after the run would race with an edit made meanwhile; the
        # pre-run inputs are what this result was computed from, so record those.
        if self.write_error is None:
            try:
                snapshot = self._snapshot(service)
                self.store.write(self.task, result, inputs, snapshot() if snapshot else [])
            except OSError as error:  # a read-only cache folder must not turn finished work into a failure
                self.write_error = f"{error.strerror or error} ({error.filename or self.store.directory})"
        return result


def add_cache_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("cache")
    group.add_argument("--no-cache", action="store_true", help="ignore and do not update the content-hash cache")
    group.add_argument("--dry-run", action="store_true", dest="explain", help="say per service whether it would run or hit the cache, and why; run nothing")
