"""Locks: one per shared migration lock in-process, one per service across processes.

Across processes: two `azora-tasks migrate` runs on the same tree would both
see "no migration yet" and each write an `init` folder. `service_lock` holds
a `filelock` lock file in the cache folder (`.azora-cache/locks/`) for the
whole of a service's work, so the second run waits and then finds the first
run's migration applied. Different trees on one database are kept apart by
Prisma's advisory lock (taken by the worker and by the CLI).

In-process: one lock per shared migration lock, so services never time each other out.

Prisma waits only 10 s for its own database lock (PostgreSQL advisory lock
72707369 per database, MySQL GET_LOCK('prisma_migrate') per server). Services
whose `Target.lock_key` is equal therefore take turns here, in-process, while
services on different databases still run in parallel on the runner's pool.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from azora_tasks.atomic import write_text_atomically

LOCKS_DIR = ("locks",)  # under the cache folder: .azora-cache/locks/<service>.lock


class KeyedLocks:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            yield


def service_lock_path(cache_dir: Path, service: str) -> Path:
    return cache_dir.joinpath(*LOCKS_DIR, re.sub(r"[^A-Za-z0-9_.-]", "_", service) + ".lock")


@contextmanager
def service_lock(cache_dir: Path, service: str, timeout: float = -1) -> Iterator[None]:
    """Hold the service's cross-process lock (waits for another run; `timeout` < 0: forever)."""
    path = service_lock_path(cache_dir, service)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = cache_dir / ".gitignore"
        if not ignore.exists():
            write_text_atomically(ignore, "*\n")
    except OSError:
        yield  # a read-only tree: nothing can be written there by anyone, so nothing to protect
        return
    import filelock  # here: a run settled before the pool (a no-op) takes no lock and skips the import

    with filelock.FileLock(str(path), timeout=timeout):
        yield
