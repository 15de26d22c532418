"""`migrate` on real SQLite databases, end to end through the CLI entry point."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from .conftest import make_monorepo, migrations, prisma_by_hand, schema_for

pytestmark = pytest.mark.prisma

THREE = {"auth": None, "user-service": None, "course-service": None}


def db_file(root: Path, service: str) -> Path:
    return root / "services" / service / "prisma" / f"{service}.db"


def test_fresh_monorepo_gets_init_then_nothing_then_status_ok_and_drift_detected(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, THREE)

    first = migrate(root)
    assert first.code == 0, first.output
    for service in THREE:
        names = migrations(root, service)
        assert len(names) == 1 and names[0].endswith("_init")
        assert first.services[service]["details"]["created"] == 1
        assert first.services[service]["details"]["applied"] == 1
        assert "created " in first.services[service]["summary"] and "applied 1" in first.services[service]["summary"]
        tables = sqlite3.connect(db_file(root, service)).execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        assert ("User",) in tables

    second = migrate(root)
    assert second.code == 0, second.output
    for service in THREE:
        assert len(migrations(root, service)) == 1
        assert second.services[service]["details"]["created"] == 0
        assert second.services[service]["details"]["applied"] == 0

    # One status run (Prisma's db pull + diff per service) for both verdicts: drift in auth, the others up to date
    # (an all-up-to-date SQLite status exiting 0: test_messages.py's awkward paths, test_prisma7_migrate.py).
    with sqlite3.connect(db_file(root, "auth")) as connection:
        connection.execute('CREATE TABLE "Sneaky" ("id" INTEGER NOT NULL PRIMARY KEY)')
    status = migrate(root, "--status")
    assert status.code == 1, status.output
    assert status.services["auth"]["details"]["state"] == "drifted"
    assert "Sneaky" in status.services["auth"]["output"]
    assert {status.services[service]["details"]["state"] for service in ("user-service", "course-service")} == {"up to date"}


def test_schema_change_creates_exactly_one_migration_for_that_service(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, THREE)
    assert migrate(root).code == 0
    schema = root / "services" / "auth" / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text() + "\nmodel Session {\n  id     String @id\n  userId String\n}\n")

    run = migrate(root, "--name", "add sessions")
    assert run.code == 0, run.output
    auth = migrations(root, "auth")
    assert len(auth) == 2 and auth[1].endswith("_add_sessions")
    assert run.services["auth"]["details"]["created_migrations"] == [auth[1]]
    assert run.services["auth"]["summary"] == f"created {auth[1]}, applied 1"
    for service in ("user-service", "course-service"):
        assert len(migrations(root, service)) == 1
        assert run.services[service]["details"]["created"] == 0


def test_deploy_applies_pending_and_creates_nothing(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None})
    assert migrate(root).code == 0
    db_file(root, "auth").unlink()
    schema = root / "services" / "auth" / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text().replace("  createdAt DateTime", "  name      String?\n  createdAt DateTime"))

    run = migrate(root, "--deploy")
    assert run.code == 0, run.output
    assert run.services["auth"]["details"]["applied"] == 1
    assert len(migrations(root, "auth")) == 1  # deploy never writes a migration


def test_status_lists_pending_and_agrees_with_prisma(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None})
    assert migrate(root).code == 0
    extra = root / "services" / "auth" / "prisma" / "migrations" / "29990101000000_add_index"
    extra.mkdir()
    (extra / "migration.sql").write_text('CREATE INDEX "User_createdAt_idx" ON "User"("createdAt");\n')
    schema = root / "services" / "auth" / "prisma" / "schema.prisma"  # the schema that migration was written for
    schema.write_text(schema.read_text().replace("createdAt DateTime @default(now())\n", "createdAt DateTime @default(now())\n\n  @@index([createdAt])\n"))

    status = migrate(root, "--status")
    assert status.code == 1
    auth = status.services["auth"]
    assert auth["details"]["state"] == "pending"
    assert auth["details"]["pending_migrations"] == ["29990101000000_add_index"]

    by_hand = prisma_by_hand(root / "services" / "auth", "file:./auth.db", "migrate", "status", "--schema", "prisma/schema.prisma")
    assert by_hand.returncode == 1
    assert "29990101000000_add_index" in by_hand.stdout + by_hand.stderr

    assert migrate(root, "--deploy").code == 0  # `--status` exiting 0 after a Prisma-applied migration: test_messages.py's awkward paths
    by_hand = prisma_by_hand(root / "services" / "auth", "file:./auth.db", "migrate", "status", "--schema", "prisma/schema.prisma")
    assert by_hand.returncode == 0 and "Database schema is up to date!" in by_hand.stdout


def test_reset_refuses_without_force_then_drops_and_reapplies(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None})
    assert migrate(root).code == 0
    with sqlite3.connect(db_file(root, "auth")) as connection:
        connection.execute("INSERT INTO \"User\" (id, email) VALUES ('1', 'a@b.c')")

    refused = migrate(root, "--reset")
    assert refused.code == 2 and "--force" in refused.output

    run = migrate(root, "--reset", "--force")
    assert run.code == 0, run.output
    assert run.services["auth"]["details"]["applied"] == 1
    assert sqlite3.connect(db_file(root, "auth")).execute('SELECT COUNT(*) FROM "User"').fetchone() == (0,)


def test_failing_migration_fails_only_that_service_and_reports_p3009_state(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None, "user-service": None})
    assert migrate(root).code == 0
    broken = root / "services" / "auth" / "prisma" / "migrations" / "29990101000000_broken"
    broken.mkdir()
    (broken / "migration.sql").write_text('CREATE TABLE "Ok" ("id" INTEGER PRIMARY KEY);\nALTER TABLE "Nope" ADD COLUMN "x" TEXT;\n')
    schema = root / "services" / "user-service" / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text().replace("  createdAt DateTime", "  name      String?\n  createdAt DateTime"))

    run = migrate(root)
    assert run.code == 1
    assert run.services["auth"]["status"] == "failed"
    # Development diffs from the migrations first, as `prisma migrate dev` does: the broken script fails in the
    # shadow database (P3006) and the real one is left alone.
    assert run.services["auth"]["details"]["error_code"] == "P3006"
    assert "29990101000000_broken" in run.services["auth"]["summary"]
    assert run.services["user-service"]["status"] == "ok"  # the other service still migrated
    assert run.services["user-service"]["details"]["created"] == 1

    deployed = migrate(root, "--deploy", "auth")  # applied for real: rolled back, recorded as failed like Prisma does
    assert deployed.services["auth"]["details"]["error_code"] == "P3018"
    assert deployed.services["auth"]["summary"].endswith("(fix it, then `prisma migrate resolve --rolled-back 29990101000000_broken`)")
    again = migrate(root, "--deploy", "auth")  # the failed row now blocks (Prisma's own P3009)
    assert again.services["auth"]["details"]["error_code"] == "P3009"
    status = migrate(root, "--status", "auth")
    assert status.code == 1
    assert status.services["auth"]["details"]["state"] == "failed"
    assert status.services["auth"]["details"]["failed_migrations"] == ["29990101000000_broken"]


def test_guard_blocks_data_loss_until_accepted(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None})
    assert migrate(root).code == 0
    schema = root / "services" / "auth" / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text().replace("  email     String   @unique\n", "  mail      String   @unique\n"))

    blocked = migrate(root)
    assert blocked.code == 1
    auth = blocked.services["auth"]
    assert "blocked" in auth["summary"] and "DS103" in auth["summary"] and "AZM103" in auth["summary"]
    assert {finding["code"] for finding in auth["details"]["findings"]} >= {"DS103", "AZM103", "MF103", "MF101"}
    assert len(migrations(root, "auth")) == 1  # nothing written, nothing applied

    accepted = migrate(root, "--accept-data-loss", "--name", "rename")
    assert accepted.code == 0, accepted.output
    assert len(migrations(root, "auth")) == 2


def test_sqlite_url_override_by_environment(tmp_path: Path, migrate, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None})
    other = tmp_path / "elsewhere" / "auth.sqlite"
    monkeypatch.setenv("AZORA_DATABASE_URL_AUTH", f"file:{other}")
    run = migrate(root)
    assert run.code == 0, run.output
    assert other.is_file()
    assert run.services["auth"]["details"]["database"] == f"file:{other}"


def test_missing_schema_is_skipped(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None, "user-service": None})
    (root / "services" / "user-service" / "prisma" / "schema.prisma").unlink()
    run = migrate(root)
    assert run.code == 0
    assert run.services["user-service"]["status"] == "skipped"


def test_provider_mismatch_is_reported(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": "postgresql://u:topsecret@127.0.0.1:1/x"}, schemas={"auth": schema_for("sqlite")})
    run = migrate(root)
    assert run.code == 1
    assert "topsecret" not in run.output and "topsecret" not in str(run.data)
