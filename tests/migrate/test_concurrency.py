"""Two `azora-tasks migrate` processes at once on one tree: one migration per change, never a failed row.

Real processes (the console entry point through `python -m azora_tasks.cli`),
real SQLite files and a real PostgreSQL server. The per-service file lock
(`.azora-cache/locks/`) makes the second run wait and then find the first
run's work done; Prisma's advisory lock keeps the database side in order; a
`CREATE DATABASE` that loses a race to another process is not a failure.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import PRISMA_CLI, REPO_ROOT

from azora_tasks.toolchain.migrate_worker import MigrateWorker

from .conftest import dbtool, make_monorepo, migrations, pg_query, schema_for

pytestmark = pytest.mark.prisma
SERVICES = ("auth", "billing", "catalog")


def run_together(root: Path, *extra: str, count: int = 2) -> list[tuple[int, dict]]:
    """Start `count` migrate processes at the same moment; their exit codes and JSON results."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    processes = []
    for index in range(count):
        out = root / f"concurrent-{index}.json"
        command = [sys.executable, "-m", "azora_tasks.cli", "migrate", *extra, "--manifest", str(root / "services.toml"), "--json", str(out), "--no-color"]
        processes.append((subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True), out))
    results = []
    for process, out in processes:
        output, _ = process.communicate(timeout=600)
        assert out.is_file(), output
        results.append((process.returncode, json.loads(out.read_text())))
    return results


def sqlite_rows(root: Path, service: str) -> list[tuple]:
    with sqlite3.connect(root / "services" / service / "prisma" / f"{service}.db") as connection:
        return connection.execute("SELECT migration_name, finished_at IS NOT NULL, rolled_back_at FROM _prisma_migrations ORDER BY 1").fetchall()


def _change(root: Path, service: str) -> None:
    schema = root / "services" / service / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text() + "\nmodel Note {\n  id   String @id @default(cuid())\n  body String\n}\n")


def test_two_runs_on_sqlite_make_one_migration_per_change(tmp_path: Path) -> None:
    urls = {name: f"file:./{name}.db" for name in SERVICES}
    root = make_monorepo(tmp_path, urls)
    for code, data in run_together(root):
        assert code == 0, data
    for service in SERVICES:
        [init] = migrations(root, service)
        assert init.endswith("_init")
        assert sqlite_rows(root, service) == [(init, 1, None)]

    _change(root, "billing")
    for code, data in run_together(root, "--name", "notes"):
        assert code == 0, data
    billing = migrations(root, "billing")
    assert len(billing) == 2 and billing[1].endswith("_notes")
    assert [row[:2] for row in sqlite_rows(root, "billing")] == [(name, 1) for name in billing]
    assert all(len(migrations(root, service)) == 1 for service in ("auth", "catalog"))


def test_two_runs_on_postgres_make_one_migration_per_change(tmp_path: Path, postgres_server: str, pg_database: str) -> None:
    urls = {name: f"{postgres_server}/{pg_database}?schema={name}" for name in SERVICES}  # one database: shared advisory lock
    root = make_monorepo(tmp_path, urls, provider="postgresql", schemas={name: schema_for("postgresql") for name in SERVICES})
    for code, data in run_together(root):
        assert code == 0, data
    for service in SERVICES:
        [init] = migrations(root, service)
        rows = pg_query(postgres_server, pg_database, f'SELECT migration_name, finished_at IS NOT NULL AS done FROM "{service}"."_prisma_migrations"')
        assert rows == [{"migration_name": init, "done": True}]

    _change(root, "billing")
    for code, data in run_together(root, "--name", "notes"):
        assert code == 0, data
    billing = migrations(root, "billing")
    assert len(billing) == 2
    rows = pg_query(postgres_server, pg_database, 'SELECT migration_name FROM billing."_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY 1')
    assert [row["migration_name"] for row in rows] == billing
    failed = pg_query(
        postgres_server,
        pg_database,
        "SELECT count(*)::int AS n FROM (SELECT finished_at FROM auth._prisma_migrations UNION ALL SELECT finished_at FROM billing._prisma_migrations"
        " UNION ALL SELECT finished_at FROM catalog._prisma_migrations) rows WHERE finished_at IS NULL",
    )
    assert failed == [{"n": 0}]


def test_create_database_race_is_not_a_failure(tmp_path: Path, postgres_server: str, pg_database: str) -> None:
    """Four Node workers create the same database at once: all succeed, exactly one says it created it."""
    url = f"{postgres_server}/{pg_database}?schema=race"
    workers = [MigrateWorker(tmp_path, PRISMA_CLI) for _ in range(4)]
    try:
        for worker in workers:
            worker.request({"op": "ping"})  # started, so the requests below really overlap
        barrier = threading.Barrier(len(workers))
        outcomes: list[object] = []

        def create(worker: MigrateWorker) -> None:
            barrier.wait()
            try:
                outcomes.append(worker.pg_ensure(url))
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                outcomes.append(error)

        threads = [threading.Thread(target=create, args=(worker,)) for worker in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        for worker in workers:
            worker.close()
    assert sorted(map(repr, outcomes)) == ["False", "False", "False", "True"]
    assert pg_query(postgres_server, pg_database, "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'race'") == [{"n": 1}]
    dbtool(f"{postgres_server}/{pg_database}", "drop")
