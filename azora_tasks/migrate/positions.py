"""Verified server positions: skip re-reading PostgreSQL databases that nothing can have changed.

A no-op `migrate` on PostgreSQL must show, per service, that `_prisma_migrations`
lists every local migration as applied. Reading that costs one connection per
database (a backend start: a fork and a few milliseconds of server CPU), which
for 190 databases is most of a second on a small server.

A server's position here is its system identifier, start time and current
transaction snapshot (`pg_current_snapshot()`: xmin, xmax and the transactions
in progress). Every transaction that writes anything in any database (rows, DDL,
`CREATE`/`DROP DATABASE`) takes a transaction id and, when it ends, moves xmax or
leaves the in-progress list; background WAL (checkpoints, standby snapshots,
hint bits, pruning) takes none. So a check made *after* reading position P stays
true for as long as the server's position is still P: the committed state of
every database is the same. This module keeps, per server, the position read
before the last full check and, per database, a digest of the local migrations
it was found to match then (`history_digest`). The next run reads the position
first (one connection); if it has not moved, every database whose digest is
unchanged is known to be up to date without a connection.

Any write anywhere on the server (another migration, a manual `ALTER`, other
applications' traffic, autovacuum's ANALYZE) moves the position: the run then
reads every database, as it would without this file, and records the new
position. So the shortcut pays off on servers that hold these databases and
little else (development and CI); on a busy shared server it costs one
connection per run and never hits. Entries never grant more than "the history
still matches": the fingerprint check (`fastpath.StateStore`) is separate and
still required. PostgreSQL before 13 has no `pg_current_snapshot()`: no shortcut.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from azora_tasks.atomic import write_text_atomically
from azora_tasks.cache import sha256_bytes, sha256_json

POSITIONS_DIR = "migrate-positions"  # .azora-cache/migrate-positions/<server hash>.json


def server_of(url: str) -> str:
    """The server a URL points at (host and port): one transaction history, one position."""
    parts = urlsplit(url)
    return f"{(parts.hostname or 'localhost').lower()}:{parts.port or 5432}"


def history_digest(url: str, checksums: dict[str, str]) -> str:
    """What a database was checked against: its URL and the local migrations' names and checksums."""
    return sha256_json({"url": url, "migrations": checksums})


class PositionBook:
    """Per server: the position read before the last full check, and the databases that check verified."""

    def __init__(self, cache_dir: Path) -> None:
        self.folder = cache_dir / POSITIONS_DIR

    def _path(self, server: str) -> Path:
        return self.folder / f"{sha256_bytes(server.encode())[:16]}.json"

    def _load(self, server: str) -> tuple[str | None, dict[str, str]]:
        try:
            entry = json.loads(self._path(server).read_text(encoding="utf-8"))
            position, databases = entry["position"], entry["databases"]
        except (OSError, ValueError, KeyError, TypeError):
            return None, {}  # missing or corrupt: nothing is known
        if not isinstance(position, str) or not isinstance(databases, dict):
            return None, {}
        return position, {str(key): str(value) for key, value in databases.items()}

    def verified(self, server: str, position: str | None) -> dict[str, str]:
        """URL hash → digest of the databases known to match at `position` (empty when it has moved)."""
        recorded, databases = self._load(server)
        return databases if position is not None and recorded == position else {}

    def record(self, server: str, position: str, digests: dict[str, str]) -> None:
        """`digests` (URL → history digest) were read after `position` was: remember them.

        Entries recorded at the same position are kept (another selection of
        services checked against the same untouched server); any other position
        replaces the file, because what was verified then may have changed since.
        """
        recorded, databases = self._load(server)
        merged = dict(databases) if recorded == position else {}
        merged.update({url_key(url): digest for url, digest in digests.items()})
        try:
            write_text_atomically(self._path(server), json.dumps({"server": server, "position": position, "databases": merged}, sort_keys=True, indent=1))
        except OSError:
            pass  # a read-only tree only loses the shortcut


def url_key(url: str) -> str:
    """URLs carry passwords: the file keeps their hashes."""
    return sha256_bytes(url.encode())
