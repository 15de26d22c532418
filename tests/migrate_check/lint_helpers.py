"""Run a rule's documented example: `-- earlier migrations:` / `-- this migration:` / base-ref headers."""

from __future__ import annotations

import re

from azora_tasks.migrate_lint import lint_sql
from azora_tasks.migrate_lint.rules import Rule
from azora_tasks.rulebook.findings import LintResult


def lint_example(rule: type[Rule], sql: str) -> LintResult:
    previous, _, current = sql.rpartition("-- this migration:")
    previous = previous.replace("-- earlier migrations:", "")
    base = re.findall(r"^-- base ref has: (\S+)$", current, re.MULTILINE)
    name = re.search(r"^-- migration name: (\S+)$", current, re.MULTILINE)
    provider = rule.providers[0] if rule.providers else "postgresql"
    return lint_sql(
        current,
        f"{rule.code}/migration.sql",
        name=name.group(1) if name else "20990101000000_example",
        previous=[previous] if previous.strip() else [],
        provider=provider,
        base_migrations=base or None,
    )
