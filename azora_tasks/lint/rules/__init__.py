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
from azora_tasks.rulebook.rules import Registry

REGISTRY: Registry[type[Rule]] = Registry(
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
    "lint rule",
)
RULES = REGISTRY.rules
"""Every rule class, ordered by code."""
find_rule = REGISTRY.find
rule_ids = REGISTRY.ids

__all__ = ["RULES", "Rule", "RuleContext", "Violation", "find_rule", "rule_ids"]
