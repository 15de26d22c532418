"""The rule protocol of the migration lint: what a rule declares, what it sees, what it reports.

A rule is one class: a stable `code`, a kebab-case `name`, a default
severity, whether the destructive-change guard of `migrate` applies it
(`guard`), the providers it is meant for, and a `check` generator over a
`MigrationContext`. Its docstring is its documentation: a summary line, a
"why" paragraph, then `Bad:` and `Good:` sections with indented SQL. The docs
page is rendered from those docstrings and a test lints every example, so the
examples cannot rot.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from azora_tasks.migrate_lint.model import Change
from azora_tasks.migrate_lint.sql import Statement
from azora_tasks.rulebook.rules import RuleDoc


@dataclass(frozen=True)
class Violation:
    """What a rule reports: the message, the statement it is about (None: the whole file), a fix hint."""

    message: str
    statement: Statement | None = None
    table: str = ""
    fix: str | None = None


@dataclass
class MigrationContext:
    """Everything a rule may look at for one migration file."""

    name: str  # the migration folder, e.g. 20250101000000_init
    path: str
    changes: list[Change]
    provider: str | None  # postgresql | sqlite | mysql | None (unknown)
    base_migrations: list[str] | None = None  # folder names on the base ref (--changed-since), None when unknown
    statements: list[Statement] = field(default_factory=list)

    def of(self, *kinds: str) -> Iterator[Change]:
        return (change for change in self.changes if change.kind in kinds)


class Rule(RuleDoc):
    """Base class of every migration-lint rule (one subclass per rule); identity and docs come from :class:`RuleDoc`."""

    guard: ClassVar[bool] = False  # `migrate` refuses to apply a new migration with this finding unless accepted
    providers: ClassVar[tuple[str, ...] | None] = None  # None: every provider
    atlas: ClassVar[bool] = False  # the code is Atlas's analyzer code for the same check

    def applies_to(self, provider: str | None) -> bool:
        return self.providers is None or provider in self.providers

    def check(self, ctx: MigrationContext) -> Iterator[Violation]:  # pragma: no cover - abstract
        raise NotImplementedError
