"""`migrate` on Prisma 7 services: the tool's worker driving the 7.10.1 CLI's own schema engine.

A hand-written tree (cuid ids, no timestamps, a relation, no client `output`, Prisma 7 schemas
without `url`) holds the same models twice: `six` on Prisma 6.19.3, `seven` on 7.10.1 (its own
package.json asks for it). Both are migrated fresh, then after the same model change, then
`--status`; the migration SQL must be byte for byte the same and `_prisma_migrations` must hold the
same rows (checksum, steps, logs, rolled back). On PostgreSQL the 6 side runs `--engine prisma`, so
the 7 worker is compared with Prisma's own CLI, not with itself.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import PRISMA_CLI, REPO_ROOT

from .conftest import make_monorepo, migrations, pg_query

PRISMA7 = REPO_ROOT / "node_modules" / "prisma7" / "build" / "index.js"

MODELS = """
model Author {
  id    String  @id @default(cuid())
  email String  @unique
  name  String?
  posts Post[]
}

model Post {
  id       String @id @default(cuid())
  title    String
  authorId String
  author   Author @relation(fields: [authorId], references: [id])

  @@index([authorId])
}
"""
ENUM = "\nenum Role {\n  READER\n  WRITER\n}\n"


def schema(provider: str, major: int) -> str:
    url = "" if major >= 7 else '\n  url      = env("DATABASE_URL")'
    generator = 'generator client {\n  provider = "prisma-client-js"\n}\n'
    enum = ENUM if provider == "postgresql" else ""
    return f'datasource db {{\n  provider = "{provider}"{url}\n}}\n\n{generator}{MODELS}{enum}'


def tree(root: Path, provider: str, urls: dict[str, str | None]) -> Path:
    make_monorepo(root, urls, provider=provider, schemas={"six": schema(provider, 6), "seven": schema(provider, 7)})
    (root / "services" / "seven" / "package.json").write_text(json.dumps({"devDependencies": {"prisma": "^7.10.1"}}))
    return root


def change_models(root: Path) -> None:
    """The same edit on both sides: a new optional column and a new table."""
    for name in ("six", "seven"):
        path = root / "services" / name / "prisma" / "schema.prisma"
        text = path.read_text().replace("  name  String?\n", "  name  String?\n  bio   String?\n")
        path.write_text(text + "\nmodel Tag {\n  id    String @id @default(cuid())\n  label String @unique\n}\n")


def sql_of(root: Path, service: str) -> list[str]:
    folder = root / "services" / service / "prisma" / "migrations"
    return [(folder / name / "migration.sql").read_text() for name in migrations(root, service)]


def comparable(root: Path, service: str, rows: list[dict]) -> list[tuple]:
    """What must agree between the two sides (ids, names' timestamps and times differ by nature); the
    checksum must be Prisma's (SHA-256 of the local migration.sql)."""
    local = dict(zip(migrations(root, service), sql_of(root, service), strict=True))
    return [
        (
            row["migration_name"].split("_", 1)[1],
            row["checksum"] == hashlib.sha256(local[row["migration_name"]].encode()).hexdigest(),
            row["applied_steps_count"],
            row["logs"],
            row["rolled_back_at"],
            row["finished_at"] is not None,
        )
        for row in sorted(rows, key=lambda r: r["migration_name"])
    ]


def sqlite_rows(root: Path, service: str) -> list[dict]:
    connection = sqlite3.connect(root / "services" / service / "prisma" / f"{service}.db")
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute("SELECT * FROM _prisma_migrations")]
    finally:
        connection.close()


@pytest.fixture
def prisma7() -> Path:
    if not PRISMA7.is_file():
        pytest.fail(f"{PRISMA7} is missing: run `npm ci` (package.json pins prisma7 = npm:prisma@7.10.1)")
    return PRISMA7


@pytest.mark.prisma
def test_sqlite_fresh_second_migration_and_status_match_prisma_6(tmp_path: Path, migrate, prisma7: Path) -> None:  # type: ignore[no-untyped-def]
    root = tree(tmp_path, "sqlite", {"six": None, "seven": None})
    first = migrate(root)
    assert first.code == 0, first.output
    assert first.services["seven"]["details"]["created_migrations"][0].endswith("_init")
    assert sql_of(root, "seven") == sql_of(root, "six") and 'CREATE TABLE "Post"' in sql_of(root, "seven")[0]

    change_models(root)
    second = migrate(root, "--name", "bio_and_tags")  # six: the 6 worker path (against the 6 CLI: test_fast_paths.py)
    assert second.code == 0, second.output
    assert [name.split("_", 1)[1] for name in migrations(root, "seven")] == ["init", "bio_and_tags"]
    assert sql_of(root, "seven") == sql_of(root, "six") and 'CREATE TABLE "Tag"' in sql_of(root, "seven")[1]
    assert comparable(root, "seven", sqlite_rows(root, "seven")) == comparable(root, "six", sqlite_rows(root, "six"))
    assert sqlite_rows(root, "seven")[0]["checksum"] == sqlite_rows(root, "six")[0]["checksum"]
    assert len(sqlite_rows(root, "seven")) == 2

    status = migrate(root, "--status")
    assert status.code == 0, status.output
    assert status.services["seven"]["details"]["state"] == "up to date"
    assert status.services["seven"]["summary"] == "up to date (2 applied)"

    # a schema change without a migration is seen on 7 too (the worker diffs the folder against the schema)
    path = root / "services" / "seven" / "prisma" / "schema.prisma"
    path.write_text(path.read_text().replace("  label String @unique\n", "  label String @unique\n  hue   Int?\n"))
    changed = migrate(root, "--status", "seven")
    assert changed.code == 1 and changed.services["seven"]["details"]["state"] == "schema changed"


@pytest.mark.prisma
def test_postgresql_fresh_second_migration_and_status_match_the_prisma_6_cli(  # type: ignore[no-untyped-def]
    tmp_path: Path, migrate, prisma7: Path, postgres_server: str, pg_database: str
) -> None:
    urls = {"six": f"{postgres_server}/{pg_database}?schema=six", "seven": f"{postgres_server}/{pg_database}?schema=seven"}
    root = tree(tmp_path, "postgresql", urls)
    for step in ("fresh", "second"):
        if step == "second":
            change_models(root)
        six = migrate(root, "six", "--engine", "prisma", *(["--name", "bio_and_tags"] if step == "second" else []))
        seven = migrate(root, "seven", *(["--name", "bio_and_tags"] if step == "second" else []))
        assert six.code == 0, six.output
        assert seven.code == 0, seven.output
        assert seven.services["seven"]["details"].get("fast_path") == "worker"
        # byte for byte, but for the `?schema=` each names (`CREATE SCHEMA IF NOT EXISTS "six"`)
        assert sql_of(root, "seven") == [sql.replace('"six"', '"seven"') for sql in sql_of(root, "six")], step
    assert 'CREATE TYPE "Role"' in sql_of(root, "seven")[0] and 'CREATE TABLE "Tag"' in sql_of(root, "seven")[1]
    columns = "migration_name, checksum, applied_steps_count, logs, rolled_back_at, finished_at"
    rows = {name: pg_query(postgres_server, pg_database, f'SELECT {columns} FROM "{name}"._prisma_migrations') for name in ("six", "seven")}
    assert len(rows["seven"]) == 2 and comparable(root, "seven", rows["seven"]) == comparable(root, "six", rows["six"])
    assert all(entry[1] for entry in comparable(root, "seven", rows["seven"]))
    tables = pg_query(postgres_server, pg_database, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'seven' ORDER BY 1")
    assert [row["table_name"] for row in tables] == ["Author", "Post", "Tag", "_prisma_migrations"]

    status = migrate(root, "--status")
    assert status.code == 0, status.output
    assert status.services["seven"]["details"]["state"] == "up to date"
    again = migrate(root, "seven")
    assert again.code == 0 and again.services["seven"]["summary"].startswith("up to date") and len(migrations(root, "seven")) == 2, again.output


def test_mysql_and_engine_prisma_on_7_say_what_is_missing(tmp_path: Path, migrate, prisma7: Path) -> None:  # type: ignore[no-untyped-def]
    """Decided before any database is touched: no server is needed."""
    root = tree(tmp_path, "sqlite", {"six": None, "seven": None})
    forced = migrate(root, "seven", "--engine", "prisma")
    assert forced.code == 1
    text = forced.services["seven"]["output"]
    assert "Prisma 7.10.1" in text and "native schema engine" in text and "drop --engine prisma" in text
    assert not migrations(root, "seven")

    (root / "services" / "seven" / "prisma" / "schema.prisma").write_text(schema("mysql", 7))
    mysql = migrate(root, "seven")
    assert mysql.code == 1
    result = mysql.services["seven"]
    assert result["details"]["state"] == "unsupported offline"
    assert "mysql has no offline migrate" in result["summary"] and "PRISMA_SCHEMA_ENGINE_BINARY" in result["output"]
    assert PRISMA_CLI.is_file()


def test_sqlite_deploy_on_7_records_a_failed_script_like_prisma(tmp_path: Path, migrate, prisma7: Path) -> None:  # type: ignore[no-untyped-def]
    """A failing script is rolled back and recorded as Prisma records it (P3018), and then blocks (P3009)."""
    root = tree(tmp_path, "sqlite", {"six": None, "seven": None})
    broken = root / "services" / "seven" / "prisma" / "migrations" / "29990101000000_broken"
    broken.mkdir(parents=True)
    (broken / "migration.sql").write_text('CREATE TABLE "Half" ("id" TEXT);\nINSERT INTO "Nope" VALUES (1);\n')
    first = migrate(root, "seven", "--deploy")
    assert first.code == 1 and first.services["seven"]["summary"].startswith("P3018: 29990101000000_broken failed: SQLITE_ERROR: no such table: Nope")
    rows = sqlite_rows(root, "seven")
    assert [(row["migration_name"], row["finished_at"], row["applied_steps_count"]) for row in rows] == [("29990101000000_broken", None, 0)]
    assert "no such table: Nope" in rows[0]["logs"]
    connection = sqlite3.connect(root / "services" / "seven" / "prisma" / "seven.db")
    try:  # rolled back: the first statement left nothing behind
        assert connection.execute("SELECT name FROM sqlite_master WHERE name = 'Half'").fetchall() == []
    finally:
        connection.close()
    again = migrate(root, "seven", "--deploy")
    assert again.code == 1 and again.services["seven"]["summary"].startswith("P3009: a failed migration 29990101000000_broken in the database blocks")
    status = migrate(root, "seven", "--status")
    assert status.code == 1 and status.services["seven"]["details"]["state"] == "failed"


def test_a_7_services_own_config_names_its_database(tmp_path: Path, migrate, prisma7: Path) -> None:  # type: ignore[no-untyped-def]
    """Read with the 7 CLI's own config loader: a hard-coded `datasource.url` wins (relative to the config);
    a config that fails to load stops the service naming the file."""
    root = tree(tmp_path, "sqlite", {"six": None, "seven": None})
    config = root / "services" / "seven" / "prisma.config.ts"
    config.write_text('export default { schema: "prisma/schema.prisma", datasource: { url: "file:./data/own.db" } };\n')
    run = migrate(root, "seven")
    assert run.code == 0, run.output
    assert (root / "services" / "seven" / "data" / "own.db").is_file()
    assert not (root / "services" / "seven" / "prisma" / "seven.db").exists()
    assert run.services["seven"]["details"]["database_source"] == "prisma.config.ts datasource.url"

    config.write_text("export default { schema: \n")
    broken = migrate(root, "seven")
    assert broken.code == 1 and "prisma.config.ts" in broken.services["seven"]["summary"]
    assert "fix:" in broken.services["seven"]["output"]
