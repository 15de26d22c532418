"""Schema-quality linter for the monorepo's Prisma schemas.

Checks each ``services/<name>/prisma/schema.prisma`` against the spec's
"Schema Quality Checklist" (UUID keys, timestamps, soft delete, enums for
status fields, relations and their indexes, ``@@map`` table names, Decimal
money …) with stable rule codes ``AZL0NN``.  Pure Python, no Node needed.

    >>> from azora_tasks.lint import lint_text, LintConfig
    >>> result = lint_text(text, "services/billing/prisma/schema.prisma",
    ...                    config=LintConfig.from_mapping({"soft-delete": "off"}))
    >>> for finding in result.findings: ...

Output formats live in :mod:`azora_tasks.lint.formats`, the rules page is
rendered by :func:`azora_tasks.lint.docs.render_rules_markdown`.
"""

from __future__ import annotations

from azora_tasks.lint.config import LintConfig, merge_configs
from azora_tasks.lint.engine import lint_files, lint_schema, lint_sources, lint_text
from azora_tasks.lint.lexer import SchemaParseError
from azora_tasks.lint.parser import parse_files, parse_schema
from azora_tasks.lint.rules import RULES, Rule, find_rule
from azora_tasks.rulebook.findings import Finding, LintResult, Severity

__all__ = [
    "RULES",
    "Finding",
    "LintConfig",
    "LintResult",
    "Rule",
    "SchemaParseError",
    "Severity",
    "find_rule",
    "lint_files",
    "lint_schema",
    "lint_sources",
    "lint_text",
    "merge_configs",
    "parse_files",
    "parse_schema",
]
