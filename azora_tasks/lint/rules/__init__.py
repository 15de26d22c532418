"""The rule registry: every lint rule, in code order.

``RULES`` is the single source of truth for codes, names and default
severities; configuration, suppressions, output formats and the docs page
all look rules up here.
"""

from __future__ import annotations

from azora_tasks.lint.rules.base import Rule, RuleContext, Violation
from azora_tasks.lint.rules.keys import RequiredFields, UuidPrimaryKey
from azora_tasks.lint.rules.meta import (
    InvalidSuppression,
    ParseError,
    UnusedSuppression,
)
from azora_tasks.lint.rules.naming import (
    EnumNamePascalCase,
    EnumValueUpperCase,
    FieldNameCamelCase,
    ModelNamePascalCase,
    ModelNameSingular,
    TableMap,
)
from azora_tasks.lint.rules.relations import ForeignKeyIndex, RelationDefined
from azora_tasks.lint.rules.timestamps import SoftDelete, Timestamps, TimestampType
from azora_tasks.lint.rules.types import (
    EnumForStatus,
    MoneyDecimal,
    MysqlIndexedText,
    UnboundedString,
)

RULES: tuple[type[Rule], ...] = tuple(
    sorted(
        (
            ParseError,
            UuidPrimaryKey,
            Timestamps,
            SoftDelete,
            EnumForStatus,
            RelationDefined,
            ForeignKeyIndex,
            TableMap,
            MoneyDecimal,
            TimestampType,
            RequiredFields,
            ModelNamePascalCase,
            FieldNameCamelCase,
            EnumNamePascalCase,
            ModelNameSingular,
            UnboundedString,
            MysqlIndexedText,
            EnumValueUpperCase,
            InvalidSuppression,
            UnusedSuppression,
        ),
        key=lambda rule: rule.code,
    )
)
"""Every rule class, ordered by code."""

_BY_KEY: dict[str, type[Rule]] = {}
for _rule in RULES:
    for _key in (_rule.code, _rule.name):
        if _key.lower() in _BY_KEY:
            raise RuntimeError(f"duplicate lint rule id {_key}")
        _BY_KEY[_key.lower()] = _rule


def find_rule(key: str) -> type[Rule] | None:
    """The rule with that code (``AZL003``) or name (``soft-delete``), case-insensitive."""
    return _BY_KEY.get(key.strip().lower())


def rule_ids() -> str:
    """``"AZL000 parse-error, AZL001 uuid-primary-key, ..."`` for error messages."""
    return ", ".join(f"{r.code} {r.name}" for r in RULES)


__all__ = ["RULES", "Rule", "RuleContext", "Violation", "find_rule", "rule_ids"]
