"""`migrate` on a real PostgreSQL server (local, or a throwaway one started by the fixture)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from .conftest import RUN_PREFIX, make_monorepo, migrations, pg_databases, pg_query, schema_for

pytestmark = pytest.mark.prisma


def with_password(server: str) -> str:
    return server.replace("postgresql://postgres@", "postgresql://postgres:Sup3rSecretPw@")


def test_postgres_create_deploy_status_reset_never_prints_password(tmp_path: Path, migrate, postgres_server: str, pg_database: str) -> None:  # type: ignore[no-untyped-def]
    url = f"{with_password(postgres_server)}/{pg_database}"
    root = make_monorepo(tmp_path, {"auth": url}, provider="postgresql", schemas={"auth": schema_for("postgresql")})
    before = pg_databases(postgres_server)

    first = migrate(root)
    assert first.code == 0, first.output
    assert pg_database in pg_databases(postgres_server)  # created by the tool
    assert first.services["auth"]["details"]["applied"] == 1
    assert migrate(root).services["auth"]["details"]["created"] == 0
    assert migrate(root, "--status").code == 0
    # `prisma migrate status` by hand on a database the worker migrated: tests/migrate/test_pg_parity.py (public and ?schema=).

    pg_query(postgres_server, pg_database, "INSERT INTO \"User\" (id, email) VALUES ('1', 'a@b.c')")
    reset = migrate(root, "--reset", "--force")
    assert reset.code == 0, reset.output
    assert pg_query(postgres_server, pg_database, 'SELECT COUNT(*)::int AS n FROM "User"') == [{"n": 0}]

    pg_query(postgres_server, pg_database, 'CREATE TABLE "Sneaky" (id int PRIMARY KEY)')
    drift = migrate(root, "--status")
    assert drift.code == 1 and drift.services["auth"]["details"]["state"] == "drifted"

    everything = first.output + reset.output + drift.output + str(first.data) + str(reset.data) + str(drift.data)
    assert "Sup3rSecretPw" not in everything
    assert "postgres:****@" in str(first.data)
    # Another process on a shared server may hold a shadow for a moment: only one that stays is a leftover.
    deadline = time.monotonic() + 15
    while True:
        leftovers = {name for name in pg_databases(postgres_server) - before if name.startswith("prisma_shadow")}
        if not leftovers or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert not leftovers, f"shadow databases left behind: {leftovers}"


def test_two_services_share_one_database_with_different_schemas(tmp_path: Path, migrate, postgres_server: str, pg_database: str) -> None:  # type: ignore[no-untyped-def]
    services = {name: f"{postgres_server}/{pg_database}?schema={name.replace('-', '_')}" for name in ("auth", "user-service")}
    schemas = {name: schema_for("postgresql") for name in services}
    root = make_monorepo(tmp_path, services, provider="postgresql", schemas=schemas)

    run = migrate(root, "-j", "2")
    assert run.code == 0, run.output
    for name in services:
        assert len(migrations(root, name)) == 1
    rows = pg_query(postgres_server, pg_database, "SELECT table_schema FROM information_schema.tables WHERE table_name = 'User' ORDER BY 1")
    assert [row["table_schema"] for row in rows] == ["auth", "user_service"]
    status = migrate(root, "--status")
    assert status.code == 0, status.output


@pytest.mark.parametrize("engine", ["auto", "prisma"])
def test_failing_migration_on_postgres_leaves_the_rest_applied(tmp_path: Path, migrate, postgres_server: str, pg_database: str, engine: str) -> None:  # type: ignore[no-untyped-def]
    url = f"{postgres_server}/{pg_database}"
    root = make_monorepo(tmp_path, {"auth": url}, provider="postgresql", schemas={"auth": schema_for("postgresql")})
    assert migrate(root).code == 0
    broken = root / "services" / "auth" / "prisma" / "migrations" / "29990101000000_broken"
    broken.mkdir()
    (broken / "migration.sql").write_text('CREATE TABLE "Half" ("id" TEXT);\nALTER TABLE "Nope" ADD COLUMN "x" TEXT;\n')

    run = migrate(root, "--deploy", "--engine", engine)
    assert run.code == 1
    auth = run.services["auth"]
    assert auth["details"]["error_code"] == "P3018"
    status = migrate(root, "--status", "--engine", engine)
    applied = pg_query(postgres_server, pg_database, "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL")
    assert [row["migration_name"][14:] for row in applied] == ["_init"]
    if engine == "auto":
        # One transaction: the half that worked is rolled back and no failed row blocks the service.
        assert auth["summary"].startswith('P3018: 29990101000000_broken failed: relation "Nope" does not exist')
        assert "rolled back, nothing applied" in auth["summary"]
        assert status.services["auth"]["details"]["state"] == "pending"
        assert pg_query(postgres_server, pg_database, "SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NULL")[0]["n"] == 0
        assert pg_query(postgres_server, pg_database, "SELECT to_regclass('\"Half\"')::text AS t")[0]["t"] is None
    else:  # Prisma's own deploy leaves the failed row (P3009 until `migrate resolve`)
        assert status.services["auth"]["details"]["state"] == "failed"


# A function body between `$$` and `;` inside comments: Prisma's pg adapter used to split the script on
# every `;` (P3018 with --engine prisma); the drivers now run whole scripts, as Prisma's native engine does.
PLPGSQL_MIGRATION = """\
-- Lower-case every email; the trigger below calls this function.
CREATE FUNCTION "lower_email"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."email" := lower(NEW."email"); -- normalised; always
  RETURN NEW;
END;
$$;

/* one trigger; on insert and update */
CREATE TRIGGER "User_lower_email" BEFORE INSERT OR UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION "lower_email"();
"""


@pytest.mark.parametrize("engine", ["auto", "prisma"])
def test_dollar_quoted_body_and_semicolon_in_comment_apply_on_postgres(tmp_path: Path, migrate, postgres_server: str, pg_database: str, engine: str) -> None:  # type: ignore[no-untyped-def]
    url = f"{postgres_server}/{pg_database}"
    root = make_monorepo(tmp_path, {"auth": url}, provider="postgresql", schemas={"auth": schema_for("postgresql")})
    assert migrate(root).code == 0  # the init on either engine: test_pg_parity.py; the script under test is deployed below
    folder = root / "services" / "auth" / "prisma" / "migrations" / "29990101000000_lower_email"
    folder.mkdir()
    (folder / "migration.sql").write_text(PLPGSQL_MIGRATION)

    run = migrate(root, "--deploy", "--engine", engine)
    assert run.code == 0, run.output
    assert run.services["auth"]["details"]["applied"] == 1
    pg_query(postgres_server, pg_database, "INSERT INTO \"User\" (id, email) VALUES ('1', 'Mixed@Case.ORG')")
    assert pg_query(postgres_server, pg_database, 'SELECT email FROM "User"') == [{"email": "mixed@case.org"}]
    assert pg_query(postgres_server, pg_database, "SELECT prosrc LIKE '%normalised; always%' AS whole FROM pg_proc WHERE proname = 'lower_email'") == [
        {"whole": True}
    ]
    status = migrate(root, "--status", "--engine", engine)
    assert status.code == 0 and status.services["auth"]["details"]["state"] == "up to date", status.output


def test_run_prefix_is_random() -> None:
    assert RUN_PREFIX.startswith(os.environ.get("AZORA_TEST_DB_PREFIX", "azt")) and len(RUN_PREFIX) == len(os.environ.get("AZORA_TEST_DB_PREFIX", "azt")) + 6


def test_mariadb_without_native_engine_says_why(tmp_path: Path, migrate, mariadb_server: str) -> None:  # type: ignore[no-untyped-def]
    from azora_tasks.manifest import load_manifest
    from azora_tasks.migrate.engine import Engine
    from azora_tasks.process import ProcessGroup
    from azora_tasks.toolchain.prisma_cli import find_prisma

    root = make_monorepo(tmp_path, {"auth": f"{mariadb_server}/{RUN_PREFIX}_auth"}, provider="mysql", schemas={"auth": schema_for("mysql")})
    manifest = load_manifest(root / "services.toml")
    if Engine(manifest, find_prisma(manifest), ProcessGroup()).native_schema_engine() is not None:
        pytest.skip("a native schema engine is installed: MySQL runs through it (not covered offline)")
    run = migrate(root)
    assert run.code == 1
    assert "no MySQL/MariaDB connector" in run.services["auth"]["summary"]
