"""Renders a linter's rules page (``docs/lint-rules.md``, ``docs/migration-lint.md``) from its registry.

Both pages are generated so they cannot drift from the code, and both have
the same skeleton: a hand-written header, a table with one row per rule, then
one section per rule built from its docstring (summary, "why", bad/good
examples). Each linter supplies its header, its table columns, the badge lines
under a rule's heading and the language of its examples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from azora_tasks.rulebook.rules import RuleDoc

R = TypeVar("R", bound=type[RuleDoc])


def rule_link(rule: type[RuleDoc]) -> str:
    """``[AZL003](#azl003-soft-delete)``: the table's first column."""
    return f"[{rule.code}](#{rule.anchor()})"


def render_rule(rule: type[RuleDoc], badges: Sequence[str], language: str) -> str:
    """The markdown section of one rule; ``badges`` are the lines under its heading (severity, fixable, ...)."""
    sections = rule.doc_sections()
    parts = [f"### {rule.code} {rule.name}", ""]
    for badge in badges:
        parts += [badge, ""]
    parts += [sections["summary"], ""]
    if sections["why"]:
        for number, paragraph in enumerate(sections["why"].split("\n\n")):
            parts += [("**Why:** " if number == 0 else "") + " ".join(paragraph.split()), ""]
    for label in ("bad", "good"):
        if sections[label]:
            parts += [f"**{label.capitalize()}:**", "", f"```{language}", sections[label], "```", ""]
    return "\n".join(parts)


def render_page(header: str, rules: Iterable[R], row: Callable[[R], str], section: Callable[[R], str]) -> str:
    """``header``, the rules table (``row`` per rule), then every rule's ``section``."""
    rules = tuple(rules)
    table = "\n".join(row(rule) for rule in rules)
    body = "\n".join(section(rule) for rule in rules)
    return header + table + "\n\n" + body.rstrip("\n") + "\n"
