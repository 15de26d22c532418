"""The migration-lint rule registry: every rule, in code order.

`RULES` is the single source of truth for codes, names, default severities
and which rules the destructive-change guard of `migrate` applies
(`GUARD_RULES`); suppressions, output formats and the docs page look rules
up here. Codes taken from Atlas's analyzer catalogue (DS, MF, CD, PG) mean
the same check as Atlas's; the tool's own checks use `AZM`.
"""

from __future__ import annotations

from azora_tasks.migrate_lint.rules.base import MigrationContext, Rule, Violation
from azora_tasks.migrate_lint.rules.data import (
    ColumnMadeNotNull,
    ColumnTypeChanged,
    IndexMadeUnique,
    RequiredColumnWithoutDefault,
    UniqueIndexOnExistingTable,
)
from azora_tasks.migrate_lint.rules.destructive import (
    ColumnDropped,
    ColumnRenameAsDrop,
    SchemaDropped,
    TableDropped,
    TableRenameAsDrop,
)
from azora_tasks.migrate_lint.rules.history import NonLinearHistory
from azora_tasks.migrate_lint.rules.locking import (
    ColumnTypeRewrite,
    ConstraintWithoutNotValid,
    ForeignKeyDropped,
    IndexWithoutConcurrently,
)
from azora_tasks.migrate_lint.rules.meta import InvalidSuppression, UnreadableMigration
from azora_tasks.rulebook.rules import Registry

REGISTRY: Registry[type[Rule]] = Registry(
    (
        UnreadableMigration,
        NonLinearHistory,
        InvalidSuppression,
        ColumnTypeChanged,
        TableRenameAsDrop,
        ColumnRenameAsDrop,
        ConstraintWithoutNotValid,
        ForeignKeyDropped,
        SchemaDropped,
        TableDropped,
        ColumnDropped,
        UniqueIndexOnExistingTable,
        IndexMadeUnique,
        RequiredColumnWithoutDefault,
        ColumnMadeNotNull,
        IndexWithoutConcurrently,
        ColumnTypeRewrite,
    ),
    "migration-lint rule",
)
RULES = REGISTRY.rules
"""Every rule class, ordered by code."""
find_rule = REGISTRY.find
rule_ids = REGISTRY.ids

GUARD_RULES: tuple[type[Rule], ...] = tuple(rule for rule in RULES if rule.guard)
"""The rules `migrate` applies to a migration it is about to write (data loss and breaking changes)."""

__all__ = ["GUARD_RULES", "RULES", "MigrationContext", "Rule", "Violation", "find_rule", "rule_ids"]
