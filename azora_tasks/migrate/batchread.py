"""Read many PostgreSQL databases' status in the migrate worker while the caller keeps preparing services.

`MigrateTask.settle` resolves each service's database (a millisecond of
Python each) and hashes its folder; the reads (`MigrateWorker.pg_statuses`:
one connection per database, a few at a time, each costing the server a
backend start) take longer than all of that together. So the URLs are handed
over as they are known and read in chunks from a background thread: Node
starts and the first databases are read while Python is still busy with the
later services. Answers are per URL; a failed read is that URL's `EngineError`.

With a `PositionBook` (the no-op check), the reading thread first reads each
server's position, then answers `UNCHANGED` without a connection for
every database the book verified at that same position with the same digest
(`migrate/positions.py`); the positions read are kept for the caller to record.
"""

from __future__ import annotations

import queue
import threading

from azora_tasks.migrate.positions import PositionBook, server_of, url_key
from azora_tasks.toolchain.migrate_worker import EngineError, MigrateWorker, PgStatus, WorkerError

CHUNK = 24  # URLs per worker request: small enough that reading starts early, large enough to keep a few connections busy
UNCHANGED = PgStatus(database=True, rows=None, catalog=None)  # verified at the server's current position: not read (compare by identity)


class StatusReader:
    """`add(url)` as services are prepared; `answers()` once all are added (joins the reading thread)."""

    def __init__(self, worker: MigrateWorker, *, catalog: bool, chunk: int = CHUNK, positions: PositionBook | None = None) -> None:
        self._worker = worker
        self._catalog = catalog
        self._chunk = chunk
        self._book = positions
        self._digests: dict[str, str] = {}
        self._verified: dict[str, dict[str, str]] = {}  # server → URL hash → digest, at the position read this run
        self.positions: dict[str, str | None] = {}  # server → its position, read before any of its databases
        self._pending: list[str] = []
        self._seen: set[str] = set()
        self._chunks: queue.Queue[list[str] | None] = queue.Queue()
        self._answers: dict[str, PgStatus | EngineError] = {}
        self._error: WorkerError | None = None
        self._thread = threading.Thread(target=self._read, name="azora-migrate-read", daemon=True)
        self._thread.start()

    def add(self, url: str, digest: str | None = None) -> None:
        """Read `url` (or, with a digest the book verified at the server's current position, answer `UNCHANGED`)."""
        if url in self._seen:
            return
        self._seen.add(url)
        if digest is not None:
            self._digests[url] = digest
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
                to_read = [url for url in urls if not self._unchanged(url)]
                self._answers.update({url: UNCHANGED for url in urls if url not in to_read})
                if to_read:
                    self._answers.update(zip(to_read, self._worker.pg_statuses(to_read, catalog=self._catalog), strict=True))
        except Exception as error:  # noqa: BLE001 - handed to the caller, who lets the pool decide instead
            self._error = error if isinstance(error, WorkerError) else WorkerError(f"{type(error).__name__}: {error}")
            while self._chunks.get() is not None:  # drain until the caller is done adding
                pass

    def _unchanged(self, url: str) -> bool:
        """Verified at the server's current position with this digest? (Reads the position on a server's first URL.)"""
        if self._book is None:
            return False
        server = server_of(url)
        if server not in self.positions:
            try:
                self.positions[server] = self._worker.pg_position(url)
            except EngineError:
                self.positions[server] = None  # unreachable: the status read reports it
            self._verified[server] = self._book.verified(server, self.positions[server])
        digest = self._digests.get(url)
        return digest is not None and self._verified[server].get(url_key(url)) == digest
