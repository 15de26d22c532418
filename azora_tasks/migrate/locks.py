"""One lock per shared migration lock, so services never time each other out.

Prisma waits only 10 s for its own database lock (PostgreSQL advisory lock
72707369 per database, MySQL GET_LOCK('prisma_migrate') per server). Services
whose `Target.lock_key` is equal therefore take turns here, in-process, while
services on different databases still run in parallel on the runner's pool.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


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
