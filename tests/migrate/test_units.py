"""Pure parts of `migrate`: the guard, URL resolution and masking, naming, status parsing."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from azora_tasks.database import Target, TargetError, mask, resolve_target
from azora_tasks.manifest import load_manifest
from azora_tasks.migrate import guard, history
from azora_tasks.migrate.engine import applied_names, clean_output
from azora_tasks.migrate.statusreport import parse_status

from .conftest import make_monorepo

INIT = """CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "age" INTEGER
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "Post" ("id" TEXT NOT NULL PRIMARY KEY, "title" TEXT NOT NULL);
"""


def codes(sql: str, previous: list[str] = [INIT]) -> list[str]:  # noqa: B006
    return sorted(finding.code for finding in guard.scan(sql, previous))


def test_guard_is_quiet_for_additive_changes() -> None:
    assert codes(INIT, []) == []
    assert codes('ALTER TABLE "User" ADD COLUMN "name" TEXT;\nCREATE TABLE "Tag" ("id" TEXT NOT NULL);\nCREATE UNIQUE INDEX "Tag_id_key" ON "Tag"("id");') == []
    assert codes('ALTER TABLE "User" ADD COLUMN "n" INTEGER NOT NULL DEFAULT 0;') == []


def test_guard_postgres_statements() -> None:
    assert codes('DROP TABLE "Post";') == ["DS102"]
    assert codes('ALTER TABLE "User" DROP COLUMN "age";') == ["DS103"]
    assert codes('ALTER TABLE "User" ADD COLUMN "n" INTEGER NOT NULL;') == ["MF103"]
    assert codes('ALTER TABLE "User" ALTER COLUMN "age" SET NOT NULL;') == ["MF104"]
    assert codes('ALTER TABLE "User" ALTER COLUMN "age" SET DATA TYPE TEXT;') == ["AZM101"]
    assert codes('CREATE UNIQUE INDEX "User_age_key" ON "User"("age");') == ["MF101"]
    assert codes('DROP SCHEMA "old" CASCADE;') == ["DS101"]
    assert codes('ALTER TABLE "User" DROP COLUMN "email",\nADD COLUMN "mail" TEXT;') == ["AZM103", "DS103"]
    assert codes('DROP TABLE "Post";\nCREATE TABLE "Article" ("id" TEXT NOT NULL PRIMARY KEY, "title" TEXT NOT NULL);') == ["AZM102", "DS102"]


def test_guard_mysql_statements() -> None:
    init = "CREATE TABLE `User` (`id` VARCHAR(191) NOT NULL, `age` INTEGER NULL, PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4;"
    assert codes("ALTER TABLE `User` MODIFY `age` INTEGER NOT NULL;", [init]) == ["MF104"]
    assert codes("ALTER TABLE `User` MODIFY `age` VARCHAR(10) NULL;", [init]) == ["AZM101"]
    assert codes("ALTER TABLE `User` DROP COLUMN `age`, ADD COLUMN `years` INTEGER NULL;", [init]) == ["AZM103", "DS103"]


def test_guard_understands_sqlite_table_redefinition() -> None:
    redefine = """PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" ("id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "age" TEXT NOT NULL);
INSERT INTO "new_User" ("age", "email", "id") SELECT "age", "email", "id" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
PRAGMA foreign_keys=ON;"""
    assert codes(redefine) == ["AZM101", "MF104"]  # no DS102: redefined, not dropped; no MF101: the unique index existed
    dropped = redefine.replace(', "age" TEXT NOT NULL', "").replace('"age", "email", "id") SELECT "age", ', '"email", "id") SELECT ')
    assert "DS103" in codes(dropped)


def test_mask_hides_passwords_everywhere() -> None:
    assert mask("postgresql://bob:s3cr%40t@db:5432/x?schema=a") == "postgresql://bob:****@db:5432/x?schema=a"
    assert mask("mysql://u@h/x?password=hunter2&ssl=1") == "mysql://u@h/x?password=****&ssl=1"
    assert mask("auth failed for hunter22", ("hunter22",)) == "auth failed for ****"
    target = Target("postgresql", "postgresql://bob:pw%21x@h/db", "test")
    assert target.password == "pw!x" and "pw" not in target.masked
    assert clean_output("Error at postgresql://bob:pw%21x@h/db: pw!x", target) == "Error at postgresql://bob:****@h/db: ****"


def test_lock_keys_group_shared_locks() -> None:
    a = Target("postgresql", "postgresql://u@h:5432/shared?schema=a", "")
    b = Target("postgresql", "postgresql://u@h/shared?schema=b", "")
    c = Target("postgresql", "postgresql://u@h/other", "")
    assert a.lock_key == b.lock_key != c.lock_key
    assert Target("mysql", "mysql://r@h/x", "").lock_key == Target("mysql", "mysql://r@h:3306/y", "").lock_key


def test_resolve_target_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_monorepo(tmp_path, {"auth": None, "user-service": "postgresql://p@h/{db}"})
    manifest = load_manifest(root / "services.toml")
    auth, users = manifest.services["auth"], manifest.services["user-service"]
    assert resolve_target(manifest, auth, "sqlite", {}).url == f"file:{root}/services/auth/prisma/auth.db"
    assert resolve_target(manifest, users, "postgresql", {}).url == "postgresql://p@h/azora_user_service"
    env = {"AZORA_DATABASE_URL": "postgresql://q@server/{db}"}
    assert resolve_target(manifest, users, "postgresql", env).url == "postgresql://q@server/azora_user_service"
    assert resolve_target(manifest, auth, "sqlite", env).provider == "sqlite"  # template of another provider: not used
    env["AZORA_DATABASE_URL_USER_SERVICE"] = "postgresql://z@one/x"
    assert resolve_target(manifest, users, "postgresql", env).url == "postgresql://z@one/x"
    with pytest.raises(TargetError, match=r"\*\*\*\*"):
        resolve_target(manifest, users, "postgresql", {"AZORA_DATABASE_URL_USER_SERVICE": "mysql://a:secret@h/x"})


def test_new_migration_names_sort_after_existing() -> None:
    now = datetime.datetime(2026, 1, 2, 3, 4, 5)
    assert history.new_migration_name([], "add users!", now) == "20260102030405_add_users_"
    assert history.new_migration_name(["20260102030405_init"], "next", now) == "20260102030406_next"
    assert history.new_migration_name(["29990101000000_future"], "x", now) == "29990101000001_x"


def test_status_parser() -> None:
    local = ["20260101000000_init", "20260102000000_two"]
    pending = parse_status("2 migrations found\nFollowing migration have not yet been applied:\n20260102000000_two\n\nTo apply", 1, local)
    assert pending.state == "pending" and pending.pending == ["20260102000000_two"]
    failed = parse_status("Following migration have failed:\n20260102000000_two\n\nDuring development", 1, local)
    assert failed.state == "failed" and failed.failed == ["20260102000000_two"]
    assert parse_status("Database schema is up to date!", 0, local).up_to_date
    assert parse_status("The current database is not managed by Prisma Migrate.", 1, local).pending == local


def test_applied_names_from_deploy_output() -> None:
    output = "The following migration(s) have been applied:\n\nmigrations/\n  └─ 20260101000000_init/\n    └─ migration.sql\n"
    assert applied_names(output) == ["20260101000000_init"]
    assert applied_names("No pending migrations to apply.") == []
