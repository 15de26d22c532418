"""Read many PostgreSQL databases' status in the migrate worker while the caller keeps preparing services.

`MigrateTask.settle` resolves each service's database (a millisecond of
Python each) and hashes its folder; the reads (`MigrateWorker.pg_statuses`:
one connection per database, a few at a time, each costing the server a
backend start) take longer than all of that together. So the URLs are handed
over as they are known and read in chunks from a background thread: Node
starts and the first databases are read while Python is still busy with the
later services. Answers are per URL; a failed read is that URL's `EngineError`.
"""

from __future__ import annotations

import queue
import threading

from azora_tasks.toolchain.migrate_worker import EngineError, MigrateWorker, PgStatus, WorkerError

CHUNK = 24  # URLs per worker request: small enough that reading starts early, large enough to keep a few connections busy


class StatusReader:
    """`add(url)` as services are prepared; `answers()` once all are added (joins the reading thread)."""

    def __init__(self, worker: MigrateWorker, *, catalog: bool, chunk: int = CHUNK) -> None:
        self._worker = worker
        self._catalog = catalog
        self._chunk = chunk
        self._pending: list[str] = []
        self._seen: set[str] = set()
        self._chunks: queue.Queue[list[str] | None] = queue.Queue()
        self._answers: dict[str, PgStatus | EngineError] = {}
        self._error: WorkerError | None = None
        self._thread = threading.Thread(target=self._read, name="azora-migrate-read", daemon=True)
        self._thread.start()

    def add(self, url: str) -> None:
        if url in self._seen:
            return
        self._seen.add(url)
        self._pending.append(url)
        if len(self._pending) >= self._chunk:
            self._chunks.put(self._pending)
            self._pending = []

    def answers(self) -> dict[str, PgStatus | EngineError]:
        """Every added URL's answer; raises the `WorkerError` that stopped the worker, if one did."""
        if self._pending:
            self._chunks.put(self._pending)
            self._pending = []
        self._chunks.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._answers

    def _read(self) -> None:
        try:
            self._worker.start()  # Node boots while the caller prepares the first chunk
            while (urls := self._chunks.get()) is not None:
                self._answers.update(zip(urls, self._worker.pg_statuses(urls, catalog=self._catalog), strict=True))
        except Exception as error:  # noqa: BLE001 - handed to the caller, who lets the pool decide instead
            self._error = error if isinstance(error, WorkerError) else WorkerError(f"{type(error).__name__}: {error}")
            while self._chunks.get() is not None:  # drain until the caller is done adding
                pass
