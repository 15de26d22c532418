"""Lint configuration: a severity per rule, a rule selection, and manifest-level ignores.

The manifest loader hands over plain dicts from TOML tables (``[lint]``,
``[categories.X.lint]``, ``[services.X.lint]``) such as
``{"AZL003": "off", "soft-delete": "warning"}``.  Keys may be rule codes or
names; an unknown key is a configuration mistake and raises ``ValueError``
naming it, because a typo would otherwise silently leave a rule on.

Besides severities, the global ``[lint]`` table may hold (like ruff's options):

* ``select`` / ``extend-select`` / ``ignore``: rule codes, names or code
  prefixes (``"AZL00"``); ``validate --select/--extend-select/--ignore`` do the
  same from the command line (``--select`` replaces the manifest's selection);
* ``baseline``: where ``validate --update-baseline`` writes (default
  ``lint-baseline.json`` next to the manifest);
* ``[[lint.ignores]]``: ``rules`` ignored for named ``models`` (any service)
  and/or for ``categories``/``services``, each with a mandatory ``reason`` —
  one entry instead of a suppression comment in every copy of a copy-pasted
  model.  Entries that silence nothing are reported, like ruff's RUF100.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from azora_tasks.lint.rules import RULES, Rule, find_rule, rule_ids
from azora_tasks.rulebook.findings import Severity

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
SELECTION_KEYS = ("select", "extend-select", "ignore")
GLOBAL_ONLY_KEYS = ("baseline", "ignores")
IGNORE_KEYS = ("rules", "reason", "models", "categories", "services")


class LintConfigError(ValueError):
    """A bad lint setting; ``keys`` is the path below the lint table (for the manifest's line number)."""

    def __init__(self, message: str, keys: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.keys = keys


def parse_severity(value: object, rule: type[Rule]) -> Severity:
    """``"warn"`` → WARNING; ``False`` → OFF; ``True`` → the rule's default severity."""
    if isinstance(value, Severity):
        return value
    if value is True:
        return _enabled_severity(rule)
    if value is False:
        return Severity.OFF
    if isinstance(value, str) and value.strip().lower() in _SEVERITY_ALIASES:
        return _SEVERITY_ALIASES[value.strip().lower()]
    raise ValueError(f"invalid severity {value!r} for lint rule {rule.code} {rule.name}; use one of: off, info, warning, error")


def _enabled_severity(rule: type[Rule]) -> Severity:
    return rule.default_severity if rule.default_severity is not Severity.OFF else Severity.WARNING


def resolve_selectors(selectors: Iterable[str], option: str = "select") -> tuple[str, ...]:
    """Check ``AZL00``/``AZL003``/``soft-delete`` selectors; each must match at least one rule."""
    checked: list[str] = []
    for raw in selectors:
        selector = str(raw).strip()
        if not selector:
            continue
        if not _matching(selector):
            raise LintConfigError(f"{option}: {selector!r} matches no lint rule; use a code (AZL003), a code prefix (AZL00) or a name: {rule_ids()}")
        checked.append(selector)
    return tuple(checked)


def _matching(selector: str) -> list[type[Rule]]:
    rule = find_rule(selector)
    if rule is not None:
        return [rule]
    prefix = selector.upper()
    if prefix == "ALL":
        return list(RULES)
    return [r for r in RULES if r.code.startswith(prefix)] if prefix.startswith("AZL") else []


def _matches(rule: type[Rule], selectors: Iterable[str]) -> bool:
    return any(rule in _matching(selector) for selector in selectors)


def _names(rule: type[Rule], selectors: Iterable[str]) -> bool:
    """The rule is named exactly (code or name), not just covered by a prefix."""
    return any(find_rule(selector) is rule for selector in selectors)


@dataclass(frozen=True)
class Ignore:
    """One ``[[lint.ignores]]`` entry: ``rules`` ignored for ``models`` in ``categories``/``services``.

    Empty ``models`` means every model; empty ``categories`` and ``services``
    mean every service.  Model names may be globs (``"Audit*"``).
    """

    index: int
    rules: frozenset[str]
    reason: str
    models: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    services: tuple[str, ...] = ()

    def applies_to(self, service: str, category: str) -> bool:
        if not self.categories and not self.services:
            return True
        return service in self.services or category in self.categories

    def covers(self, code: str, model: str | None) -> bool:
        if code not in self.rules:
            return False
        if not self.models:
            return True
        return model is not None and any(fnmatch.fnmatchcase(model, pattern) for pattern in self.models)

    def describe(self) -> str:
        scope = f"models {', '.join(self.models)}" if self.models else "every model"
        where = ", ".join([*(f"category {c}" for c in self.categories), *(f"service {s}" for s in self.services)])
        return f"[[lint.ignores]] #{self.index + 1} ({', '.join(sorted(self.rules))} for {scope}{' in ' + where if where else ''})"


def parse_ignores(raw: object) -> tuple[Ignore, ...]:
    """``[[lint.ignores]]`` tables → :class:`Ignore` entries; errors name the entry and key."""
    if not isinstance(raw, list):
        raise LintConfigError("expected an array of tables: write each entry as [[lint.ignores]]", ("ignores",))
    ignores = []
    for index, entry in enumerate(raw):
        where: tuple[str | int, ...] = ("ignores", index)
        if not isinstance(entry, Mapping):
            raise LintConfigError("expected a table with rules, reason and models/categories/services", where)
        for key in entry:
            if key not in IGNORE_KEYS:
                raise LintConfigError(f"unknown key {key!r}; use one of: {', '.join(IGNORE_KEYS)}", (*where, str(key)))
        codes = []
        for rule_key in _string_list(entry.get("rules"), (*where, "rules"), required=True):
            rule = find_rule(rule_key)
            if rule is None:
                raise LintConfigError(f"unknown lint rule {rule_key!r}; valid rules: {rule_ids()}", (*where, "rules"))
            codes.append(rule.code)
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise LintConfigError('every ignore needs a reason = "..." (why these findings are acceptable)', where)
        ignores.append(
            Ignore(
                index,
                frozenset(codes),
                reason.strip(),
                _string_list(entry.get("models"), (*where, "models")),
                _string_list(entry.get("categories"), (*where, "categories")),
                _string_list(entry.get("services"), (*where, "services")),
            )
        )
    return tuple(ignores)


def _string_list(value: object, where: tuple[str | int, ...], *, required: bool = False) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise LintConfigError(f"{where[-1]} must be a non-empty array of strings", where)
    return tuple(value)


@dataclass(frozen=True)
class LintConfig:
    """Severity overrides keyed by rule code, a rule selection and the ignores that apply.

    ``select`` None means "every rule at its severity"; a tuple keeps only the
    rules it matches.  ``extend_select`` and ``ignore`` add to and remove from
    that set.  A rule that is off by default is switched on (at warning) only
    when a selector names it exactly, not by a prefix.
    """

    overrides: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    ignores: tuple[Ignore, ...] = ()

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object] | None, *, scope: str = "any") -> LintConfig:
        """Build from ``{"AZL003": "off", "select": ["AZL00"], ...}``; raises ValueError on unknown ids.

        ``scope`` is ``"global"`` for the manifest's ``[lint]`` (the only table
        that may hold ``baseline`` and ``ignores``), ``"local"`` for category and
        service tables, ``"any"`` to accept everything (library use).
        """
        overrides: dict[str, Severity] = {}
        config = cls()
        for key, value in (mapping or {}).items():
            key = str(key)
            if key in SELECTION_KEYS:
                config = replace(config, **{key.replace("-", "_"): _selection(value, key)})  # type: ignore[arg-type]  # the key names a tuple[str, ...] field
                continue
            if key in GLOBAL_ONLY_KEYS:
                if scope == "local":
                    raise LintConfigError(f"{key!r} is only read from the top-level [lint] table; move it there", (key,))
                if key == "ignores":
                    config = replace(config, ignores=parse_ignores(value))
                elif not isinstance(value, str) or not value:
                    raise LintConfigError('baseline must be a path, e.g. baseline = "lint-baseline.json"', (key,))
                continue
            rule = find_rule(key)
            if rule is None:
                raise LintConfigError(f"unknown lint rule {key!r}; valid rules: {rule_ids()}")
            overrides[rule.code] = parse_severity(value, rule)
        return replace(config, overrides=MappingProxyType(overrides))

    def severity(self, rule: type[Rule]) -> Severity:
        """The effective severity of ``rule`` (OFF when not selected or ignored)."""
        severity = self.overrides.get(rule.code, rule.default_severity)
        selectors = (*(self.select or ()), *self.extend_select)
        if self.select is not None and not _matches(rule, selectors):
            return Severity.OFF
        if self.ignore and _matches(rule, self.ignore):
            return Severity.OFF
        if severity is Severity.OFF and rule.code not in self.overrides and _names(rule, selectors):
            return _enabled_severity(rule)
        return severity

    def merged(self, other: LintConfig | Mapping[str, object] | None) -> LintConfig:
        """A config where ``other``'s overrides (and selection, if it has one) win over this one's."""
        if other is None:
            return self
        if not isinstance(other, LintConfig):
            other = LintConfig.from_mapping(other)
        return LintConfig(
            MappingProxyType({**self.overrides, **other.overrides}),
            other.select if other.select is not None else self.select,
            self.extend_select + other.extend_select,
            self.ignore + other.ignore,
            self.ignores + other.ignores,
        )

    def with_selection(self, select: Sequence[str] | None = None, extend_select: Sequence[str] = (), ignore: Sequence[str] = ()) -> LintConfig:
        """The command line's ``--select`` (replaces), ``--extend-select`` and ``--ignore`` (add)."""
        return replace(
            self,
            select=tuple(select) if select else self.select,
            extend_select=self.extend_select + tuple(extend_select),
            ignore=self.ignore + tuple(ignore),
        )

    def for_service(self, service: str, category: str) -> LintConfig:
        """Keep only the ignores whose categories/services include this service."""
        return replace(self, ignores=tuple(i for i in self.ignores if i.applies_to(service, category)))

    def enabled_rules(self) -> list[type[Rule]]:
        return [rule for rule in RULES if self.severity(rule) is not Severity.OFF]

    def to_dict(self) -> dict[str, str]:
        """Effective severity of every rule, by code (handy for reports and debugging)."""
        return {rule.code: self.severity(rule).value for rule in RULES}


def _selection(value: object, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LintConfigError(f'{key} must be an array of rule codes, prefixes or names, e.g. {key} = ["AZL00"]', (key,))
    try:
        return resolve_selectors(value, key)
    except LintConfigError as error:
        raise LintConfigError(str(error), (key,)) from None


ConfigLayer = LintConfig | Mapping[str, Any] | None


def merge_configs(*layers: ConfigLayer) -> LintConfig:
    """Merge layers in order (global, category, service): later layers win per rule.

    Each layer may be a :class:`LintConfig`, a plain dict from TOML, or None.
    """
    config = LintConfig()
    for layer in layers:
        config = config.merged(layer)
    return config
