"""The suppression comment grammar both linters read: ``azora-lint-ignore[-<wider>] <rule>[,<rule>] <reason>``.

Where a directive applies is each linter's business (a schema field or model,
an SQL statement or file); what a directive *says* is the same everywhere:
one or more rules by code or name, and a mandatory reason. A directive
without a reason or naming an unknown rule is void, and the linter reports it
(AZL090, AZM090) with the message :func:`parse_directive` returns.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from azora_tasks.rulebook.rules import RuleDoc

MARKER = "azora-lint-ignore"
_RULES_AND_REASON = re.compile(r"^(?P<rules>[\w-]+(?:\s*,\s*[\w-]+)*)\s*(?P<reason>.*)$", re.DOTALL)


@dataclass(frozen=True)
class Directive:
    """A valid directive: the rule codes it silences, its reason, and whether it has the wider form."""

    codes: frozenset[str]
    reason: str
    wider: bool  # `azora-lint-ignore-model` (schema lint), `azora-lint-ignore-file` (migration lint)


@functools.cache
def _pattern(wider: str) -> re.Pattern[str]:
    return re.compile(rf"^{MARKER}(?P<wider>-{wider})?(?=\s|$)\s*(?P<rest>.*)$", re.DOTALL)


def parse_directive(text: str, wider: str, find_rule: Callable[[str], type[RuleDoc] | None]) -> Directive | str | None:
    """Read one comment's text (after its ``//``/``--``).

    None: not a directive at all; a string: a void directive, and why; else the
    :class:`Directive`. ``wider`` is the suffix of the linter's wider form
    (``model``, ``file``); ``find_rule`` is the linter's registry lookup.
    """
    match = _pattern(wider).match(text)
    if match is None:
        return None
    parsed = _RULES_AND_REASON.match(match.group("rest").strip())
    if parsed is None:
        return f"`{MARKER}` needs a rule and a reason"
    codes: set[str] = set()
    for key in re.split(r"\s*,\s*", parsed.group("rules")):
        rule = find_rule(key)
        if rule is None:
            return f"`{MARKER}` names unknown rule {key!r}"
        codes.add(rule.code)
    reason = parsed.group("reason").strip().lstrip("-—:").strip()
    if not reason:
        return f"`{MARKER} {parsed.group('rules')}` needs a reason"
    return Directive(frozenset(codes), reason, bool(match.group("wider")))
