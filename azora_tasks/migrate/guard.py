"""Destructive-change guard: what a new migration's SQL would lose or break, before it is applied.

The checks themselves are rules of the migration lint (`azora_tasks.migrate_lint`,
documented in docs/migration-lint.md): the guard runs the ones marked `guard`
(`GUARD_RULES`: data loss and changes that fail on existing data) over the SQL
`migrate` is about to write, against a model replayed from the earlier
migrations (Prisma's SQL carries no suppressions, so every finding counts). Codes follow Atlas's analyzers where the check is
Atlas's (DS101 schema, DS102 table, DS103 column dropped; MF101 unique index
on an existing table, MF102 index made unique, MF103 required column without
default, MF104 column made NOT NULL); the tool's own are AZM101 (type
changed), AZM102/AZM103 (table/column "renamed" as drop + add).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Finding", "scan"]


@dataclass(frozen=True)
class Finding:
    code: str
    table: str
    message: str

    def __str__(self) -> str:
        return f"{self.code} {self.message}"


def scan(sql: str, previous: list[str], provider: str | None = None) -> list[Finding]:
    """Findings for a new migration, given the SQL of every migration before it (in statement order)."""
    # Imported here: the lint engine costs ~0.2 s of start-up, and a run with nothing new to write never scans.
    from azora_tasks.migrate_lint.engine import context_for, violations
    from azora_tasks.migrate_lint.rules import GUARD_RULES

    ctx, _ = context_for(sql, "migration.sql", name="new", previous=previous, provider=provider)
    found = [(violation.statement.line if violation.statement else 0, rule.code, violation) for rule, violation in violations(ctx, GUARD_RULES)]
    return [Finding(code, violation.table, violation.message) for _, code, violation in sorted(found, key=lambda item: item[:2])]
