"""`migrate --check` end to end (real Prisma CLI, real SQLite and PostgreSQL): uncovered changes fail, the real database is untouched."""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.migrate.conftest import (
    dbtool,
    make_monorepo,
    migrations,
    pg_databases,
    pg_query,
)

pytestmark = pytest.mark.prisma

THREE = ("auth", "user-service", "course-service")
ADD_NAME = ("  createdAt DateTime", "  name      String?\n  createdAt DateTime")


def _schema(root: Path, service: str) -> Path:
    return root / "services" / service / "prisma" / "schema.prisma"


def _sqlite_state(root: Path, service: str) -> tuple[str, list[tuple]]:
    database = root / "services" / service / "prisma" / f"{service}.db"
    rows = sqlite3.connect(database).execute("SELECT id, checksum, migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name").fetchall()
    return hashlib.sha256(database.read_bytes()).hexdigest(), rows


def _commit_migration(root: Path, service: str, name: str, sql: str) -> None:
    folder = root / "services" / service / "prisma" / "migrations" / name
    folder.mkdir()
    (folder / "migration.sql").write_text(sql)


def test_sqlite_check_names_only_the_changed_service_and_never_touches_its_database(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {name: None for name in THREE})
    assert migrate(root).code == 0
    assert migrate(root, "--check").code == 0
    before = {service: _sqlite_state(root, service) for service in THREE}

    schema = _schema(root, "auth")
    schema.write_text(schema.read_text().replace(*ADD_NAME))
    junit, sarif = root / "check.xml", root / "check.sarif"
    run = migrate(root, "--check", "--junit", str(junit), "--sarif", str(sarif))
    assert run.code == 1, run.output
    assert [name for name, entry in run.services.items() if entry["status"] == "failed"] == ["auth"]
    sql = run.services["auth"]["details"]["check"]["sql"]
    assert 'ALTER TABLE "User" ADD COLUMN "name" TEXT' in sql and 'ALTER TABLE "User" ADD COLUMN "name" TEXT' in run.output
    assert "schema changes not covered by a migration" in run.services["auth"]["summary"]
    assert {service: _sqlite_state(root, service) for service in THREE} == before  # bytes and _prisma_migrations unchanged
    assert len(migrations(root, "auth")) == 1  # --check writes no migration

    failures = [case for case in ET.parse(junit).iter("testcase") if case.find("failure") is not None]
    assert [case.get("classname") for case in failures] == ["azora-migrate-check.auth"]
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert [r["properties"]["service"] for r in results] == ["auth"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "services/auth/prisma/schema.prisma"

    _commit_migration(root, "auth", "20990101000000_add_name", sql)  # committed, not applied anywhere
    again = migrate(root, "--check", "--engine", "prisma")  # the Prisma CLI path agrees (a scratch SQLite file)
    assert again.code == 0, again.output
    assert again.services["auth"]["details"]["check"]["covered"] is True
    assert _sqlite_state(root, "auth") == before["auth"]


def test_service_without_migrations_fails_with_its_init(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None})
    run = migrate(root, "--check", "--no-cache")
    assert run.code == 1
    assert 'CREATE TABLE "User"' in run.services["auth"]["details"]["check"]["sql"]
    assert "(no migrations yet)" in run.services["auth"]["summary"]
    assert not (root / "services" / "auth" / "prisma" / "migrations").exists()  # nothing written
    assert not (root / "services" / "auth" / "prisma" / "auth.db").exists()  # no database created either


def test_missing_lock_file_is_not_fixed_in_place(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None})
    assert migrate(root).code == 0
    lock = root / "services" / "auth" / "prisma" / "migrations" / "migration_lock.toml"
    lock.unlink()
    run = migrate(root, "--check", "--no-cache")
    assert run.code == 0, run.output
    assert not lock.exists()


def test_check_follows_selection_changed_since(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    root = make_monorepo(tmp_path, {name: None for name in THREE})
    assert migrate(root).code == 0
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=root, check=True)
    schema = _schema(root, "course-service")
    schema.write_text(schema.read_text().replace(*ADD_NAME))
    run = migrate(root, "--check", "--changed-since", "HEAD")
    assert run.code == 1
    assert list(run.services) == ["course-service"]


@pytest.fixture
def pg_monorepo(tmp_path: Path, postgres_server: str):  # type: ignore[no-untyped-def]
    """Three PostgreSQL services, one database each named i14_<random>_<n>; all dropped afterwards."""
    token = secrets.token_hex(3)
    urls = {service: f"{postgres_server}/i14_{token}_{n}" for n, service in enumerate(THREE)}
    root = make_monorepo(tmp_path, urls, provider="postgresql", urls=f'postgresql = "{postgres_server}/{{db}}"')
    yield root, urls, postgres_server
    for url in urls.values():
        dbtool(url, "drop")


def test_postgres_check_uses_a_scratch_database_and_leaves_the_real_one_alone(pg_monorepo, migrate) -> None:  # type: ignore[no-untyped-def]
    root, urls, server = pg_monorepo
    assert migrate(root).code == 0
    query = "SELECT id, checksum, migration_name, finished_at::text AS finished FROM _prisma_migrations ORDER BY migration_name"
    before = {service: pg_query(server, url.rsplit("/", 1)[1], query) for service, url in urls.items()}
    token = urls["auth"].rsplit("/", 1)[1].rsplit("_", 1)[0]

    def ours() -> set[str]:
        return {name for name in pg_databases(server) if token in name}

    databases_before = ours()
    assert databases_before == {url.rsplit("/", 1)[1] for url in urls.values()}

    schema = _schema(root, "user-service")
    schema.write_text(schema.read_text().replace(*ADD_NAME))
    # Only the changed service is checked here (each check replays the folder into a shadow database); that a check
    # over several services names only the changed one is asserted on SQLite above. All three databases are compared.
    run = migrate(root, "--check", "user-service")
    assert run.code == 1, run.output
    assert [(name, entry["status"]) for name, entry in run.services.items()] == [("user-service", "failed")]
    check = run.services["user-service"]["details"]["check"]
    assert 'ALTER TABLE "User" ADD COLUMN "name" TEXT' in " ".join(check["sql"].split())
    assert check["scratch_database"].startswith("a shadow database on ") and check["scratch_database"].endswith("(migrate worker, always dropped)")
    assert {service: pg_query(server, url.rsplit("/", 1)[1], query) for service, url in urls.items()} == before
    columns = pg_query(server, urls["user-service"].rsplit("/", 1)[1], "SELECT column_name FROM information_schema.columns WHERE table_name = 'User'")
    assert {"column_name": "name"} not in columns
    assert ours() == databases_before  # scratch and shadow databases (named after the real one) dropped

    _commit_migration(root, "user-service", "20990101000000_add_name", check["sql"])
    again = migrate(root, "--check", "user-service", "--engine", "prisma")  # the Prisma CLI on a scratch database
    assert again.code == 0, again.output
    assert "_azcheck_" in again.services["user-service"]["details"]["check"]["scratch_database"]
    assert {service: pg_query(server, url.rsplit("/", 1)[1], query) for service, url in urls.items()} == before
    assert ours() == databases_before


def test_nox_session_migrate_check_fails_with_the_sql(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    """`nox -s migrate -- --check` as a real nox subprocess takes the same options and exit status."""
    import os
    import subprocess
    import sys

    root = make_monorepo(tmp_path, {"auth": None})
    assert migrate(root).code == 0
    (root / "noxfile.py").write_text("import azora_tasks\nazora_tasks.register_sessions(manifest='services.toml')\n")
    env = {**os.environ, "CI": "true"}

    def nox(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "nox", "-s", "migrate", "--", *args], check=False, cwd=root, capture_output=True, text=True, env=env, timeout=300
        )

    assert nox("--check").returncode == 0
    schema = _schema(root, "auth")
    schema.write_text(schema.read_text().replace(*ADD_NAME))
    failed = nox("--check", "--lint", "--sarif", "out.sarif")
    assert failed.returncode != 0
    assert 'ALTER TABLE "User" ADD COLUMN "name" TEXT' in failed.stdout + failed.stderr
    assert json.loads((root / "out.sarif").read_text())["runs"][1]["results"][0]["properties"]["service"] == "auth"
