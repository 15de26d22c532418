"""The migrations folder as a history: new migrations go after everything already merged."""

from __future__ import annotations

from collections.abc import Iterator

from azora_tasks.migrate_lint.rules.base import MigrationContext, Rule, Violation
from azora_tasks.rulebook.findings import Severity


class NonLinearHistory(Rule):
    """A new migration sorts after every migration on the base branch.

    Prisma applies migration folders in name order. A branch that adds
    `20250101000000_x` after main already has `20250201000000_y` produces a
    folder that sorts *before* merged work: databases that applied `y` apply
    `x` later, fresh ones apply it first, so the two end up different, and
    `x` may have been generated against a schema that no longer exists.
    Rebase and re-create the migration (`migrate` names it after the newest
    one). Checked with `--changed-since REF`, against REF's folders.

    Bad:

        -- base ref has: 20250201000000_add_orders
        -- migration name: 20250101000000_add_users
        CREATE TABLE "User" ("id" TEXT NOT NULL);

    Good:

        -- base ref has: 20250201000000_add_orders
        -- migration name: 20250301000000_add_users
        CREATE TABLE "User" ("id" TEXT NOT NULL);
    """

    code = "AZM001"
    name = "non-linear-history"
    default_severity = Severity.ERROR

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:
        base = ctx.base_migrations
        if not base or ctx.name in base:
            return
        latest = max(base)
        if ctx.name < latest:
            yield Violation(
                f"new migration {ctx.name} sorts before {latest}, already on the base branch: databases would apply them in different orders",
                None,
                fix="rebase, delete this folder and run `azora-tasks migrate` again to re-create it",
            )
