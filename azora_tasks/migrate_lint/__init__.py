"""Lint of committed Prisma migrations (`migration.sql`), hand-written ones included.

Same design as the schema lint (`azora_tasks.lint`): one rule per class with a
stable code and a docstring holding a bad and a good example, one registry
(`rules.RULES`), inline suppressions, text/JSON/JUnit/SARIF output and a docs
page generated from the registry (docs/migration-lint.md). The SQL is read into
typed changes by `model.interpret` against a model replayed from the earlier
migrations, so rules know whether a table already held rows.

    >>> from azora_tasks.migrate_lint import lint_sql
    >>> lint_sql('ALTER TABLE "User" DROP COLUMN "age";', "m.sql", previous=[init_sql]).findings
"""

from __future__ import annotations

from azora_tasks.migrate_lint.engine import folder_provider, lint_folder, lint_sql
from azora_tasks.migrate_lint.rules import GUARD_RULES, RULES, find_rule

__all__ = ["GUARD_RULES", "RULES", "find_rule", "folder_provider", "lint_folder", "lint_sql"]
