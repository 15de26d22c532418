"""`migrate`'s fast paths agree with Prisma: same migration.sql, same `_prisma_migrations` rows, same verdicts.

The fresh path's SQL comes from Prisma's schema engine in one worker and is
applied by `sqlite3`; the no-op path reads `_prisma_migrations` and a recorded
fingerprint. Each is checked against the Prisma CLI path (`--engine prisma`)
and against `prisma migrate status` run by hand. No timings are asserted.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import PRISMA_CLI, REPO_ROOT

from azora_tasks.migrate import fastpath, sqlite_history
from azora_tasks.toolchain.migrate_worker import MigrateWorker, WorkerError

from .conftest import make_monorepo, migrations, prisma_by_hand, schema_for

HEADER = """\
datasource db {
  provider = "sqlite"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
  output   = "../generated/client"
}
"""

SCHEMAS = {
    "enums-relations": HEADER
    + """
/// A person
model User {
  id        String     @id @default(uuid())
  email     String     @unique
  role      Role       @default(STUDENT)
  status    UserStatus @default(PENDING)
  createdAt DateTime   @default(now())
  updatedAt DateTime   @updatedAt
  deletedAt DateTime?
  sessions  Session[]

  @@index([status])
  @@map("users")
}

model Session {
  id        String   @id @default(uuid())
  userId    String   @map("user_id")
  tokenHash String   @unique
  expiresAt DateTime
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@index([userId, expiresAt])
  @@map("sessions")
}

enum Role {
  STUDENT
  INSTRUCTOR
  ADMIN
}

enum UserStatus {
  PENDING
  ACTIVE
  SUSPENDED
}
""",
    "decimal-composite": HEADER
    + """
model Product {
  id        Int         @id @default(autoincrement())
  sku       String
  tenantId  String
  price     Decimal     @default(0)
  weight    Float?
  stock     BigInt      @default(0)
  data      Bytes?
  active    Boolean     @default(true)
  lines     OrderLine[]

  @@unique([tenantId, sku])
  @@index([price])
  @@map("products")
}

model OrderLine {
  orderId   Int
  productId Int
  quantity  Int     @default(1)
  total     Decimal
  product   Product @relation(fields: [productId], references: [id], onDelete: Restrict, onUpdate: Cascade)

  @@id([orderId, productId])
  @@map("order_lines")
}
""",
    "self-and-many-to-many": HEADER
    + """
model Category {
  id       String     @id @default(cuid())
  name     String     @unique @map("display_name")
  parentId String?
  parent   Category?  @relation("Tree", fields: [parentId], references: [id])
  children Category[] @relation("Tree")
  courses  Course[]
}

model Course {
  id         String     @id @default(cuid())
  title      String
  categories Category[]
  publishedAt DateTime?

  @@index([title(sort: Desc)])
}
""",
    "small": schema_for("sqlite"),
}


def db_file(root: Path, service: str) -> Path:
    return root / "services" / service / "prisma" / f"{service}.db"


def migration_files(root: Path, service: str) -> list[Path]:
    folder = root / "services" / service / "prisma" / "migrations"
    return sorted(folder.glob("*/migration.sql"))


def rows(root: Path, service: str) -> list[sqlite3.Row]:
    connection = sqlite3.connect(db_file(root, service))
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute("SELECT * FROM _prisma_migrations ORDER BY started_at").fetchall()
    finally:
        connection.close()


def database_objects(root: Path, service: str) -> list[tuple[str, str, str]]:
    connection = sqlite3.connect(db_file(root, service))
    try:
        return connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    finally:
        connection.close()


def status_by_hand(root: Path, service: str) -> subprocess.CompletedProcess[str]:
    return prisma_by_hand(root / "services" / service, f"file:./{service}.db", "migrate", "status", "--schema", "prisma/schema.prisma")


TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
def spawned(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every child process started (Prisma CLI calls and Node workers), counted, still run for real."""
    started: list[list[str]] = []
    real = subprocess.Popen

    class Counting(real):  # type: ignore[misc, valid-type]
        def __init__(self, args, *rest, **kwargs):  # type: ignore[no-untyped-def]
            started.append(list(args) if isinstance(args, (list, tuple)) else [str(args)])
            super().__init__(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", Counting)
    return started


# --- against the Prisma path ------------------------------------------------------------------


@pytest.mark.prisma
def test_fresh_fast_path_writes_prismas_sql_and_rows_and_status_agrees(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    # "small" is left out: every feature of it (uuid default, @unique, now()) is in "enums-relations" too.
    compared = {name: text for name, text in SCHEMAS.items() if name != "small"}
    services = {name: None for name in compared}
    (tmp_path / "fast").mkdir()
    (tmp_path / "prisma").mkdir()
    fast_root = make_monorepo(tmp_path / "fast", services, schemas=compared)
    prisma_root = make_monorepo(tmp_path / "prisma", services, schemas=compared)

    fast = migrate(fast_root)
    assert fast.code == 0, fast.output
    slow = migrate(prisma_root, "--engine", "prisma")
    assert slow.code == 0, slow.output

    for service in compared:
        assert fast.services[service]["details"].get("fast_path") == "fresh", fast.services[service]
        assert fast.services[service]["summary"].endswith("applied 1 (without Prisma)")
        assert "fast_path" not in slow.services[service]["details"]
        [fast_sql] = migration_files(fast_root, service)
        [slow_sql] = migration_files(prisma_root, service)
        assert fast_sql.read_bytes() == slow_sql.read_bytes(), service
        lock = Path("migrations") / "migration_lock.toml"
        assert (fast_sql.parent.parent.parent / lock).read_bytes() == (slow_sql.parent.parent.parent / lock).read_bytes()
        assert database_objects(fast_root, service) == database_objects(prisma_root, service), service

        [fast_row] = rows(fast_root, service)
        [slow_row] = rows(prisma_root, service)
        for row, sql_file in ((fast_row, fast_sql), (slow_row, slow_sql)):
            assert UUID.match(row["id"]) and TIMESTAMP.match(row["started_at"]) and TIMESTAMP.match(row["finished_at"])
            assert row["logs"] is None and row["rolled_back_at"] is None and row["applied_steps_count"] == 1
            assert row["migration_name"] == sql_file.parent.name and row["checksum"] == sqlite_history.file_checksum(sql_file)
        assert fast_row["checksum"] == slow_row["checksum"]

    # A second migration (the worker path: diff from the migrations folder, applied with sqlite3) against the Prisma
    # path, on a change SQLite can only make by redefining a referenced table, with rows in it that must survive.
    for root in (fast_root, prisma_root):
        with sqlite3.connect(db_file(root, "enums-relations")) as connection:
            connection.execute("INSERT INTO users (id, email, updatedAt) VALUES ('u1', 'a@b.c', 0)")
            connection.execute("INSERT INTO sessions (id, user_id, tokenHash, expiresAt) VALUES ('s1', 'u1', 'h', 0)")
        schema = root / "services" / "enums-relations" / "prisma" / "schema.prisma"
        schema.write_text(schema.read_text().replace("  expiresAt DateTime\n", '  expiresAt DateTime?\n  ip        String   @default("")\n'))
    fast = migrate(fast_root, "--name", "optional expiry")
    slow = migrate(prisma_root, "enums-relations", "--engine", "prisma", "--name", "optional expiry")
    assert fast.code == 0 and slow.code == 0, fast.output + slow.output
    assert fast.services["enums-relations"]["details"].get("fast_path") == "worker"
    fast_sql, slow_sql = migration_files(fast_root, "enums-relations")[1], migration_files(prisma_root, "enums-relations")[1]
    assert "RedefineTables" in fast_sql.read_text() and fast_sql.read_bytes() == slow_sql.read_bytes()
    assert database_objects(fast_root, "enums-relations") == database_objects(prisma_root, "enums-relations")
    assert [row["checksum"] for row in rows(fast_root, "enums-relations")] == [row["checksum"] for row in rows(prisma_root, "enums-relations")]
    for root in (fast_root, prisma_root):
        with sqlite3.connect(db_file(root, "enums-relations")) as connection:
            assert connection.execute("SELECT id, user_id, ip FROM sessions").fetchall() == [("s1", "u1", "")]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []

    # `prisma migrate status` by hand reads only `_prisma_migrations` and the folder, both asserted equal to Prisma's own
    # above: one spot-check on the richest schema (two migrations) shows Prisma accepts what the fast paths wrote.
    by_hand = status_by_hand(fast_root, "enums-relations")
    assert by_hand.returncode == 0 and "Database schema is up to date!" in by_hand.stdout, by_hand.stdout + by_hand.stderr


@pytest.mark.prisma
def test_service_schemas_of_this_repo_give_the_same_sql(tmp_path: Path) -> None:
    """The worker's diff against `prisma migrate diff --from-empty` on schemas `generate` writes (rendered
    here, so a checkout without `services/` still compares three, and the test can never compare nothing)."""
    from tests.generate.generate_helpers import render_all

    rendered = render_all("sqlite")
    names = sorted(rendered)[:3]
    assert len(names) == 3
    compared = 0
    with MigrateWorker(tmp_path, PRISMA_CLI) as worker:
        for name in names:
            schema = tmp_path / name.replace(":", "-") / "prisma" / "schema.prisma"
            schema.parent.mkdir(parents=True)
            schema.write_text(rendered[name], encoding="utf-8")
            out = tmp_path / f"{schema.parent.parent.name}.sql"
            cli = prisma_by_hand(
                schema.parent.parent,
                f"file:{tmp_path / 'scratch.db'}",
                "migrate",
                "diff",
                "--from-empty",
                "--to-schema-datamodel",
                str(schema),
                "--script",
                "--output",
                str(out),
            )
            assert cli.returncode == 0, cli.stdout + cli.stderr
            assert worker.diff_from_empty("sqlite", [(str(schema), rendered[name])]) == out.read_text(encoding="utf-8"), name
            compared += 1
    assert compared == 3


@pytest.mark.prisma
def test_worker_is_pinned_to_the_clis_engine(tmp_path: Path) -> None:
    engines = json.loads((REPO_ROOT / "node_modules" / "@prisma" / "engines-version" / "package.json").read_text())["prisma"]["enginesVersion"]
    with MigrateWorker(tmp_path, PRISMA_CLI) as worker:
        hello = worker.hello()
        assert hello["ok"] and hello["engine"].endswith(engines)
        assert worker.starts == 1
    # A CLI whose engine differs (here: none at all) is refused, so the Prisma path is used instead.
    fake_cli = tmp_path / "prisma" / "build" / "index.js"
    fake_cli.parent.mkdir(parents=True)
    fake_cli.write_text("")
    with MigrateWorker(tmp_path, fake_cli) as worker, pytest.raises(WorkerError, match="pin"):
        worker.diff_from_empty("sqlite", [("schema.prisma", SCHEMAS["small"])])


# --- no-op ------------------------------------------------------------------------------------


@pytest.mark.prisma
def test_no_op_starts_no_node_process(tmp_path: Path, migrate, spawned: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None, "user-service": None, "course-service": None})
    assert migrate(root).code == 0
    assert 1 <= sum("migrate_worker.cjs" in " ".join(args) for args in spawned) <= 2  # one worker per runner thread (-j 2), not per service
    assert not any(str(PRISMA_CLI.resolve()) in " ".join(args) for args in spawned)  # and no Prisma CLI call
    spawned.clear()

    again = migrate(root)
    assert again.code == 0, again.output
    assert spawned == []
    for entry in again.services.values():
        assert entry["summary"] == "up to date (checked without Prisma)"
        assert entry["details"]["created"] == 0 and entry["details"]["applied"] == 0
        assert entry["details"]["fast_path"] == "no-op"

    deploy = migrate(root, "--deploy")
    assert deploy.code == 0 and spawned == []
    assert {entry["summary"] for entry in deploy.services.values()} == {"up to date (checked without Prisma)"}

    forced = migrate(root, "--engine", "prisma", "auth")
    assert forced.code == 0 and forced.services["auth"]["summary"] == "up to date"
    assert any(str(PRISMA_CLI.resolve()) in " ".join(args) for args in spawned)


@pytest.mark.prisma
def test_changed_schema_goes_through_the_worker_and_creates_exactly_one_migration(tmp_path: Path, migrate, spawned: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None, "user-service": None})
    assert migrate(root).code == 0
    schema = root / "services" / "auth" / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text() + "\nmodel Session {\n  id     String @id\n  userId String\n}\n")
    spawned.clear()

    run = migrate(root, "--name", "add sessions")
    assert run.code == 0, run.output
    auth = migrations(root, "auth")
    assert len(auth) == 2 and auth[1].endswith("_add_sessions")
    assert run.services["auth"]["summary"] == f"created {auth[1]}, applied 1"
    assert run.services["auth"]["details"]["fast_path"] == "worker"  # SQL parity with the Prisma path: the test above
    assert run.services["user-service"]["summary"] == "up to date (checked without Prisma)"
    assert len(migrations(root, "user-service")) == 1
    assert not any(str(PRISMA_CLI.resolve()) in " ".join(args) for args in spawned)
    assert [row["migration_name"] for row in rows(root, "auth")] == auth

    spawned.clear()
    after = migrate(root)
    assert after.code == 0 and spawned == []  # the worker path recorded its result too
    status = migrate(root, "--status", "auth")  # and the structure's hash: no Prisma drift check either
    assert status.services["auth"]["summary"] == "up to date (2 applied)" and spawned == [], status.services["auth"]


@pytest.mark.prisma
def test_corrupt_state_is_rechecked_and_a_disagreeing_history_goes_to_prisma(tmp_path: Path, migrate, spawned: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None, "user-service": None})
    assert migrate(root).code == 0
    state = root / ".azora-cache" / "migrate-state" / "auth.json"
    assert state.is_file()
    state.write_text("{ not json")
    (root / ".azora-cache" / "migrate-state" / "user-service.json").write_text(json.dumps({"version": 1, "inputs": {"other": "x"}, "result": {}}))
    spawned.clear()

    run = migrate(root)
    assert run.code == 0, run.output
    for service in ("auth", "user-service"):
        assert run.services[service]["summary"] == "up to date"  # not the no-op: the worker's diff decided
        assert run.services[service]["details"]["fast_path"] == "worker"
        assert len(migrations(root, service)) == 1
    assert any("migrate_worker.cjs" in " ".join(args) for args in spawned)
    json.loads(state.read_text())  # rewritten

    # A database whose history disagrees with the folder (edited checksum) is Prisma's to judge, too.
    with sqlite3.connect(db_file(root, "auth")) as connection:
        connection.execute("UPDATE _prisma_migrations SET checksum = 'x'")
    spawned.clear()
    again = migrate(root, "auth")
    assert again.services["auth"]["summary"] != "up to date (checked without Prisma)"
    assert any(str(PRISMA_CLI.resolve()) in " ".join(args) for args in spawned)


# --- failures -----------------------------------------------------------------------------------


@pytest.mark.prisma
def test_failed_fast_apply_leaves_a_p3009_row_that_prisma_reports(tmp_path: Path, migrate, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None})
    broken = 'CREATE TABLE "Ok" ("id" INTEGER NOT NULL PRIMARY KEY);\nALTER TABLE "Nope" ADD COLUMN "x" TEXT;\n'
    monkeypatch.setattr(MigrateWorker, "diff_from_empty", lambda self, provider, files: broken)

    run = migrate(root)
    assert run.code == 1
    auth = run.services["auth"]
    [name] = migrations(root, "auth")
    assert auth["details"]["error_code"] == "P3018" and auth["details"]["failed_migration"] == name
    assert auth["details"]["pending_migrations"] == [name]
    [row] = rows(root, "auth")
    assert row["migration_name"] == name and row["finished_at"] is None and row["rolled_back_at"] is None
    assert row["applied_steps_count"] == 0 and "no such table: Nope" in row["logs"]
    assert row["checksum"] == sqlite_history.checksum(broken)
    assert ("table", "Ok") not in {(kind, table) for kind, table, _ in database_objects(root, "auth")}  # rolled back

    by_hand = status_by_hand(root, "auth")
    assert by_hand.returncode == 1 and name in by_hand.stdout + by_hand.stderr
    again = migrate(root, "--deploy")
    assert again.services["auth"]["details"]["error_code"] == "P3009"
    status = migrate(root, "--status")
    assert status.services["auth"]["details"]["state"] == "failed"
    assert status.services["auth"]["details"]["failed_migrations"] == [name]


@pytest.mark.prisma
def test_non_empty_database_takes_the_prisma_path(tmp_path: Path, migrate) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"auth": None})
    db = db_file(root, "auth")
    with sqlite3.connect(db) as connection:
        connection.execute('CREATE TABLE "Legacy" ("id" INTEGER PRIMARY KEY)')
    run = migrate(root)
    assert "fast_path" not in run.services["auth"]["details"]
    assert "without Prisma" not in run.services["auth"]["summary"]
    assert "prisma migrate diff" in run.services["auth"]["output"]


# --- units (no Node) ------------------------------------------------------------------------------


def test_prisma_timestamp_format() -> None:
    import datetime

    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, 6789, tzinfo=datetime.UTC)
    assert sqlite_history.prisma_timestamp(moment) == "2026-01-02T03:04:05.006+00:00"
    assert TIMESTAMP.match(sqlite_history.prisma_timestamp())


def _history(db: Path, *entries: tuple[str, str, str | None, str | None]) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute(sqlite_history.MIGRATIONS_TABLE_DDL)
        for index, (name, checksum, finished, rolled_back) in enumerate(entries):
            connection.execute(
                "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, rolled_back_at, started_at, applied_steps_count)"
                " VALUES (?, ?, ?, ?, ?, ?, 1)",
                (str(index), checksum, finished, name, rolled_back, "2026-01-01T00:00:00.000+00:00"),
            )


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([("1_init", "a", "t", None)], True),
        ([("1_init", "b", "t", None)], False),  # checksum differs
        ([("1_init", "a", None, None)], False),  # failed (P3009)
        ([("1_init", "a", None, "t"), ("1_init", "a", "t", None)], True),  # rolled back, then applied
        ([("1_init", "a", "t", None), ("0_other", "c", "t", None)], False),  # applied here, missing locally
        ([], False),  # pending
    ],
)
def test_up_to_date_follows_prismas_rules(tmp_path: Path, entries: list, expected: bool) -> None:  # type: ignore[type-arg]
    db = tmp_path / "x.db"
    _history(db, *entries)
    assert sqlite_history.up_to_date(db, {"1_init": "a"}) is expected


def test_up_to_date_is_false_without_a_database(tmp_path: Path) -> None:
    assert sqlite_history.up_to_date(tmp_path / "missing.db", {"1_init": "a"}) is False
    (tmp_path / "garbage.db").write_bytes(b"not a database at all" * 100)
    assert sqlite_history.up_to_date(tmp_path / "garbage.db", {"1_init": "a"}) is False


def test_apply_migration_refuses_a_database_that_is_no_longer_fresh(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE t (x)")
    outcome = sqlite_history.apply_migration(db, "1_init", 'CREATE TABLE "a" ("x" TEXT);\n')
    assert outcome.status == "not fresh"
    assert sqlite_history.read_rows(db) is None  # nothing written, not even the table

    fresh = tmp_path / "fresh.db"
    applied = sqlite_history.apply_migration(fresh, "1_init", 'CREATE TABLE "a" ("x" TEXT);\n')
    assert applied.ok and applied.row is not None and UUID.match(applied.row.id)
    assert sqlite_history.up_to_date(fresh, {"1_init": sqlite_history.checksum('CREATE TABLE "a" ("x" TEXT);\n')})


def test_fingerprint_changes_with_every_input(tmp_path: Path) -> None:
    from azora_tasks.database import Target

    schema = tmp_path / "schema.prisma"
    schema.write_text("model A { id Int @id }\n")
    folder = tmp_path / "migrations"
    (folder / "1_init").mkdir(parents=True)
    (folder / "1_init" / "migration.sql").write_text("CREATE TABLE a (id INTEGER);\n")
    target = Target("sqlite", f"file:{tmp_path / 'a.db'}", "test")
    base = fastpath.fingerprint([schema], folder, target, "tool")
    assert fastpath.fingerprint([schema], folder, target, "tool") == base
    assert fastpath.fingerprint([schema], folder, target, "other tool") != base
    assert fastpath.fingerprint([schema], folder, Target("sqlite", f"file:{tmp_path / 'b.db'}", "test"), "tool") != base
    (folder / "migration_lock.toml").write_text('provider = "sqlite"\n')
    with_lock = fastpath.fingerprint([schema], folder, target, "tool")
    assert with_lock != base
    (folder / "2_more").mkdir()
    (folder / "2_more" / "migration.sql").write_text("SELECT 1;\n")
    assert fastpath.fingerprint([schema], folder, target, "tool") != with_lock
    schema.write_text("model A { id Int @id }\nmodel B { id Int @id }\n")
    assert fastpath.fingerprint([schema], folder, target, "tool") not in (base, with_lock)


# --- PostgreSQL no-op -------------------------------------------------------------------------------


@pytest.mark.prisma
def test_postgres_no_op_reads_the_history_without_prisma(tmp_path: Path, migrate, spawned: list[list[str]], postgres_server: str, pg_database: str) -> None:  # type: ignore[no-untyped-def]
    from .conftest import pg_query

    server = postgres_server.replace("postgresql://postgres@", "postgresql://postgres:Sup3rSecretPw@")
    services = {name: f"{server}/{pg_database}?schema={name.replace('-', '_')}" for name in ("auth", "user-service")}
    root = make_monorepo(tmp_path, services, provider="postgresql", schemas={name: schema_for("postgresql") for name in services})
    first = migrate(root)
    assert first.code == 0, first.output
    assert all(entry["details"]["fast_path"] == "worker" for entry in first.services.values())  # fresh PostgreSQL: the worker
    spawned.clear()

    again = migrate(root)
    assert again.code == 0, again.output
    assert {entry["summary"] for entry in again.services.values()} == {"up to date (checked without Prisma)"}
    assert not any(str(PRISMA_CLI.resolve()) in " ".join(args) for args in spawned)
    assert 1 <= sum("migrate_worker.cjs" in " ".join(args) for args in spawned) <= 2  # per runner thread, not per service

    # A failed row in one schema (and only there) sends that service back to Prisma, which reports it.
    pg_query(postgres_server, pg_database, 'UPDATE auth."_prisma_migrations" SET finished_at = NULL')
    spawned.clear()
    failed = migrate(root)
    assert failed.services["auth"]["status"] == "failed" and failed.services["auth"]["details"]["error_code"] == "P3009"
    assert failed.services["user-service"]["summary"] == "up to date (checked without Prisma)"
    assert "Sup3rSecretPw" not in failed.output + str(failed.data)
