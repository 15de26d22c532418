"""The last result of each task per service, read from `--json` files (CI shards, merged) or
else from the cache. The report (`state.py`) and the CI matrix (`matrix.py`) both read results
through here, so they agree on what "the last run" was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from azora_tasks.cache import CacheStore
from azora_tasks.manifest import Manifest

LastResults = dict[str, dict[str, dict[str, Any]]]  # result name -> service -> result JSON
LINT_ONLY = "validate-lint"  # results of `validate --lint-only`: never Prisma's verdict (the cache keeps them apart too)


def result_name(task: str, entry: dict[str, Any]) -> str:
    """Where a `--json` entry belongs: a validate entry without Prisma's verdict is a lint-only result."""
    if task == "validate" and entry.get("status") != "missing" and "prisma" not in entry.get("details", {}):
        return LINT_ONLY
    return task


def from_json_files(paths: Iterable[Path]) -> LastResults:
    """Every service's entry per result name; a cached entry (a replay) never replaces a real one."""
    results: LastResults = {}
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for run in data.get("runs", []):
            for entry in run.get("services", []):
                by_service = results.setdefault(result_name(run["task"], entry), {})
                earlier = by_service.get(entry["service"])
                if earlier is None or not entry.get("cached") or earlier.get("cached"):
                    by_service[entry["service"]] = entry
    return results


def from_cache(manifest: Manifest, names: Iterable[str]) -> LastResults:
    store = CacheStore(manifest.root)
    results: LastResults = {}
    for name in names:
        for service in manifest.services:
            entry = store.read(name, service)
            if entry is not None:
                results.setdefault(name, {})[service] = entry["result"]
    return results


def load_last_results(manifest: Manifest, names: Iterable[str], merge: Iterable[Path] = ()) -> LastResults:
    """`names` -> service -> last result: from the `merge` files if any are given, else the cache."""
    names = list(names)
    merge = list(merge)
    found = from_json_files(merge) if merge else from_cache(manifest, names)
    results: LastResults = {name: {} for name in names}
    for name, by_service in found.items():
        results.setdefault(name, {}).update(by_service)
    return results
