"""Split a task's services into CI jobs: a GitHub Actions matrix.

Each job lists its services explicitly (`nox -s validate -- auth chat-service
...`), so what the matrix computed is exactly what runs, however it was
balanced. With durations from earlier results the split is balanced by time
(longest first onto the lightest job); without, by count.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from azora_tasks.last_results import LINT_ONLY, load_last_results
from azora_tasks.manifest import Manifest, Service
from azora_tasks.selection import Shard, shard_services

GITHUB_MATRIX_LIMIT = 256


def recorded_durations(manifest: Manifest, task: str, results: Sequence[Path] = ()) -> dict[str, float]:
    """service -> seconds its last real run of `task` took (from --json files, else the cache)."""
    names = [task, LINT_ONLY] if task == "validate" else [task]  # a lint-only run still times the service, when nothing better is known
    last = load_last_results(manifest, names, results)
    durations: dict[str, float] = {}
    for name in reversed(names):  # the task's own entries win
        durations.update({service: float(entry["duration"]) for service, entry in last[name].items() if not entry.get("cached") and entry.get("duration")})
    return durations


def build_matrix(task: str, services: Sequence[Service], shards: int, durations: dict[str, float]) -> list[dict[str, Any]]:
    count = max(1, min(shards, GITHUB_MATRIX_LIMIT, len(services) or 1))
    weights = {s.name: durations[s.name] for s in services if s.name in durations}
    include = []
    for index in range(1, count + 1):
        members = shard_services(services, Shard(index, count), weights or None)
        if not members:
            continue
        include.append(
            {
                "task": task,
                "shard": f"{index}/{count}",
                "services": " ".join(s.name for s in members),
                "count": len(members),
                "estimated_seconds": round(sum(weights.get(s.name, 0.0) for s in members), 2) if weights else None,
            }
        )
    return include
