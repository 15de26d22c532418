"""PostgreSQL locks and rewrites: statements that block reads or writes on a table that holds rows.

Prisma writes none of the lock-avoiding forms (`CONCURRENTLY`, `NOT VALID`),
so these rules only look at tables that existed before the migration: a table
created in the same migration is empty and locking it costs nothing. That
keeps Prisma's own `init` migrations, and every new table's indexes and
foreign keys, free of findings; what remains is worth a look on a big table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from azora_tasks.migrate_lint.rules.base import MigrationContext, Rule, Violation
from azora_tasks.rulebook.findings import Severity

_VARCHAR = re.compile(r"^(?:VARCHAR|CHARACTER VARYING)(?:\((\d+)\))?$")
_NUMERIC = re.compile(r"^(?:NUMERIC|DECIMAL)(?:\((\d+)(?:,\s*(\d+))?\))?$")


def binary_coercible(old: str | None, new: str) -> bool:
    """Type changes PostgreSQL makes without rewriting the table (widening varchar/numeric, to text)."""
    if old is None:
        return False
    old, new = " ".join(old.upper().split()), " ".join(new.upper().split())
    if old == new:
        return True
    old_varchar, new_varchar = _VARCHAR.match(old), _VARCHAR.match(new)
    if old_varchar and new == "TEXT":
        return True
    if old_varchar and new_varchar:
        return new_varchar.group(1) is None or (old_varchar.group(1) is not None and int(new_varchar.group(1)) >= int(old_varchar.group(1)))
    old_numeric, new_numeric = _NUMERIC.match(old), _NUMERIC.match(new)
    if old_numeric and new_numeric and old_numeric.group(1) and new_numeric.group(1):
        same_scale = (old_numeric.group(2) or "0") == (new_numeric.group(2) or "0")
        return same_scale and int(new_numeric.group(1)) >= int(old_numeric.group(1))
    return old == "CIDR" and new == "INET"


class IndexWithoutConcurrently(Rule):
    """An index on an existing PostgreSQL table is built `CONCURRENTLY`.

    A plain `CREATE INDEX` holds a SHARE lock for the whole build: on a big
    table, writes wait for minutes. `CREATE INDEX CONCURRENTLY` does not
    block writes, but it cannot run inside a transaction block, and
    PostgreSQL runs a multi-statement script as one: put it in a migration
    of its own, alone. Indexes on tables created in the same migration are
    not reported.

    Bad:

        -- earlier migrations:
        CREATE TABLE "Event" ("id" TEXT NOT NULL, "userId" TEXT NOT NULL);
        -- this migration:
        CREATE INDEX "Event_userId_idx" ON "Event"("userId");

    Good:

        -- earlier migrations:
        CREATE TABLE "Event" ("id" TEXT NOT NULL, "userId" TEXT NOT NULL);
        -- this migration:
        CREATE INDEX CONCURRENTLY "Event_userId_idx" ON "Event"("userId");
    """

    code = "PG101"
    name = "index-without-concurrently"
    default_severity = Severity.WARNING
    providers = ("postgresql",)
    atlas = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("index-created"):
            if change.existing and not change.detail.get("concurrently") and not change.detail.get("constraint"):
                yield Violation(
                    f"index {change.detail.get('name')} built on existing table {change.table} without CONCURRENTLY: writes to"
                    f" {change.table} are blocked while it builds",
                    change.statement,
                    change.table,
                    fix="CREATE INDEX CONCURRENTLY ... alone in its own migration (it cannot run in a transaction)",
                )


class ColumnTypeRewrite(Rule):
    """A column type change on an existing PostgreSQL table does not rewrite it.

    Most `ALTER COLUMN ... TYPE` changes rewrite the whole table and its
    indexes under an ACCESS EXCLUSIVE lock: no reads, no writes until done.
    Widening `VARCHAR(n)`, `VARCHAR` to `TEXT` and widening `NUMERIC(p,s)`
    with the same scale are free and not reported. For the others: add a new
    column, backfill in batches, switch the code, then drop the old one.

    Bad:

        -- earlier migrations:
        CREATE TABLE "Metric" ("id" TEXT NOT NULL, "value" INTEGER NOT NULL);
        -- this migration:
        ALTER TABLE "Metric" ALTER COLUMN "value" SET DATA TYPE BIGINT;

    Good:

        -- earlier migrations:
        CREATE TABLE "Metric" ("id" TEXT NOT NULL, "label" VARCHAR(50) NOT NULL);
        -- this migration:
        ALTER TABLE "Metric" ALTER COLUMN "label" SET DATA TYPE VARCHAR(200);
    """

    code = "PG301"
    name = "column-type-rewrite"
    default_severity = Severity.WARNING
    providers = ("postgresql",)
    atlas = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("column-type-changed"):
            if change.existing and not binary_coercible(change.detail.get("old"), str(change.detail.get("new"))):  # type: ignore[arg-type]
                yield Violation(
                    f"changing {change.table}.{change.column} to {change.detail.get('new')} rewrites {change.table} and its indexes"
                    " under an ACCESS EXCLUSIVE lock",
                    change.statement,
                    change.table,
                )


class ConstraintWithoutNotValid(Rule):
    """A foreign key or check added to an existing PostgreSQL table is added `NOT VALID` first.

    `ADD CONSTRAINT ... FOREIGN KEY` or `CHECK` scans every row while it
    holds a lock that blocks writes (for a foreign key, on both tables).
    Add it `NOT VALID` (instant), then `VALIDATE CONSTRAINT` in a later
    statement, which only takes a lock that lets writes through. Prisma's
    foreign keys on tables created in the same migration are not reported.

    Bad:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
        CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL);
        -- this migration:
        ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

    Good:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
        CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL);
        -- this migration:
        ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
        ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";
    """

    code = "AZM201"
    name = "constraint-without-not-valid"
    default_severity = Severity.WARNING
    providers = ("postgresql",)

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("constraint-added"):
            if change.existing and change.detail.get("constraint") in ("FOREIGN KEY", "CHECK") and not change.detail.get("not_valid"):
                name = change.detail.get("name") or "constraint"
                yield Violation(
                    f"{str(change.detail.get('constraint')).lower()} {name} added to existing table {change.table} without NOT VALID:"
                    f" every row is checked while writes are blocked",
                    change.statement,
                    change.table,
                    fix="ADD CONSTRAINT ... NOT VALID; then ALTER TABLE ... VALIDATE CONSTRAINT ...",
                )


class ForeignKeyDropped(Rule):
    """A foreign key is not dropped without replacing it.

    Dropping a foreign key (a relation removed, or turned into a plain
    field) lets rows point at parents that no longer exist. Prisma drops
    and re-adds a key under the same name when only its actions change;
    that is not reported.

    Bad:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
        CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL);
        ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");
        -- this migration:
        ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";

    Good:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
        CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL);
        ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");
        -- this migration:
        ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";
        ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE NOT VALID;
    """

    code = "CD101"
    name = "foreign-key-dropped"
    default_severity = Severity.WARNING
    atlas = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("foreign-key-dropped"):
            yield Violation(
                f"foreign key {change.detail.get('name')} on {change.table} dropped: rows may now point at missing parents", change.statement, change.table
            )
