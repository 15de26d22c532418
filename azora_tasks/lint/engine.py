"""Runs the enabled rules over a schema and applies severities and suppressions.

The engine never raises on bad input: a file that does not parse becomes an
AZL000 finding, and a rule that crashes on an odd schema becomes an AZL000
finding naming the rule (a linter bug must not hide the other findings).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from azora_tasks.lint.config import LintConfig
from azora_tasks.lint.findings import Finding, LintResult, Severity
from azora_tasks.lint.lexer import SchemaParseError
from azora_tasks.lint.parser import parse_schema
from azora_tasks.lint.rules import RULES, Rule, RuleContext
from azora_tasks.lint.rules.meta import InvalidSuppression, ParseError
from azora_tasks.lint.schema_facts import SchemaFacts
from azora_tasks.lint.suppressions import SuppressionIndex, build_index
from azora_tasks.lint.syntax import Schema


def _parse_error_finding(error: SchemaParseError, severity: Severity) -> Finding:
    return Finding(
        ParseError.code, ParseError.name, severity, f"cannot parse schema: {error.message}",
        error.path, error.line, error.column,
    )


def _sort_key(finding: Finding) -> tuple[str, int, int, str]:
    return finding.path, finding.line, finding.column, finding.code


def lint_schema(schema: Schema, config: LintConfig | None = None, provider: str | None = None) -> LintResult:
    """Lint an already parsed schema (one file or a whole schema folder)."""
    config = config or LintConfig()
    ctx = RuleContext(schema, SchemaFacts(schema), provider or schema.provider)
    index = build_index(schema)
    result = LintResult()
    for rule_class in RULES:
        severity = config.severity(rule_class)
        if severity is Severity.OFF:
            continue
        result.findings.extend(_run_rule(rule_class, severity, ctx, index, result))
    invalid = config.severity(InvalidSuppression)
    if invalid is not Severity.OFF:
        for problem in index.problems:
            c = problem.comment
            result.findings.append(
                Finding(InvalidSuppression.code, InvalidSuppression.name, invalid, problem.message,
                        problem.path, c.line, c.column, c.end_line, c.end_column,
                        fix="/// azora-lint-ignore <rule> <reason>")
            )
    result.findings.sort(key=_sort_key)
    return result


def _run_rule(
    rule_class: type[Rule], severity: Severity, ctx: RuleContext, index: SuppressionIndex, result: LintResult
) -> list[Finding]:
    findings: list[Finding] = []
    try:
        for violation in rule_class().check(ctx):
            if index.match(rule_class.code, violation) is not None:
                result.suppressed += 1
                continue
            line, column, end_line, end_column = violation.location()
            findings.append(
                Finding(rule_class.code, rule_class.name, severity, violation.message,
                        violation.block.path, line, column, end_line, end_column, violation.fix)
            )
    except Exception as exc:  # noqa: BLE001 - a rule bug must not abort the lint
        path = ctx.schema.paths[0] if ctx.schema.paths else "schema.prisma"
        findings.append(
            Finding(ParseError.code, ParseError.name, Severity.ERROR,
                    f"internal error in rule {rule_class.code} {rule_class.name}: {exc!r}", path, 1, 1)
        )
    return findings


def lint_text(
    text: str, path: str, *, config: LintConfig | None = None, provider: str | None = None
) -> LintResult:
    """Lint one schema file's text; ``provider`` overrides the datasource's provider."""
    return lint_sources([(path, text)], config=config, provider=provider)


def lint_sources(
    sources: Iterable[tuple[str, str]], *, config: LintConfig | None = None, provider: str | None = None
) -> LintResult:
    """Lint several ``(path, text)`` files as one schema; unparsable files become AZL000 findings."""
    config = config or LintConfig()
    schema = Schema()
    parse_findings: list[Finding] = []
    for path, text in sources:
        try:
            part = parse_schema(text, path)
        except SchemaParseError as error:
            severity = config.severity(ParseError)
            if severity is not Severity.OFF:
                parse_findings.append(_parse_error_finding(error, severity))
            continue
        except RecursionError:
            parse_findings.append(
                Finding(ParseError.code, ParseError.name, Severity.ERROR, "cannot parse schema: nesting too deep",
                        path, 1, 1)
            )
            continue
        schema.blocks.extend(part.blocks)
        schema.comments.extend(part.comments)
        schema.paths.append(path)
    result = lint_schema(schema, config, provider)
    result.findings = sorted(parse_findings + result.findings, key=_sort_key)
    return result


def lint_files(
    paths: Iterable[Path | str], *, config: LintConfig | None = None, provider: str | None = None
) -> LintResult:
    """Lint files as one multi-file schema; a directory contributes its ``*.prisma`` files."""
    sources: list[tuple[str, str]] = []
    unreadable: list[Finding] = []
    for entry in paths:
        entry = Path(entry)
        files = sorted(entry.rglob("*.prisma")) if entry.is_dir() else [entry]
        for file in files:
            try:
                sources.append((str(file), file.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                unreadable.append(
                    Finding(ParseError.code, ParseError.name, Severity.ERROR, f"cannot read schema: {exc}",
                            str(file), 1, 1)
                )
    result = lint_sources(sources, config=config, provider=provider)
    result.findings = sorted(unreadable + result.findings, key=_sort_key)
    return result
