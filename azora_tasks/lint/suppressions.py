"""Inline suppressions: ``/// azora-lint-ignore <rule> <reason>``.

Where a suppression applies depends on where the comment sits:

* on the line(s) directly above a field or enum value, or at the end of its
  line → that field/value only;
* directly above ``model X {``, or on its own line inside the body (not
  directly above a field), or at the end of a block-attribute line → the
  whole model, fields included;
* ``azora-lint-ignore-model`` anywhere in or directly above a model → the
  whole model.

``<rule>`` is a code or a name, several may be comma separated.  A reason
is required: without one, or with an unknown rule, or when the comment is
attached to nothing, the suppression is void and reported as AZL090.
``//`` and ``///`` comments are both accepted. The directive's grammar is
:mod:`azora_tasks.rulebook.suppressions` (shared with the migration lint).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from azora_tasks.lint.rules import Violation, find_rule
from azora_tasks.lint.syntax import Block, Comment, Schema
from azora_tasks.rulebook.suppressions import MARKER, parse_directive


@dataclass
class Suppression:
    """One valid suppression comment and how many findings it silenced."""

    codes: frozenset[str]
    reason: str
    comment: Comment
    path: str
    block: str
    member: str | None  # field or enum value name; None = the whole block
    used_codes: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class SuppressionProblem:
    """A void suppression comment, reported as AZL090 at the comment."""

    message: str
    path: str
    comment: Comment


@dataclass
class SuppressionIndex:
    """All suppressions of a schema, ready to match violations against."""

    suppressions: list[Suppression] = field(default_factory=list)
    problems: list[SuppressionProblem] = field(default_factory=list)
    _by_block: dict[tuple[str, str], list[Suppression]] | None = field(default=None, repr=False)

    def match(self, code: str, violation: Violation) -> Suppression | None:
        """The suppression silencing ``violation`` of rule ``code``, if any (and count it)."""
        block = violation.block
        member = violation.field.name if violation.field is not None else violation.member
        if self._by_block is None:
            self._by_block = {}
            for suppression in self.suppressions:
                self._by_block.setdefault((suppression.path, suppression.block), []).append(suppression)
        for suppression in self._by_block.get((block.path, block.name), ()):
            if code in suppression.codes and (suppression.member is None or suppression.member == member):
                suppression.used_codes.add(code)
                return suppression
        return None


def is_directive(comment: Comment) -> bool:
    return comment.text.startswith(MARKER)


def build_index(schema: Schema) -> SuppressionIndex:
    """Find every suppression comment in ``schema`` and attach it to its target."""
    index = SuppressionIndex()
    consumed: set[int] = set()
    # Directive comments per file, in line order: each block looks up only the ones
    # inside its own lines (bisect), so the cost stays linear in the schema's size.
    directives: dict[str, tuple[list[int], list[Comment]]] = {}
    for comment in sorted((c for c in schema.comments if is_directive(c)), key=lambda c: (c.line, c.column)):
        lines, found = directives.setdefault(_path_of(schema, comment), ([], []))
        lines.append(comment.line)
        found.append(comment)

    def add(comment: Comment, block: Block, member: str | None) -> None:
        consumed.add(id(comment))
        directive = parse_directive(comment.text, "model", find_rule)
        if isinstance(directive, str):
            index.problems.append(SuppressionProblem(directive, block.path, comment))
        elif directive is not None:
            target = None if directive.wider else member
            index.suppressions.append(Suppression(directive.codes, directive.reason, comment, block.path, block.name, target))

    for block in schema.blocks:
        for comment in block.comments:
            if is_directive(comment):
                add(comment, block, None)
        members = [(f.name, tuple(f.comments), f.trailing_comment) for f in block.fields]
        members += [(v.name, tuple(v.comments), None) for v in block.values]
        for name, comments, trailing in members:
            for comment in comments:
                if is_directive(comment):
                    add(comment, block, name)
            if trailing is not None and is_directive(trailing):
                add(trailing, block, name)
        lines, in_file = directives.get(block.path, ([], []))
        for comment in in_file[bisect.bisect_left(lines, block.line) : bisect.bisect_right(lines, block.end_line)]:
            if id(comment) not in consumed:
                add(comment, block, None)

    for comment in schema.comments:
        if id(comment) not in consumed and is_directive(comment):
            path = _path_of(schema, comment)
            index.problems.append(SuppressionProblem(f"`{MARKER}` is not attached to a model or field", path, comment))
    return index


def _path_of(schema: Schema, comment: Comment) -> str:
    return comment.path or (schema.paths[0] if schema.paths else "schema.prisma")
