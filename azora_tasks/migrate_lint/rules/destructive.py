"""Data loss: what a migration drops, or drops and re-creates under another name."""

from __future__ import annotations

from collections.abc import Iterator

from azora_tasks.migrate_lint.rules.base import MigrationContext, Rule, Violation
from azora_tasks.rulebook.findings import Severity


class SchemaDropped(Rule):
    """No schema is dropped.

    `DROP SCHEMA ... CASCADE` removes every table in it with all rows. Prisma
    never writes it; a hand-written one deserves a second look and an
    explicit suppression saying why the data may go.

    Bad:

        DROP SCHEMA "reporting" CASCADE;

    Good:

        -- azora-lint-ignore DS101 reporting moved to the warehouse; data exported in OPS-123
        DROP SCHEMA "reporting" CASCADE;
    """

    code = "DS101"
    name = "schema-dropped"
    default_severity = Severity.ERROR
    guard = True
    atlas = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("schema-dropped"):
            yield Violation(f"schema {change.detail.get('name')} dropped with every table in it", change.statement)


class TableDropped(Rule):
    """No table that holds data is dropped.

    Removing a model makes Prisma write `DROP TABLE`: every row is gone on
    deploy, and running application versions that still read the table
    fail. Drop a table only after the code stopped using it and the data
    was archived, and say so in a suppression.

    Bad:

        -- earlier migrations:
        CREATE TABLE "Invoice" ("id" TEXT NOT NULL, CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id"));
        -- this migration:
        DROP TABLE "Invoice";

    Good:

        -- earlier migrations:
        CREATE TABLE "Invoice" ("id" TEXT NOT NULL, CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id"));
        -- this migration:
        -- azora-lint-ignore DS102 invoices moved to billing-service in release 42, rows copied there
        DROP TABLE "Invoice";
    """

    code = "DS102"
    name = "table-dropped"
    default_severity = Severity.ERROR
    guard = True
    atlas = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("table-dropped"):
            yield Violation(f"table {change.table} dropped: all its rows are lost", change.statement, change.table)


class ColumnDropped(Rule):
    """No column that holds data is dropped.

    Removing a field makes Prisma write `DROP COLUMN` (on SQLite: a table
    redefinition without the column): its values are lost, and application
    versions still selecting it fail until they are replaced. Deploy the code
    that stops using the column first, then drop it with a suppression.

    Bad:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, "nickname" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
        -- this migration:
        ALTER TABLE "User" DROP COLUMN "nickname";

    Good:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, "nickname" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
        -- this migration:
        ALTER TABLE "User" DROP COLUMN "nickname"; -- azora-lint-ignore DS103 unused since v3, verified empty
    """

    code = "DS103"
    name = "column-dropped"
    default_severity = Severity.ERROR
    guard = True
    atlas = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("column-dropped"):
            yield Violation(f"column {change.table}.{change.column} dropped: its data is lost", change.statement, change.table)


class TableRenameAsDrop(Rule):
    """A table is not "renamed" by dropping it and creating one with the same columns.

    Prisma cannot tell a renamed model from a removed one plus a new one, so
    a rename becomes `DROP TABLE` + `CREATE TABLE` and every row is lost.
    Write the rename by hand (`ALTER TABLE ... RENAME TO`) or map the model
    to the old table name with `@@map`.

    Bad:

        -- earlier migrations:
        CREATE TABLE "Post" ("id" TEXT NOT NULL, "title" TEXT NOT NULL);
        -- this migration:
        DROP TABLE "Post";
        CREATE TABLE "Article" ("id" TEXT NOT NULL, "title" TEXT NOT NULL);

    Good:

        -- earlier migrations:
        CREATE TABLE "Post" ("id" TEXT NOT NULL, "title" TEXT NOT NULL);
        -- this migration:
        ALTER TABLE "Post" RENAME TO "Article";
    """

    code = "AZM102"
    name = "table-rename-as-drop"
    default_severity = Severity.ERROR
    guard = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("table-renamed-as-drop"):
            yield Violation(
                f"table {change.table} dropped and {change.detail['new']} created with the same columns: if this is a rename,"
                " write `ALTER TABLE ... RENAME TO` by hand or the data is lost",
                change.statement,
                change.table,
                fix=f'ALTER TABLE "{change.table}" RENAME TO "{change.detail["new"]}";',
            )


class ColumnRenameAsDrop(Rule):
    """A column is not "renamed" by dropping it and adding one of the same type.

    Renaming a field in the schema makes Prisma drop the old column and add
    a new one: the values are lost. Write `RENAME COLUMN` by hand, or keep
    the old column name with `@map`.

    Bad:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT);
        -- this migration:
        ALTER TABLE "User" DROP COLUMN "email",
        ADD COLUMN "mail" TEXT;

    Good:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT);
        -- this migration:
        ALTER TABLE "User" RENAME COLUMN "email" TO "mail";
    """

    code = "AZM103"
    name = "column-rename-as-drop"
    default_severity = Severity.ERROR
    guard = True

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        for change in ctx.of("column-renamed-as-drop"):
            new = change.detail["new"]
            yield Violation(
                f"{change.table}.{change.column} dropped and {change.table}.{new} ({change.detail['type']}) added: if this is a rename,"
                " write `RENAME COLUMN` by hand or the data is lost",
                change.statement,
                change.table,
                fix=f'ALTER TABLE "{change.table}" RENAME COLUMN "{change.column}" TO "{new}";',
            )
