"""Inline suppressions in migration SQL: `-- azora-lint-ignore CODE[,CODE] reason`.

* on its own line: the next statement;
* after a statement on the same line: that statement;
* `-- azora-lint-ignore-file CODE reason` anywhere: the whole file (the only
  way to silence findings that are about the file, not a statement, such as
  AZM001).

A reason is required. A directive without one, naming an unknown rule, or
with no statement after it suppresses nothing and is reported as AZM090.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from azora_tasks.migrate_lint.rules import find_rule
from azora_tasks.migrate_lint.sql import Comment, Script, Statement

MARKER = "azora-lint-ignore"
_DIRECTIVE = re.compile(r"^azora-lint-ignore(?P<file>-file)?(?=\s|$)\s*(?P<rest>.*)$", re.DOTALL)
_RULES_AND_REASON = re.compile(r"^(?P<rules>[\w-]+(?:\s*,\s*[\w-]+)*)\s*(?P<reason>.*)$", re.DOTALL)


@dataclass
class Suppression:
    codes: frozenset[str]
    reason: str
    comment: Comment
    statement: Statement | None  # None: the whole file


@dataclass
class SuppressionIndex:
    suppressions: list[Suppression] = field(default_factory=list)
    problems: list[tuple[str, Comment]] = field(default_factory=list)

    def match(self, code: str, statement: Statement | None) -> Suppression | None:
        for suppression in self.suppressions:
            if code in suppression.codes and (suppression.statement is None or suppression.statement == statement):
                return suppression
        return None


def _target(comment: Comment, statements: list[Statement]) -> Statement | None:
    if comment.trailing:
        on_line = [s for s in statements if s.line <= comment.line <= s.end_line]
        return on_line[-1] if on_line else None
    following = [s for s in statements if (s.line, s.column) > (comment.line, comment.column)]
    return following[0] if following else None


def build_index(script: Script) -> SuppressionIndex:
    """Every directive of a script, attached to its statement (or the file)."""
    index = SuppressionIndex()
    for comment in script.comments:
        match = _DIRECTIVE.match(comment.text)
        if match is None:
            continue
        parsed = _RULES_AND_REASON.match(match.group("rest").strip())
        if parsed is None:
            index.problems.append((f"`{MARKER}` needs a rule code and a reason", comment))
            continue
        codes: set[str] = set()
        unknown = None
        for key in re.split(r"\s*,\s*", parsed.group("rules")):
            rule = find_rule(key)
            if rule is None:
                unknown = key
                break
            codes.add(rule.code)
        if unknown is not None:
            index.problems.append((f"`{MARKER}` names unknown rule {unknown!r}", comment))
            continue
        reason = parsed.group("reason").strip().lstrip("-—:").strip()
        if not reason:
            index.problems.append((f"`{MARKER} {parsed.group('rules')}` needs a reason", comment))
            continue
        if match.group("file"):
            index.suppressions.append(Suppression(frozenset(codes), reason, comment, None))
            continue
        statement = _target(comment, script.statements)
        if statement is None:
            index.problems.append((f"`{MARKER}` is not followed by a statement it could apply to", comment))
            continue
        index.suppressions.append(Suppression(frozenset(codes), reason, comment, statement))
    return index
