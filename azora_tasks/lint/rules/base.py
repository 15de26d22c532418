"""The rule protocol: what a rule declares and what it yields.

A rule is one class with a stable ``code`` (``AZL0NN``), a kebab-case
``name``, a default severity and a ``check`` generator.  Its docstring is its
documentation: a summary line, a "why" paragraph, then ``Bad:`` and ``Good:``
sections with indented Prisma examples.  The docs page is rendered from those
docstrings and the examples are themselves tested, so they cannot rot.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from azora_tasks.lint.cancel import Cancel, check_cancelled
from azora_tasks.lint.edits import Edit
from azora_tasks.lint.schema_facts import SchemaFacts
from azora_tasks.lint.syntax import Block, Field, Node, Schema
from azora_tasks.rulebook.rules import RuleDoc


@dataclass(frozen=True)
class Violation:
    """What a rule reports; the engine turns it into a :class:`Finding`.

    ``block``/``field`` say what the violation is *about* (used to match
    inline suppressions), ``node`` where to point (defaults to the field
    name, else the block name).
    """

    message: str
    block: Block
    field: Field | None = None
    node: Node | None = None
    fix: str | None = None
    member: str | None = None  # enum value, missing field or other named member (suppressions, baseline)
    edits: tuple[Edit, ...] = ()  # what `validate --fix` may apply (see azora_tasks.lint.edits)

    def location(self) -> tuple[int, int, int, int]:
        if self.node is not None:
            n = self.node
            return n.line, n.column, n.end_line, n.end_column
        if self.field is not None:
            f = self.field
            return f.line, f.column, f.line, f.column + len(f.name)
        b = self.block
        return b.name_line, b.name_column, b.name_line, b.name_column + len(b.name)


@dataclass
class RuleContext:
    """What a rule may look at: the schema, derived facts and the provider."""

    schema: Schema
    facts: SchemaFacts
    provider: str | None

    cancel: Cancel | None = None

    def models(self) -> Iterator[Block]:
        """The schema's models; looks at the cancel flag before each one (Ctrl-C stops a long lint)."""
        for block in self.schema.blocks:
            if block.kind == "model":
                check_cancelled(self.cancel)
                yield block

    def blocks(self, *kinds: str) -> Iterator[Block]:
        """Blocks of the given kinds (all when none given), with the same cancel check."""
        for block in self.schema.blocks:
            if not kinds or block.kind in kinds:
                check_cancelled(self.cancel)
                yield block


class Rule(RuleDoc):
    """Base class of every lint rule (one subclass per rule); identity and docs come from :class:`RuleDoc`."""

    fixable: ClassVar[str] = ""
    """What ``validate --fix`` does for this rule (shown in docs/lint-rules.md); empty = manual only."""

    def check(self, ctx: RuleContext) -> Iterator[Violation]:  # pragma: no cover - abstract
        raise NotImplementedError
