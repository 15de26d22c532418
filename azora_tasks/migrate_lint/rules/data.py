"""Data-dependent changes: statements that succeed on an empty table and fail (or lose data) on a full one."""

from __future__ import annotations

from collections.abc import Iterator

from azora_tasks.migrate_lint.rules.base import MigrationContext, Rule, Violation
from azora_tasks.migrate_lint.rules.locking import binary_coercible
from azora_tasks.rulebook.findings import Severity


class UniqueIndexOnExistingTable(Rule):
    """A unique index added to an existing table is checked against its data first.

    `CREATE UNIQUE INDEX` (Prisma's `@unique` / `@@unique`) fails the whole
    deploy when existing rows already hold duplicates, leaving the service
    with a failed migration (P3009) until someone resolves it by hand. Check
    for duplicates (`SELECT col, count(*) ... GROUP BY col HAVING count(*) > 1`)
    before merging, then suppress with the result.

    Bad:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT NOT NULL);
        -- this migration:
        CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

    Good:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT NOT NULL);
        -- this migration:
        -- azora-lint-ignore MF101 checked production: no duplicate emails (query in PR #12)
        CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
    """

    code = "MF101"
    name = "unique-index-on-existing-table"
    default_severity = Severity.WARNING
    guard = True
    atlas = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("index-created"):
            if change.existing and change.detail.get("unique") and not change.detail.get("had_unique") and not change.detail.get("had_plain"):
                columns = ", ".join(change.detail.get("columns", ()))  # type: ignore[arg-type]
                kind = "unique constraint" if change.detail.get("constraint") else "unique index"
                yield Violation(f"{kind} on existing table {change.table}({columns}): fails if existing rows have duplicates", change.statement, change.table)


class IndexMadeUnique(Rule):
    """A plain index is not turned into a unique one without checking the data.

    Adding `@unique` to a field that already has `@@index` makes Prisma drop
    the plain index and create a unique one over the same columns. The plain
    index existed because the column is queried, so the table usually has
    rows, and any duplicate makes the deploy fail after the old index is
    already gone.

    Bad:

        -- earlier migrations:
        CREATE TABLE "Order" ("id" TEXT NOT NULL, "reference" TEXT NOT NULL);
        CREATE INDEX "Order_reference_idx" ON "Order"("reference");
        -- this migration:
        DROP INDEX "Order_reference_idx";
        CREATE UNIQUE INDEX "Order_reference_key" ON "Order"("reference");

    Good:

        -- earlier migrations:
        CREATE TABLE "Order" ("id" TEXT NOT NULL, "reference" TEXT NOT NULL);
        CREATE INDEX "Order_reference_idx" ON "Order"("reference");
        -- this migration:
        -- azora-lint-ignore MF102 references are generated unique since v2; duplicates checked: none
        CREATE UNIQUE INDEX "Order_reference_key" ON "Order"("reference");
        DROP INDEX "Order_reference_idx";
    """

    code = "MF102"
    name = "index-made-unique"
    default_severity = Severity.WARNING
    guard = True
    atlas = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("index-created"):
            if change.existing and change.detail.get("unique") and change.detail.get("had_plain") and not change.detail.get("had_unique"):
                columns = ", ".join(change.detail.get("columns", ()))  # type: ignore[arg-type]
                yield Violation(f"the index on {change.table}({columns}) made unique: fails if existing rows have duplicates", change.statement, change.table)


class RequiredColumnWithoutDefault(Rule):
    """A required column added to an existing table has a default.

    `ADD COLUMN ... NOT NULL` without `DEFAULT` fails as soon as the table
    has one row (Prisma warns about it and writes it anyway). Give the field
    a `@default(...)`, or add it optional, backfill, then make it required.

    Bad:

        -- earlier migrations:
        CREATE TABLE "Account" ("id" TEXT NOT NULL);
        -- this migration:
        ALTER TABLE "Account" ADD COLUMN "currency" TEXT NOT NULL;

    Good:

        -- earlier migrations:
        CREATE TABLE "Account" ("id" TEXT NOT NULL);
        -- this migration:
        ALTER TABLE "Account" ADD COLUMN "currency" TEXT NOT NULL DEFAULT 'EUR';
    """

    code = "MF103"
    name = "required-column-without-default"
    default_severity = Severity.ERROR
    guard = True
    atlas = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("column-added"):
            if change.existing and change.detail.get("not_null") and not change.detail.get("has_default"):
                yield Violation(
                    f"required column {change.table}.{change.column} added without a default: fails unless {change.table} is empty",
                    change.statement,
                    change.table,
                    fix="add @default(...) to the field, or add it optional, backfill, then make it required",
                )


class ColumnMadeNotNull(Rule):
    """An existing column is not made required without a backfill.

    `SET NOT NULL` (or a redefined SQLite table with `NOT NULL`) fails on
    the first row holding NULL. Backfill in the same migration (`UPDATE ...
    SET col = ... WHERE col IS NULL`) before the `SET NOT NULL`, and say so.

    Bad:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, "country" TEXT);
        -- this migration:
        ALTER TABLE "User" ALTER COLUMN "country" SET NOT NULL;

    Good:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, "country" TEXT);
        -- this migration:
        UPDATE "User" SET "country" = 'unknown' WHERE "country" IS NULL;
        -- azora-lint-ignore MF104 backfilled by the UPDATE above
        ALTER TABLE "User" ALTER COLUMN "country" SET NOT NULL;
    """

    code = "MF104"
    name = "column-made-not-null"
    default_severity = Severity.WARNING
    guard = True
    atlas = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("column-made-not-null"):
            if change.existing:
                yield Violation(f"column {change.table}.{change.column} made NOT NULL: fails if a row has NULL", change.statement, change.table)


class ColumnTypeChanged(Rule):
    """A column's type change converts the existing values safely.

    Changing a field's type makes Prisma write `ALTER COLUMN ... TYPE` (on
    SQLite: a redefined table that copies the values). Values that do not
    convert make the deploy fail; narrowing conversions truncate. Widening
    `VARCHAR(n)`, `VARCHAR` to `TEXT` and widening `NUMERIC` keep every value
    and are not reported. Check the
    data, add `USING` where the conversion is not implicit, then suppress.
    (Not an Atlas code: Atlas has no check for the data side of a type change.)

    Bad:

        -- earlier migrations:
        CREATE TABLE "Product" ("id" TEXT NOT NULL, "price" TEXT NOT NULL);
        -- this migration:
        ALTER TABLE "Product" ALTER COLUMN "price" SET DATA TYPE DECIMAL(10,2);

    Good:

        -- earlier migrations:
        CREATE TABLE "Product" ("id" TEXT NOT NULL, "price" TEXT NOT NULL);
        -- this migration:
        -- azora-lint-ignore AZM101 all prices are numeric strings (checked with a regex query)
        ALTER TABLE "Product" ALTER COLUMN "price" SET DATA TYPE DECIMAL(10,2) USING "price"::DECIMAL(10,2);
    """

    code = "AZM101"
    name = "column-type-changed"
    default_severity = Severity.WARNING
    guard = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("column-type-changed"):
            old = change.detail.get("old")
            if change.existing and not binary_coercible(old, str(change.detail.get("new"))):  # type: ignore[arg-type]
                yield Violation(
                    f"column {change.table}.{change.column} type changed{f' from {old}' if old else ''} to {change.detail.get('new')}:"
                    " existing values must convert",
                    change.statement,
                    change.table,
                )
