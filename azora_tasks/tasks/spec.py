"""What a task is, declared once: `TaskSpec` (the static facts) and `Task` (the built object).

Every table that used to list tasks by hand -- the command table, the nox
sessions, the report's result names, the matrix's choices -- is derived from
`azora_tasks.tasks.registry.TASKS`, so adding a task is one module plus one
registration. The workflow calls the hooks of `Task` directly instead of
probing for them with `getattr`: a task that needs none of them inherits the
no-op defaults of `TaskHooks`, and mypy checks every task against `Task`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from azora_tasks.manifest import Manifest, Service
from azora_tasks.results import RunResult, ServiceResult

if TYPE_CHECKING:
    from rich.console import Console

    from azora_tasks.process import ProcessGroup


@dataclass(frozen=True)
class CacheKey:
    """What makes a cached result reusable: the cache's task name (validate keeps
    `--lint-only` runs apart), the options that change the result, the toolchain."""

    name: str
    options: dict[str, Any]
    toolchain: str = "not used"


class Task(Protocol):
    """The object a task module's `build` returns: `work(service)` plus the hooks the workflow calls."""

    def __call__(self, service: Service) -> ServiceResult: ...

    def check_selection(self, services: list[Service]) -> None:
        """Raise `ManifestError` for a selection that cannot run (before anything runs)."""

    def settle(self, services: Sequence[Service]) -> Mapping[str, ServiceResult]:
        """Results decided for many services at once, before the pool (migrate's no-op); the rest run."""

    def cache_key(self) -> CacheKey | None:
        """None: never cached."""

    def cache_inputs(self, service: Service) -> dict[str, str]:
        """Named hashes of the service's own inputs beyond the shared ones (its own Prisma)."""

    def outputs(self, service: Service) -> list[Path]:
        """Files a cache hit must find intact."""

    def close(self) -> None:
        """Stop what the task started (its Node worker)."""

    def finish(self, run: RunResult, options: argparse.Namespace, console: Console) -> RunResult:
        """Re-judge or complete results after the run, before `close` (the lint baseline; migrate records server positions)."""

    def write_reports(self, run: RunResult, options: argparse.Namespace) -> list[Path]:
        """Write report files (JUnit/SARIF); returns their paths."""

    def epilogue(self, run: RunResult, options: argparse.Namespace) -> list[str]:
        """Lines printed after the summary (per-rule lint totals)."""

    def notices(self, run: RunResult) -> list[str]:
        """Warnings printed after the summary (never hidden by the table)."""


class TaskHooks:
    """The no-op defaults of every `Task` hook; a task class overrides only what it needs."""

    def check_selection(self, services: list[Service]) -> None:
        return None

    def settle(self, services: Sequence[Service]) -> Mapping[str, ServiceResult]:
        return {}

    def cache_key(self) -> CacheKey | None:
        return None

    def cache_inputs(self, service: Service) -> dict[str, str]:
        return {}

    def outputs(self, service: Service) -> list[Path]:
        return []

    def close(self) -> None:
        return None

    def finish(self, run: RunResult, options: argparse.Namespace, console: Console) -> RunResult:
        return run

    def write_reports(self, run: RunResult, options: argparse.Namespace) -> list[Path]:
        return []

    def epilogue(self, run: RunResult, options: argparse.Namespace) -> list[str]:
        return []

    def notices(self, run: RunResult) -> list[str]:
        return []


Build = Callable[[Manifest, "ProcessGroup", argparse.Namespace], Task]


@dataclass(frozen=True)
class TaskModule:
    """What `TaskSpec.load` returns: the task module's builder and its option parser hook."""

    build: Build
    add_arguments: Callable[[argparse.ArgumentParser], None]


@dataclass(frozen=True)
class TaskSpec:
    """The static facts of one task; `load` imports its module (a real import, so tools follow
    it) only when the task runs or its options are parsed, so `--help` and cached runs start fast."""

    name: str
    help: str
    load: Callable[[], TaskModule]
    shardable: bool = True  # `--shard`, `matrix --task`, one nox session per shard
    parallel_safe: bool = False  # shard sessions touch disjoint files, so nox `--parallel` may run them together
    reads: tuple[str, ...] = field(default=())  # result names (cache task names) the report reads
