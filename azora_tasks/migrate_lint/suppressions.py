"""Inline suppressions in migration SQL: `-- azora-lint-ignore CODE[,CODE] reason`.

* on its own line: the next statement;
* after a statement on the same line: that statement;
* `-- azora-lint-ignore-file CODE reason` anywhere: the whole file (the only
  way to silence findings that are about the file, not a statement, such as
  AZM001).

A reason is required (the grammar is `azora_tasks.rulebook.suppressions`, shared with the schema lint). A directive without one, naming an unknown rule, or
with no statement after it suppresses nothing and is reported as AZM090.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from azora_tasks.migrate_lint.rules import find_rule
from azora_tasks.migrate_lint.sql import Comment, Script, Statement
from azora_tasks.rulebook.suppressions import MARKER, parse_directive


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
        directive = parse_directive(comment.text, "file", find_rule)
        if directive is None:
            continue
        if isinstance(directive, str):
            index.problems.append((directive, comment))
            continue
        statement = None if directive.wider else _target(comment, script.statements)
        if statement is None and not directive.wider:
            index.problems.append((f"`{MARKER}` is not followed by a statement it could apply to", comment))
            continue
        index.suppressions.append(Suppression(directive.codes, directive.reason, comment, statement))
    return index
