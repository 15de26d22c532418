"""`migrate`'s one-line summaries, checked by their text, and nothing half-made.

Covers the issue's list: an invalid schema fails before any database exists;
no `P1012: |`, `engine.rs`, raw JSON or "error: migration failed"; a refused
connection is named as such (not "cannot create database"); a literal
`url = "file:./dev.db"` is used unless the manifest names another database for
that service, and the summary says which; SQLite paths with `#`, `%` and
spaces work on every run.
"""

from __future__ import annotations

import re
import socket
import sqlite3
from pathlib import Path

import pytest

from azora_tasks.migrate import messages

from .conftest import make_monorepo, migrations, pg_databases, schema_for

pytestmark = pytest.mark.prisma
NEVER = re.compile(r"P1012: \||\.rs:\d+|^\s*[{\[]|error: migration failed")

INVALID = schema_for("{provider}").replace("  email     String   @unique\n", "  email     String   @unique\n  broken    Strin\n")


def assert_clean(summary: str) -> None:
    assert "\n" not in summary and not NEVER.search(summary), summary


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("engine", ["auto", "prisma"])
def test_invalid_postgres_schema_fails_before_any_database_is_created(tmp_path: Path, migrate, postgres_server: str, pg_database: str, engine: str) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(
        tmp_path, {"auth": f"{postgres_server}/{pg_database}"}, provider="postgresql", schemas={"auth": INVALID.replace("{provider}", "postgresql")}
    )
    run = migrate(root, "--engine", engine)
    assert run.code == 1
    summary = run.services["auth"]["summary"]
    assert summary.startswith("schema invalid at services/auth/prisma/schema.prisma:14: "), summary
    assert "Strin" in summary and summary.endswith("(run `azora-tasks validate` for every error)")
    assert_clean(summary)
    if engine == "auto":
        assert pg_database not in pg_databases(postgres_server)
    assert migrations(root, "auth") == []


def test_invalid_sqlite_schema_fails_before_the_file_is_created(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": "file:./auth.db"}, schemas={"auth": INVALID.replace("{provider}", "sqlite")})
    run = migrate(root)
    assert run.code == 1
    summary = run.services["auth"]["summary"]
    assert summary.startswith("schema invalid at services/auth/prisma/schema.prisma:14: "), summary
    assert_clean(summary)
    assert not (root / "services" / "auth" / "prisma" / "auth.db").exists()


@pytest.mark.parametrize("args", [(), ("--engine", "prisma"), ("--status",), ("--deploy",)])
def test_refused_connection_is_not_cannot_create_database(tmp_path: Path, migrate, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    port = _free_port()  # nothing listens there
    root = make_monorepo(
        tmp_path,
        {"auth": f"postgresql://postgres:Sup3rSecretPw@127.0.0.1:{port}/i11_nowhere"},
        provider="postgresql",
        schemas={"auth": schema_for("postgresql")},
    )
    (root / "services" / "auth" / "prisma" / "migrations" / "20260101000000_init").mkdir(parents=True)
    (root / "services" / "auth" / "prisma" / "migrations" / "20260101000000_init" / "migration.sql").write_text('CREATE TABLE "x" ("id" TEXT);\n')
    run = migrate(root, *args)
    assert run.code == 1
    assert run.services["auth"]["summary"] == f"cannot connect to postgresql at 127.0.0.1:{port} (ECONNREFUSED): is the server running and the URL right?"
    assert "Sup3rSecretPw" not in run.output + str(run.data)


def test_literal_sqlite_url_is_used_and_named(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    literal = schema_for("sqlite").replace('env("DATABASE_URL")', '"file:./dev.db"')
    root = make_monorepo(tmp_path, {"auth": None, "billing": "file:./elsewhere.db"}, schemas={"auth": literal, "billing": literal})
    run = migrate(root)
    assert run.code == 0, run.output
    auth_db = root / "services" / "auth" / "prisma" / "dev.db"
    assert run.services["auth"]["summary"].endswith(f"[file:{auth_db} from the schema's url]")
    assert run.services["billing"]["summary"].endswith(
        f"[file:{root / 'services' / 'billing' / 'prisma' / 'elsewhere.db'} from services.billing.database_url, not the schema's url]"
    )
    assert not (root / "services" / "billing" / "prisma" / "dev.db").exists()
    with sqlite3.connect(auth_db) as connection:
        assert connection.execute("SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL").fetchone() == (1,)
    again = migrate(root)
    assert again.services["auth"]["summary"] == f"up to date (checked without Prisma) [file:{auth_db} from the schema's url]"


# One service per awkward file name, all in one monorepo: every run below covers the four paths at once.
AWKWARD_PATHS = {"space": "with space.db", "hash": "hash#1.db", "percent": "pct%41.db", "all": "all of #them%20.db"}


def test_sqlite_paths_with_hash_percent_and_spaces_work_on_every_run(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {service: f"file:./data dir/{name}" for service, name in AWKWARD_PATHS.items()})
    databases = {service: root / "services" / service / "prisma" / "data dir" / name for service, name in AWKWARD_PATHS.items()}
    first = migrate(root)
    assert first.code == 0, first.output
    for service, database in databases.items():
        assert database.is_file() and len(list(database.parent.iterdir())) == 1, service
        schema = root / "services" / service / "prisma" / "schema.prisma"
        schema.write_text(schema.read_text() + "\nmodel Note {\n  id String @id\n}\n")
    # The Prisma CLI path (libsql parses the URL) on the path with every awkward character, the worker on the others.
    by_prisma = migrate(root, "all", "--engine", "prisma", "--name", "notes")
    assert by_prisma.code == 0, by_prisma.output
    second = migrate(root, "--name", "notes")
    assert second.code == 0, second.output
    third = migrate(root)
    status = migrate(root, "--status")
    assert status.code == 0, status.output
    assert by_prisma.services["all"]["summary"].endswith("_notes, applied 1") and "fast_path" not in by_prisma.services["all"]["details"]
    for service, database in databases.items():
        if service != "all":
            assert second.services[service]["summary"].endswith("_notes, applied 1"), service
        assert third.services[service]["summary"] == "up to date (checked without Prisma)", service
        assert status.services[service]["summary"] == "up to date (2 applied)", service
        assert sorted(path.name for path in database.parent.iterdir()) == [database.name], service


def test_failed_deploy_summary_names_migration_and_reason(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None})
    assert migrate(root).code == 0
    broken = root / "services" / "auth" / "prisma" / "migrations" / "29990101000000_broken"
    broken.mkdir()
    (broken / "migration.sql").write_text('ALTER TABLE "Nope" ADD COLUMN "x" TEXT;\n')
    run = migrate(root, "--deploy")
    summary = run.services["auth"]["summary"]
    assert summary.startswith("P3018: 29990101000000_broken failed: ") and "no such table: Nope" in summary, summary
    assert summary.endswith("(fix it, then `prisma migrate resolve --rolled-back 29990101000000_broken`)")
    assert_clean(summary)


def test_summarize_units() -> None:
    p1012 = (
        '{"error_code":"P1012","message":"error: Error validating: This line is invalid.\\n  -->  /r/services/a/prisma/schema.prisma:5\\n   | \\n 4 | }\\n"}'
    )
    engine_text = "error: Error validating: This line is invalid. It does not start with any known Prisma schema keyword.\n  -->  /r/x/schema.prisma:5\n   | \n"
    assert messages.summarize(engine_text, Path("/r")) == (
        "schema invalid at x/schema.prisma:5: This line is invalid. It does not start with any known Prisma schema keyword"
        " (run `azora-tasks validate` for every error)"
    )
    assert "P1012: |" not in messages.summarize(p1012)
    assert messages.first_meaningful_line("{\n  at foo (engine.rs:242)\nError: Error: boom\n") == "boom"
