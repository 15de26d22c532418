"""Lint configuration: a severity per rule, layered global → category → service.

The manifest loader hands over plain dicts from TOML tables (``[lint]``,
``[categories.X.lint]``, ``[services.X.lint]``) such as
``{"AZL003": "off", "soft-delete": "warning"}``.  Keys may be rule codes or
names; an unknown key is a configuration mistake and raises ``ValueError``
naming it, because a typo would otherwise silently leave a rule on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Union

from azora_tasks.lint.findings import Severity
from azora_tasks.lint.rules import RULES, Rule, find_rule, rule_ids

_SEVERITY_ALIASES = {
    "off": Severity.OFF,
    "false": Severity.OFF,
    "none": Severity.OFF,
    "ignore": Severity.OFF,
    "info": Severity.INFO,
    "note": Severity.INFO,
    "warning": Severity.WARNING,
    "warn": Severity.WARNING,
    "error": Severity.ERROR,
}


def parse_severity(value: object, rule: type[Rule]) -> Severity:
    """``"warn"`` → WARNING; ``False`` → OFF; ``True`` → the rule's default severity."""
    if isinstance(value, Severity):
        return value
    if value is True:
        return rule.default_severity if rule.default_severity is not Severity.OFF else Severity.WARNING
    if value is False:
        return Severity.OFF
    if isinstance(value, str) and value.strip().lower() in _SEVERITY_ALIASES:
        return _SEVERITY_ALIASES[value.strip().lower()]
    raise ValueError(
        f"invalid severity {value!r} for lint rule {rule.code} {rule.name}; "
        "use one of: off, info, warning, error"
    )


@dataclass(frozen=True)
class LintConfig:
    """Severity overrides keyed by rule code; rules not listed keep their default."""

    overrides: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object] | None) -> LintConfig:
        """Build from ``{"AZL003": "off", "soft-delete": "warning"}``; raises ValueError on unknown ids."""
        overrides: dict[str, Severity] = {}
        for key, value in (mapping or {}).items():
            rule = find_rule(str(key))
            if rule is None:
                raise ValueError(f"unknown lint rule {key!r}; valid rules: {rule_ids()}")
            overrides[rule.code] = parse_severity(value, rule)
        return cls(MappingProxyType(overrides))

    def severity(self, rule: type[Rule]) -> Severity:
        """The effective severity of ``rule``."""
        return self.overrides.get(rule.code, rule.default_severity)

    def merged(self, other: LintConfig | Mapping[str, object] | None) -> LintConfig:
        """A config where ``other``'s overrides win over this one's."""
        if other is None:
            return self
        if not isinstance(other, LintConfig):
            other = LintConfig.from_mapping(other)
        return LintConfig(MappingProxyType({**self.overrides, **other.overrides}))

    def enabled_rules(self) -> list[type[Rule]]:
        return [rule for rule in RULES if self.severity(rule) is not Severity.OFF]

    def to_dict(self) -> dict[str, str]:
        """Effective severity of every rule, by code (handy for reports and debugging)."""
        return {rule.code: self.severity(rule).value for rule in RULES}


ConfigLayer = Union[LintConfig, Mapping[str, object], None]


def merge_configs(*layers: ConfigLayer) -> LintConfig:
    """Merge layers in order (global, category, service): later layers win per rule.

    Each layer may be a :class:`LintConfig`, a plain dict from TOML, or None.
    """
    config = LintConfig()
    for layer in layers:
        config = config.merged(layer)
    return config
