"""PostgreSQL: the worker path (`--engine auto`) against the Prisma CLI path (`--engine prisma`).

Two copies of the same hand-written monorepo (cuid ids, no timestamps, no client
`output`, a copy-pasted model, enums and relations) are migrated side by side,
each on its own databases: fresh, then a second migration after one model
changes, with a `?schema=` service among them, then drift. Checked: the same
migration SQL byte for byte, the same `_prisma_migrations` rows (checksums,
steps, logs, rolled-back) and `prisma migrate status` run by hand agreeing.
No timings are asserted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import make_monorepo, migrations, pg_query, prisma_by_hand

pytestmark = pytest.mark.prisma

HEADER = """\
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}
"""

CATALOG = (
    HEADER
    + """
model Course {
  id          String   @id @default(cuid())
  title       String
  price       Decimal  @db.Decimal(10, 2)
  level       Level    @default(BEGINNER)
  tags        String[]
  lessons     Lesson[]

  @@index([level, title])
}

model Lesson {
  id       String @id @default(cuid())
  courseId String
  position Int
  body     Json?
  course   Course @relation(fields: [courseId], references: [id], onDelete: Cascade)

  @@unique([courseId, position])
}

enum Level {
  BEGINNER
  ADVANCED
}
"""
)

# A model copy-pasted from another service, as real monorepos have them.
LEDGER = (
    HEADER
    + """
model Account {
  id      Int     @id @default(autoincrement())
  owner   String  @unique
  balance BigInt  @default(0)
  frozen  Boolean @default(false)
}

model Lesson {
  id       String @id @default(cuid())
  courseId String
  position Int
}
"""
)

SERVICES = {"catalog": CATALOG, "ledger": LEDGER, "tenant-a": LEDGER}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _tree(root: Path, server: str, database: str) -> Path:
    root.mkdir()
    urls = {
        "catalog": f"{server}/{database}_catalog",
        "ledger": f"{server}/{database}_ledger",
        "tenant-a": f"{server}/{database}_ledger?schema=tenant_a",  # shares ledger's database, own schema
    }
    return make_monorepo(root, urls, provider="postgresql", schemas=SERVICES)


def _sql(root: Path, service: str) -> list[str]:
    folder = root / "services" / service / "prisma" / "migrations"
    return [(folder / name / "migration.sql").read_text() for name in migrations(root, service) if (folder / name).is_dir()]


def _rows(server: str, database: str, schema: str = "public") -> list[dict]:
    return pg_query(
        server,
        database,
        f"SELECT id, checksum, migration_name, logs, rolled_back_at, applied_steps_count, finished_at IS NOT NULL AS finished"
        f' FROM "{schema}"."_prisma_migrations" ORDER BY migration_name',
    )


def _structure(server: str, database: str, schema: str = "public") -> list[dict]:
    return pg_query(
        server,
        database,
        "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns"
        f" WHERE table_schema = '{schema}' ORDER BY table_name, column_name",
    )


def _status_by_hand(root: Path, service: str, url: str) -> tuple[int, str]:
    out = prisma_by_hand(root / "services" / service, url, "migrate", "status", "--schema", "prisma/schema.prisma")
    return out.returncode, out.stdout + out.stderr


@pytest.fixture
def databases(postgres_server: str, pg_database: str):  # type: ignore[no-untyped-def]
    from .conftest import dbtool

    names = [f"{pg_database}_{side}_{kind}" for side in ("fast", "cli") for kind in ("catalog", "ledger")]
    yield
    for name in names:
        dbtool(f"{postgres_server}/{name}", "drop")


def test_worker_and_cli_agree_fresh_second_migration_schema_param_and_drift(  # type: ignore[no-untyped-def]
    tmp_path: Path,
    migrate,
    postgres_server: str,
    pg_database: str,
    databases,
) -> None:
    fast_root = _tree(tmp_path / "fast", postgres_server, f"{pg_database}_fast")
    cli_root = _tree(tmp_path / "cli", postgres_server, f"{pg_database}_cli")
    where = {
        "catalog": ("_catalog", "public"),
        "ledger": ("_ledger", "public"),
        "tenant-a": ("_ledger", "tenant_a"),
    }

    def check(step: str, expected_count: int, by_hand: tuple[str, ...]) -> None:
        for service, (suffix, schema) in where.items():
            fast_sql, cli_sql = _sql(fast_root, service), _sql(cli_root, service)
            assert len(fast_sql) == expected_count, (step, service)
            assert fast_sql == cli_sql, (step, service)
            fast_rows = _rows(postgres_server, f"{pg_database}_fast{suffix}", schema)
            cli_rows = _rows(postgres_server, f"{pg_database}_cli{suffix}", schema)
            assert [row["migration_name"][15:] for row in fast_rows] == [row["migration_name"][15:] for row in cli_rows]
            assert [row["migration_name"] for row in fast_rows] == migrations(fast_root, service)[:expected_count]
            for fast_row, cli_row in zip(fast_rows, cli_rows, strict=True):  # lengths asserted equal above
                assert UUID.match(fast_row["id"]) and UUID.match(cli_row["id"])
                for key in ("checksum", "logs", "rolled_back_at", "applied_steps_count", "finished"):
                    assert fast_row[key] == cli_row[key], (step, service, key)
            assert _structure(postgres_server, f"{pg_database}_fast{suffix}", schema) == _structure(postgres_server, f"{pg_database}_cli{suffix}", schema)
            if service in by_hand:
                url = f"{postgres_server}/{pg_database}_fast{suffix}" + (f"?schema={schema}" if schema != "public" else "")
                code, text = _status_by_hand(fast_root, service, url)
                assert code == 0 and "Database schema is up to date!" in text, (step, service, text)

    # 1. fresh
    fast = migrate(fast_root)
    assert fast.code == 0, fast.output
    assert {entry["details"].get("fast_path") for entry in fast.services.values()} == {"worker"}
    cli = migrate(cli_root, "--engine", "prisma")
    assert cli.code == 0, cli.output
    # `prisma migrate status` by hand on the worker's databases: the `?schema=` service here, a public-schema one
    # (catalog, both its rows) after step 2; ledger's rows take catalog's path and equal the CLI's (checked above).
    check("fresh", 1, by_hand=("tenant-a",))

    # 2. a second migration: one changed model in one service
    for root in (fast_root, cli_root):
        schema = root / "services" / "catalog" / "prisma" / "schema.prisma"
        schema.write_text(schema.read_text().replace("  position Int\n  body     Json?", "  position Int\n  body     Json?\n  minutes  Int      @default(5)"))
    fast = migrate(fast_root, "--name", "lesson minutes")
    assert fast.code == 0, fast.output
    assert fast.services["catalog"]["summary"].endswith("_lesson_minutes, applied 1")
    assert fast.services["catalog"]["details"]["fast_path"] == "worker"
    # The CLI side only for the changed service: the unchanged ones would be Prisma runs that find nothing (their
    # `--engine prisma` verdicts are checked by the status runs below).
    cli = migrate(cli_root, "catalog", "--engine", "prisma", "--name", "lesson minutes")
    assert cli.code == 0, cli.output
    assert len(_sql(fast_root, "catalog")) == 2
    for service in ("ledger", "tenant-a"):
        assert len(_sql(fast_root, service)) == 1
    assert _sql(fast_root, "catalog") == _sql(cli_root, "catalog")
    assert [r["checksum"] for r in _rows(postgres_server, f"{pg_database}_fast_catalog")] == [
        r["checksum"] for r in _rows(postgres_server, f"{pg_database}_cli_catalog")
    ]
    code, text = _status_by_hand(fast_root, "catalog", f"{postgres_server}/{pg_database}_fast_catalog")
    assert code == 0 and "Database schema is up to date!" in text, text

    # Shadow databases were always dropped.
    from .conftest import pg_databases

    assert not [name for name in pg_databases(postgres_server) if "shadow" in name and pg_database in name]

    # 3. status agrees on both sides: up to date (on the Prisma side: ledger below, which shares tenant-a's database;
    # Prisma's own `migrate status` on tenant-a's `?schema=` said so by hand after step 1; `--engine prisma` status on
    # a second migration in the public schema: test_postgres.py's dollar-quoted test) ...
    status = migrate(fast_root, "--status", "--engine", "auto")
    assert status.code == 0, status.output
    # ... and drift (a column added by hand in the ?schema= service) is seen by both.
    for side in ("fast", "cli"):
        pg_query(postgres_server, f"{pg_database}_{side}_ledger", 'ALTER TABLE tenant_a."Account" ADD COLUMN "note" TEXT; SELECT 1')
    fast_status = migrate(fast_root, "--status")
    cli_status = migrate(cli_root, "--status", "--engine", "prisma", "ledger", "tenant-a")
    assert cli_status.services["tenant-a"]["details"]["state"] == "drifted", cli_status.services["tenant-a"]
    assert fast_status.services["tenant-a"]["details"]["state"] == "drifted", fast_status.services["tenant-a"]
    assert fast_status.services["catalog"]["details"]["state"] == "up to date"
    assert fast_status.services["ledger"]["details"]["state"] == cli_status.services["ledger"]["details"]["state"] == "up to date"


def test_status_reports_a_schema_change_without_migration(tmp_path: Path, migrate, postgres_server: str, pg_database: str) -> None:  # type: ignore[no-untyped-def]
    root = make_monorepo(tmp_path, {"ledger": f"{postgres_server}/{pg_database}"}, provider="postgresql", schemas={"ledger": LEDGER})
    assert migrate(root).code == 0
    schema = root / "services" / "ledger" / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text().replace("  frozen  Boolean @default(false)", "  frozen  Boolean @default(false)\n  iban    String?"))
    status = migrate(root, "--status")
    assert status.code == 1
    ledger = status.services["ledger"]
    assert ledger["details"]["state"] == "schema changed"
    assert ledger["summary"] == "schema changed, no migration (run `azora-tasks migrate --name <change>`)"
    assert 'ADD COLUMN     "iban" TEXT' in ledger["output"]
    assert len(migrations(root, "ledger")) == 1  # nothing was written
