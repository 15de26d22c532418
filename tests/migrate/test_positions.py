"""Verified server positions (migrate/positions.py): a no-op skips reading databases only while nothing was written.

The shortcut is judged on a PostgreSQL server of the test's own: on the shared
one, other tests write all the time, so its position never stays put.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from azora_tasks.migrate.positions import PositionBook, history_digest, server_of, url_key
from azora_tasks.tasks import migrate as migrate_task
from azora_tasks.toolchain.migrate_worker import MigrateWorker
from tests.migrate.conftest import make_monorepo, migrations, pg_query, schema_for, throwaway_postgres

NOT_READ = "not read again"
UNKNOWN_ROW = (  # a migration applied by someone else, unknown to the folder: never "up to date"
    "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)"
    " VALUES ('by-someone-else', 'x', '29990101000000_elsewhere', now(), now(), 1)"
)


# --- the book itself ---------------------------------------------------------------------------


def test_a_moved_position_verifies_nothing_and_a_new_one_replaces_the_old(tmp_path: Path) -> None:
    book = PositionBook(tmp_path)
    server = server_of("postgresql://u:secret@DB.example:6543/one")
    assert server == "db.example:6543"
    one, two = "postgresql://u:secret@db.example:6543/one", "postgresql://u:secret@db.example:6543/two"
    book.record(server, "sys/start/0/10", {one: "d1"})
    book.record(server, "sys/start/0/10", {two: "d2"})  # same position: both kept
    assert book.verified(server, "sys/start/0/10") == {url_key(one): "d1", url_key(two): "d2"}
    assert book.verified(server, "sys/start/0/11") == {}  # the server wrote something since
    assert book.verified(server, None) == {}  # the server could not tell
    book.record(server, "sys/start/0/11", {two: "d2"})  # a new position: what was verified at the old one is gone
    assert book.verified(server, "sys/start/0/11") == {url_key(two): "d2"}
    assert "secret" not in next(book.folder.iterdir()).read_text()  # URLs are kept as hashes


def test_a_corrupt_or_foreign_file_is_a_miss(tmp_path: Path) -> None:
    book = PositionBook(tmp_path)
    book.record("h:5432", "p", {"postgresql://h/db": "d"})
    [path] = book.folder.iterdir()
    for text in ("{not json", json.dumps([1, 2]), json.dumps({"position": 3, "databases": {}})):
        path.write_text(text)
        assert book.verified("h:5432", "p") == {}
    assert history_digest("u", {"a": "1"}) != history_digest("u", {"a": "2"}) != history_digest("v", {"a": "2"})


# --- on a server of our own --------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_server() -> Iterator[str]:
    with throwaway_postgres() as server:
        yield server


def test_no_op_skips_reads_until_the_server_or_the_folder_changes(  # type: ignore[no-untyped-def]
    tmp_path: Path, migrate, own_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["alpha", "beta", "gamma"]
    services = {name: f"{own_server}/pos_{name}" for name in names}
    root = make_monorepo(tmp_path, services, provider="postgresql", schemas={name: schema_for("postgresql") for name in names})
    requests: list[list[str]] = []  # each pg_statuses call: the run's first is the no-op check, a last one verifies after writing
    real_statuses = MigrateWorker.pg_statuses

    def counting(self: MigrateWorker, urls, **kwargs):  # type: ignore[no-untyped-def]
        requests.append(list(urls))
        return real_statuses(self, urls, **kwargs)

    monkeypatch.setattr(MigrateWorker, "pg_statuses", counting)

    fresh = migrate(root)
    assert fresh.code == 0, fresh.output
    assert [sorted(urls) for urls in requests] == [sorted(services.values())]  # nothing to check before; after writing, all read once
    book = PositionBook(root / ".azora-cache")
    [entry] = [json.loads(path.read_text()) for path in book.folder.iterdir()]
    assert sorted(entry["databases"]) == sorted(url_key(url) for url in services.values())

    requests.clear()
    again = migrate(root)
    assert again.code == 0
    assert requests == []  # the server has not moved: no database was read
    for name in names:
        assert again.services[name]["summary"] == migrate_task.NO_OP_SUMMARY
        assert NOT_READ in again.services[name]["output"]

    # Someone else marks beta's migration rolled back (a write, so the position moves): beta is not up to date any more.
    pg_query(own_server, "pos_beta", "UPDATE _prisma_migrations SET rolled_back_at = now()")
    requests.clear()
    moved = migrate(root)
    assert sorted(requests[0]) == sorted(services.values())  # the position moved: every database is read again
    assert moved.services["beta"]["summary"] != migrate_task.NO_OP_SUMMARY
    assert moved.services["alpha"]["summary"] == migrate_task.NO_OP_SUMMARY
    assert NOT_READ not in moved.services["alpha"]["output"]

    # The server stays put but a migration is added to gamma's folder by hand: gamma is read (and applied), the others are not.
    settled = migrate(root)  # whatever beta needed is done; this run records a position again
    assert settled.code in (0, 1)
    folder = root / "services" / "gamma" / "prisma" / "migrations" / "29990101000000_by_hand"
    folder.mkdir()
    (folder / "migration.sql").write_text('CREATE TABLE "ByHand" ("id" TEXT PRIMARY KEY);\n')
    requests.clear()
    by_hand = migrate(root, "--deploy")
    assert services["gamma"] in requests[0] and services["alpha"] not in requests[0]
    assert by_hand.services["gamma"]["summary"] == "applied 1"
    assert migrations(root, "gamma")[-1] == "29990101000000_by_hand"
    assert pg_query(own_server, "pos_gamma", 'SELECT count(*)::int AS n FROM "ByHand"') == [{"n": 0}]


HOLD_OPEN = """
const {Client} = require('pg');
const c = new Client({connectionString: process.argv[1]});
(async () => {
  await c.connect();
  await c.query('BEGIN');
  await c.query(process.argv[2]);
  console.log('ready');
  process.stdin.once('data', async () => { await c.query('COMMIT'); await c.end(); console.log('committed'); });
})();
"""


def test_a_write_still_in_progress_is_seen_once_it_commits(  # type: ignore[no-untyped-def]
    tmp_path: Path, migrate, own_server: str
) -> None:
    """A transaction open across the no-op is invisible to it; when it commits, the position moves and the next run sees it."""
    services = {"delta": f"{own_server}/pos_delta"}
    root = make_monorepo(tmp_path, services, provider="postgresql", schemas={"delta": schema_for("postgresql")})
    assert migrate(root).code == 0
    holder = subprocess.Popen(
        ["node", "-e", HOLD_OPEN, services["delta"], UNKNOWN_ROW],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "ready"
        during = migrate(root)
        assert during.services["delta"]["summary"] == migrate_task.NO_OP_SUMMARY  # uncommitted: not there yet, for anyone
        assert NOT_READ in during.services["delta"]["output"]  # a running transaction alone does not move the position
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "committed"
    finally:
        holder.kill() if holder.poll() is None else None
        holder.wait(timeout=30)
    after = migrate(root)
    assert after.services["delta"]["summary"] != migrate_task.NO_OP_SUMMARY
    assert NOT_READ not in after.services["delta"]["output"]


def test_the_position_moves_with_a_write_and_only_then(own_server: str, prisma_cli: Path) -> None:
    worker = MigrateWorker(REPO_ROOT, prisma_cli)
    try:
        first = worker.pg_position(f"{own_server}/postgres")
        assert first is not None and first.count("/") >= 2  # system id / start time / snapshot
        assert worker.pg_position(f"{own_server}/no_such_database") == first  # any database of the server tells the same
        pg_query(own_server, "postgres", "SELECT count(*) FROM pg_class")  # reads move nothing
        assert worker.pg_position(f"{own_server}/postgres") == first
        pg_query(own_server, "postgres", "CREATE TABLE IF NOT EXISTS moved (id int)")
        assert worker.pg_position(f"{own_server}/postgres") != first
    finally:
        worker.close()
