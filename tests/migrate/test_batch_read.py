"""The no-op check and `--status` read every PostgreSQL database in ONE worker request, before the pool.

`MigrateTask.settle` hashes each service's folder, then asks the worker for
every selected database at once (`MigrateWorker.pg_statuses`, a few
connections at a time). A missing database or table is an answer; a refused
connection is that service's answer only. Services whose verdict needs more
(a pending migration to apply, a database to create) run in the pool exactly as
before. Real PostgreSQL server, real worker.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PRISMA_CLI

from azora_tasks.tasks import migrate as migrate_task
from azora_tasks.toolchain.migrate_worker import EngineError, MigrateWorker, PgStatus
from tests.servers import free_port

from .conftest import dbtool, make_monorepo, migrations, pg_query, schema_for

pytestmark = pytest.mark.prisma
INIT = "20240101000000_init"


def test_one_request_answers_every_database_on_its_own(tmp_path: Path, postgres_server: str, pg_database: str) -> None:
    applied = f"{postgres_server}/{pg_database}"
    unreachable = f"postgresql://postgres:Sup3rSecretPw@127.0.0.1:{free_port()}/nowhere"
    urls = [applied, f"{applied}?schema=elsewhere", f"{postgres_server}/{pg_database}_never_created", unreachable]
    with MigrateWorker(tmp_path, PRISMA_CLI) as worker:
        worker.pg_apply(applied, [(INIT, 'CREATE TABLE "A" (id int PRIMARY KEY);')], ensure=True)
        quick = worker.pg_statuses(urls, catalog=False, concurrency=2)
        full = worker.pg_statuses(urls)
        assert worker.starts == 1

    here, other_schema, missing, refused = quick
    assert isinstance(here, PgStatus) and here.database and here.catalog is None
    assert [(row.migration_name, row.applied, row.failed) for row in here.rows or []] == [(INIT, True, False)]
    assert isinstance(other_schema, PgStatus) and other_schema.database and other_schema.rows is None  # no table there: an answer
    assert missing == PgStatus(False, None, None)  # no database: an answer, not an error
    assert isinstance(refused, EngineError) and refused.context == "connect" and "ECONNREFUSED" in refused.message
    assert "Sup3rSecretPw" not in refused.message

    assert isinstance(full[0], PgStatus) and full[0].catalog and len(full[0].catalog) == 64
    assert isinstance(full[1], PgStatus) and full[1].catalog and full[1].catalog != full[0].catalog  # an empty schema hashes differently
    assert isinstance(full[3], EngineError)


def test_mixed_selection_is_read_once_and_each_service_keeps_its_own_result(  # type: ignore[no-untyped-def]
    tmp_path: Path, migrate, postgres_server: str, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Up to date, pending, database dropped, server unreachable: one batch read, per-service results as before."""
    port = free_port()
    services = {
        "up-one": f"{postgres_server}/{pg_database}?schema=up_one",
        "up-two": f"{postgres_server}/{pg_database}?schema=up_two",
        "pending": f"{postgres_server}/{pg_database}?schema=pending",
        "gone": f"{postgres_server}/{pg_database}_gone",
        "down": f"postgresql://postgres@127.0.0.1:{port}/down",
    }
    root = make_monorepo(tmp_path, services, provider="postgresql", schemas={name: schema_for("postgresql") for name in services})
    reads: list[list[str]] = []
    real_statuses = MigrateWorker.pg_statuses

    def counting(self: MigrateWorker, urls, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(list(urls))
        return real_statuses(self, urls, **kwargs)

    executed: list[str] = []
    real_execute = migrate_task._ServiceRun.execute

    def execute(self):  # type: ignore[no-untyped-def]
        executed.append(self.service.name)
        return real_execute(self)

    monkeypatch.setattr(MigrateWorker, "pg_statuses", counting)
    monkeypatch.setattr(migrate_task._ServiceRun, "execute", execute)
    try:
        first = migrate(root)
        assert first.code == 1
        assert {name for name, entry in first.services.items() if entry["status"] == "ok"} == {"up-one", "up-two", "pending", "gone"}
        assert first.services["down"]["summary"].startswith(f"cannot connect to postgresql at 127.0.0.1:{port} (ECONNREFUSED)")

        # One schema loses its tables and history (its migration is pending again); one database is dropped.
        pg_query(postgres_server, pg_database, "DROP SCHEMA pending CASCADE")
        dbtool(services["gone"], "drop")
        reads.clear()
        executed.clear()

        status = migrate(root, "--status")
        assert status.code == 1
        assert len(reads) == 1 and sorted(reads[0]) == sorted(services.values())  # one request for all five
        assert executed == []  # every verdict came from that read: nothing ran in the pool
        summaries = {name: entry["summary"] for name, entry in status.services.items()}
        assert summaries["up-one"] == summaries["up-two"] == "up to date (1 applied)"
        assert summaries["pending"] == f"1 pending: {migrations(root, 'pending')[0]}"
        assert summaries["gone"] == "no database yet; 1 pending"
        assert summaries["down"].startswith(f"cannot connect to postgresql at 127.0.0.1:{port} (ECONNREFUSED)")
        assert status.services["gone"]["details"]["state"] == "missing database"
        assert status.services["up-one"]["status"] == "ok" and status.services["pending"]["status"] == "failed"

        reads.clear()
        develop = migrate(root)
        assert develop.code == 1
        assert len(reads[0]) == 4  # `down` has no migration: nothing to read for a no-op
        assert reads[1] == [services["down"]]  # the pool reads again only to say why `down` is unreachable
        ok = sorted(url for name, url in services.items() if name != "down")
        assert [sorted(urls) for urls in reads[2:]] == [ok]  # after writing: every database that ended ok, once (migrate/positions.py)
        assert sorted(executed) == ["down", "gone", "pending"]  # only what has work to do reaches the pool
        assert develop.services["up-one"]["summary"] == develop.services["up-two"]["summary"] == migrate_task.NO_OP_SUMMARY
        assert develop.services["pending"]["summary"] == "applied 1" and develop.services["gone"]["summary"] == "applied 1"
        assert develop.services["down"]["status"] == "failed"

        executed.clear()
        again = migrate(root, "--deploy")
        assert executed == ["down"]
        assert {name: entry["summary"] for name, entry in again.services.items() if name != "down"} == dict.fromkeys(
            ("up-one", "up-two", "pending", "gone"), migrate_task.NO_OP_SUMMARY
        )
    finally:
        dbtool(services["gone"], "drop")
