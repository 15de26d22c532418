"""Runs the enabled rules over a schema and applies severities and suppressions.

The engine never raises on bad input: a file that does not parse becomes an
AZL000 finding, and a rule that crashes on an odd schema becomes an AZL000
finding naming the rule (a linter bug must not hide the other findings).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from azora_tasks.lint.cancel import Cancel, LintCancelled, check_cancelled
from azora_tasks.lint.config import LintConfig
from azora_tasks.lint.edits import applicability
from azora_tasks.lint.lexer import SchemaParseError
from azora_tasks.lint.parser import parse_schema
from azora_tasks.lint.rules import RULES, Rule, RuleContext, find_rule
from azora_tasks.lint.rules.meta import (
    InvalidSuppression,
    ParseError,
    UnusedSuppression,
)
from azora_tasks.lint.schema_facts import SchemaFacts
from azora_tasks.lint.suppressions import SuppressionIndex, build_index
from azora_tasks.lint.syntax import Schema
from azora_tasks.rulebook.findings import Finding, LintResult, Severity
from azora_tasks.service_files import prisma_files


def _parse_error_finding(error: SchemaParseError, severity: Severity) -> Finding:
    return Finding(
        ParseError.code,
        ParseError.name,
        severity,
        f"cannot parse schema: {error.message}",
        error.path,
        error.line,
        error.column,
    )


def _sort_key(finding: Finding) -> tuple[str, int, int, str]:
    return finding.path, finding.line, finding.column, finding.code


def lint_schema(schema: Schema, config: LintConfig | None = None, provider: str | None = None, *, cancel: Cancel | None = None) -> LintResult:
    """Lint an already parsed schema (one file or a whole schema folder)."""
    config = config or LintConfig()
    ctx = RuleContext(schema, SchemaFacts(schema), provider or schema.provider, cancel)
    index = build_index(schema)
    result = LintResult()
    enabled: set[str] = set()
    for rule_class in RULES:
        severity = config.severity(rule_class)
        if severity is Severity.OFF:
            continue
        enabled.add(rule_class.code)
        check_cancelled(cancel)
        result.findings.extend(_run_rule(rule_class, severity, ctx, index, result, config))
    invalid = config.severity(InvalidSuppression)
    if invalid is not Severity.OFF:
        for problem in index.problems:
            c = problem.comment
            result.findings.append(
                Finding(
                    InvalidSuppression.code,
                    InvalidSuppression.name,
                    invalid,
                    problem.message,
                    problem.path,
                    c.line,
                    c.column,
                    c.end_line,
                    c.end_column,
                    fix="/// azora-lint-ignore <rule> <reason>",
                )
            )
    unused = config.severity(UnusedSuppression)
    if unused is not Severity.OFF:
        result.findings.extend(_unused_suppressions(index, enabled, unused))
    result.findings.sort(key=_sort_key)
    return result


def _unused_suppressions(index: SuppressionIndex, enabled: set[str], severity: Severity) -> list[Finding]:
    """Suppressions whose (enabled) rules silenced nothing, like ruff's RUF100."""
    found = []
    for suppression in index.suppressions:
        idle = sorted(code for code in suppression.codes if code in enabled and code not in suppression.used_codes)
        if not idle:
            continue
        names = ", ".join(f"{code} {find_rule(code).name}" for code in idle)  # type: ignore[union-attr]
        c = suppression.comment
        found.append(
            Finding(
                UnusedSuppression.code,
                UnusedSuppression.name,
                severity,
                f"suppression of {names} silences nothing here; remove it",
                suppression.path,
                c.line,
                c.column,
                c.end_line,
                c.end_column,
                fix="delete the comment (or the unused rule)",
                model=suppression.block,
                member=suppression.member,
            )
        )
    return found


def _run_rule(
    rule_class: type[Rule],
    severity: Severity,
    ctx: RuleContext,
    index: SuppressionIndex,
    result: LintResult,
    config: LintConfig,
) -> list[Finding]:
    findings: list[Finding] = []
    try:
        for violation in rule_class().check(ctx):
            if index.match(rule_class.code, violation) is not None:
                result.suppressed += 1
                continue
            block = violation.block
            ignore = _ignored_by(config, rule_class.code, block.name)
            if ignore is not None:
                result.ignore_hits[ignore] = result.ignore_hits.get(ignore, 0) + 1
                continue
            line, column, end_line, end_column = violation.location()
            member = violation.field.name if violation.field is not None else violation.member
            findings.append(
                Finding(
                    rule_class.code,
                    rule_class.name,
                    severity,
                    violation.message,
                    block.path,
                    line,
                    column,
                    end_line,
                    end_column,
                    violation.fix,
                    model=block.name,
                    member=member,
                    fixable=applicability(violation.edits),
                    edits=violation.edits,
                )
            )
    except LintCancelled:
        raise
    except Exception as exc:  # noqa: BLE001 - a crashing rule becomes a finding, never a lost lint
        path = ctx.schema.paths[0] if ctx.schema.paths else "schema.prisma"
        findings.append(
            Finding(ParseError.code, ParseError.name, Severity.ERROR, f"internal error in rule {rule_class.code} {rule_class.name}: {exc!r}", path, 1, 1)
        )
    return findings


def _ignored_by(config: LintConfig, code: str, model: str) -> int | None:
    for ignore in config.ignores:
        if ignore.covers(code, model):
            return ignore.index
    return None


_gc_lock = threading.Lock()
_gc_users = 0
_gc_was_enabled = False


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while linting.

    A big schema allocates hundreds of thousands of small, acyclic objects (tokens,
    nodes, findings); every generation-2 collection rescans all of them, which cost
    about 30% of a 5 MB lint.  Reference counting still frees everything; the
    collector is re-enabled when the last concurrent lint (runner threads) ends.
    """
    global _gc_users, _gc_was_enabled
    with _gc_lock:
        if _gc_users == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0 and _gc_was_enabled:
                gc.enable()


def lint_text(
    text: str,
    path: str,
    *,
    config: LintConfig | None = None,
    provider: str | None = None,
    cancel: Cancel | None = None,
) -> LintResult:
    """Lint one schema file's text; ``provider`` overrides the datasource's provider."""
    return lint_sources([(path, text)], config=config, provider=provider, cancel=cancel)


def lint_sources(
    sources: Iterable[tuple[str, str]],
    *,
    config: LintConfig | None = None,
    provider: str | None = None,
    cancel: Cancel | None = None,
) -> LintResult:
    """Lint several ``(path, text)`` files as one schema; unparsable files become AZL000 findings."""
    with _gc_paused():
        return _lint_sources(sources, config or LintConfig(), provider, cancel)


def _lint_sources(sources: Iterable[tuple[str, str]], config: LintConfig, provider: str | None, cancel: Cancel | None) -> LintResult:
    schema = Schema()
    parse_findings: list[Finding] = []
    for path, text in sources:
        try:
            part = parse_schema(text, path, cancel)
        except SchemaParseError as error:
            severity = config.severity(ParseError)
            if severity is not Severity.OFF:
                parse_findings.append(_parse_error_finding(error, severity))
            continue
        except RecursionError:
            parse_findings.append(Finding(ParseError.code, ParseError.name, Severity.ERROR, "cannot parse schema: nesting too deep", path, 1, 1))
            continue
        schema.blocks.extend(part.blocks)
        schema.comments.extend(part.comments)
        schema.paths.append(path)
    result = lint_schema(schema, config, provider, cancel=cancel)
    result.findings = sorted(parse_findings + result.findings, key=_sort_key)
    return result


def lint_files(
    paths: Iterable[Path | str],
    *,
    config: LintConfig | None = None,
    provider: str | None = None,
    cancel: Cancel | None = None,
) -> LintResult:
    """Lint files as one multi-file schema; a directory contributes its ``*.prisma`` files."""
    sources: list[tuple[str, str]] = []
    unreadable: list[Finding] = []
    for entry in paths:
        entry = Path(entry)
        files = prisma_files(entry) if entry.is_dir() else [entry]
        for file in files:
            try:
                sources.append((str(file), file.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                unreadable.append(Finding(ParseError.code, ParseError.name, Severity.ERROR, f"cannot read schema: {exc}", str(file), 1, 1))
    result = lint_sources(sources, config=config, provider=provider, cancel=cancel)
    result.findings = sorted(unreadable + result.findings, key=_sort_key)
    return result
