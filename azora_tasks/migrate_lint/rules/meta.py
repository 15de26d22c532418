"""Rules the engine reports itself rather than by looking at what a migration changes."""

from __future__ import annotations

from azora_tasks.migrate_lint.rules.base import Rule
from azora_tasks.rulebook.findings import Severity
from azora_tasks.rulebook.rules import ReportedByEngine


class UnreadableMigration(ReportedByEngine, Rule):
    """Every `migration.sql` can be read as UTF-8 text.

    Prisma refuses a migration it cannot read, and so does the linter: the
    file is reported instead of crashing the run, and the other migrations
    are still linted.

    Bad:

        -- a migration.sql saved as UTF-16 or with invalid bytes

    Good:

        CREATE TABLE "User" ("id" TEXT NOT NULL);
    """

    code = "AZM000"
    name = "unreadable-migration"
    default_severity = Severity.ERROR


class InvalidSuppression(ReportedByEngine, Rule):
    """Inline suppressions name a known rule and give a reason.

    `-- azora-lint-ignore <rule>[,<rule>] <reason>` on its own line silences
    the rules for the next statement, at the end of a statement's line for
    that statement; `-- azora-lint-ignore-file <rule> <reason>` for the whole
    file. One without a reason, naming an unknown rule or attached to no
    statement suppresses nothing and is reported here.

    Bad:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, "age" INTEGER);
        -- this migration:
        -- azora-lint-ignore DS103
        ALTER TABLE "User" DROP COLUMN "age";

    Good:

        -- earlier migrations:
        CREATE TABLE "User" ("id" TEXT NOT NULL, "age" INTEGER);
        -- this migration:
        -- azora-lint-ignore DS103 age is derived from birthDate since v4
        ALTER TABLE "User" DROP COLUMN "age";
    """

    code = "AZM090"
    name = "invalid-suppression"
    default_severity = Severity.WARNING
