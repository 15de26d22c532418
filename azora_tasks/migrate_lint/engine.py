"""Runs the migration-lint rules over `migration.sql` files and applies suppressions.

A migration is linted against a model replayed from every migration before it
in its folder (name order, as Prisma applies them), so "existing table" means
what it will mean on a database that is up to date. Never raises on bad input:
an unreadable file is an AZM000 finding, and a rule that crashes on odd SQL is
an AZM000 finding naming the rule (a linter bug must not hide other findings).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from azora_tasks.database import canonical_provider
from azora_tasks.migrate import history
from azora_tasks.migrate_lint.model import Model, build_model, interpret
from azora_tasks.migrate_lint.rules import RULES, MigrationContext, Rule, Violation
from azora_tasks.migrate_lint.rules.meta import InvalidSuppression, UnreadableMigration
from azora_tasks.migrate_lint.sql import Script, parse_script
from azora_tasks.migrate_lint.suppressions import MARKER, build_index
from azora_tasks.rulebook.findings import Finding, LintResult, Severity

_LOCK_PROVIDER = re.compile(r'^\s*provider\s*=\s*"([^"]+)"', re.MULTILINE)


def _sort_key(finding: Finding) -> tuple[str, int, int, str]:
    return finding.path, finding.line, finding.column, finding.code


def context_for(
    sql: str,
    path: str,
    *,
    name: str = "",
    previous: Iterable[str] = (),
    provider: str | None = None,
    base_migrations: list[str] | None = None,
    model: Model | None = None,
) -> tuple[MigrationContext, Script]:
    """Parse a migration and interpret it against the model of the ones before it.

    `model`, when given, already holds those earlier migrations (a folder walk keeps one running
    model, so n migrations cost n parses, not n²/2); it is advanced past this one in place.
    """
    script = parse_script(sql)
    changes = interpret(model if model is not None else build_model(list(previous)), script.statements)
    return MigrationContext(name or Path(path).parent.name, path, changes, provider, base_migrations, script.statements), script


def violations(ctx: MigrationContext, rules: Iterable[type[Rule]] = RULES) -> Iterator[tuple[type[Rule], Violation]]:
    """What each enabled rule that applies to the provider reports, before suppressions."""
    for rule_class in rules:
        rule = rule_class()
        if rule_class.default_severity is Severity.OFF or not rule.applies_to(ctx.provider):
            continue
        try:
            found = list(rule.check(ctx))
        except Exception as error:  # noqa: BLE001 - a rule bug must not abort the lint
            found = [Violation(f"internal error in rule {rule_class.code} {rule_class.name}: {error!r}")]
            rule_class = UnreadableMigration
        for violation in found:
            yield rule_class, violation


def lint_sql(
    sql: str,
    path: str,
    *,
    name: str = "",
    previous: Iterable[str] = (),
    provider: str | None = None,
    base_migrations: list[str] | None = None,
    rules: Iterable[type[Rule]] = RULES,
    model: Model | None = None,
) -> LintResult:
    """Lint one migration's SQL, given the SQL of every migration before it (or their `model`)."""
    rules = tuple(rules)
    ctx, script = context_for(sql, path, name=name, previous=previous, provider=provider, base_migrations=base_migrations, model=model)
    index = build_index(script)
    result = LintResult()
    for rule_class, violation in violations(ctx, rules):
        if index.match(rule_class.code, violation.statement) is not None:
            result.suppressed += 1
            continue
        at = violation.statement
        line, column = (at.line, at.column) if at else (1, 1)
        end = (at.end_line, at.end_column) if at else (None, None)
        result.findings.append(
            Finding(rule_class.code, rule_class.name, rule_class.default_severity, violation.message, path, line, column, end[0], end[1], violation.fix)
        )
    if InvalidSuppression in rules:
        for message, comment in index.problems:
            result.findings.append(
                Finding(
                    InvalidSuppression.code,
                    InvalidSuppression.name,
                    InvalidSuppression.default_severity,
                    message,
                    path,
                    comment.line,
                    comment.column,
                    fix=f"-- {MARKER} <code> <reason>",
                )
            )
    result.findings.sort(key=_sort_key)
    return result


def folder_provider(folder: Path, default: str | None = None) -> str | None:
    """The provider `migration_lock.toml` records (Prisma writes it), else `default`."""
    lock = folder / history.LOCK_FILE
    try:
        match = _LOCK_PROVIDER.search(lock.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        match = None
    return canonical_provider(match.group(1) if match else default)


def lint_folder(
    folder: Path,
    *,
    provider: str | None = None,
    only: set[str] | None = None,
    base_migrations: list[str] | None = None,
    display_root: Path | None = None,
) -> tuple[LintResult, list[str]]:
    """Lint the migrations of one `prisma/migrations` folder; `only` limits which are reported.

    Returns the result and the names of the migrations that were linted.
    """
    provider = folder_provider(folder, provider)
    result = LintResult()
    model = Model()  # the migrations before the current one, replayed once each
    linted: list[str] = []
    for name in history.local_migrations(folder):
        file = folder / name / "migration.sql"
        shown = str(file.relative_to(display_root)) if display_root and file.is_relative_to(display_root) else str(file)
        try:
            sql = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            if only is None or name in only:
                linted.append(name)
                result.findings.append(
                    Finding(
                        UnreadableMigration.code,
                        UnreadableMigration.name,
                        Severity.ERROR,
                        f"cannot read migration: {error}",
                        shown,
                        1,
                        1,
                        fix="save migration.sql as UTF-8",
                    )
                )
            continue
        if only is None or name in only:
            linted.append(name)
            part = lint_sql(sql, shown, name=name, provider=provider, base_migrations=base_migrations, model=model)
            result.findings.extend(part.findings)
            result.suppressed += part.suppressed
        else:
            interpret(model, parse_script(sql).statements)
    result.findings.sort(key=_sort_key)
    return result, linted
