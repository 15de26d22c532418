"""Relation rules: foreign keys must be declared as relations and indexed."""

from __future__ import annotations

from collections.abc import Iterator

from azora_tasks.lint.edits import Edit
from azora_tasks.lint.rules.base import Rule, RuleContext, Violation
from azora_tasks.lint.syntax import Block, Field
from azora_tasks.lint.words import split_words
from azora_tasks.rulebook.findings import Severity

KEY_TYPES = frozenset({"String", "Int", "BigInt"})


def id_reference_words(f: Field) -> list[str] | None:
    """Words before ``Id`` for a scalar key-like field (``courseId`` → ``["course"]``), else None."""
    if f.type.name not in KEY_TYPES or f.type.list:
        return None
    words = split_words(f.name)
    if len(words) < 2 or words[-1] != "id":
        return None
    return words[:-1]


def referenced_model(ctx: RuleContext, f: Field) -> str | None:
    """The model a ``<model>Id`` field names, if that model exists in the schema."""
    words = id_reference_words(f)
    if words is None:
        return None
    return ctx.facts.models_by_folded_name.get("".join(words))


class RelationDefined(Rule):
    """A `<model>Id` field pointing at a model of the same schema is backed by a `@relation`.

    Without `@relation(fields: [courseId], references: [id])` the database
    has no foreign key: rows can point at deleted courses and Prisma offers
    no `include`.  Fields named after a model that is *not* in the schema
    (another service's `userId`) are cross-service references and are
    left to AZL006.  Matching is on the whole prefix: `courseId` → `Course`,
    `refreshTokenId` → `RefreshToken`; `authorId` is not matched to `User`.

    Bad:

        model Lesson {
          id       String @id @default(uuid())
          courseId String
        }

        model Course {
          id String @id @default(uuid())
        }

    Good:

        model Lesson {
          id       String @id @default(uuid())
          courseId String
          course   Course @relation(fields: [courseId], references: [id])
        }

        model Course {
          id      String   @id @default(uuid())
          lessons Lesson[]
        }
    """

    code = "AZL005"
    name = "relation-defined"
    default_severity = Severity.ERROR

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        for model in ctx.models():
            foreign = ctx.facts.foreign_keys(model)
            for f in model.fields:
                if f.name in foreign:
                    continue
                target = referenced_model(ctx, f)
                if target is None:
                    continue
                relation_name = f.name[: -len("Id")] if f.name.endswith("Id") else target[0].lower() + target[1:]
                yield Violation(
                    f"`{f.name}` refers to model `{target}` but no @relation uses it",
                    model,
                    f,
                    fix=f"{relation_name} {target} @relation(fields: [{f.name}], references: [id])",
                )


class ForeignKeyIndex(Rule):
    """Foreign keys and cross-service `*Id` references lead some index.

    PostgreSQL does not index foreign keys by itself, so every lookup by
    `courseId` and every cascading delete of a course scans the whole
    table.  Each relation's `fields` must be the leading column(s) of an
    `@@index`, `@@unique` or `@@id`, or carry `@unique`/`@id` (a
    compound key may be led in any column order).  A scalar ending in
    `Id` that is not part of any relation (`userId String` referring to
    another service, per the spec's "User Reference" pattern) needs an
    index too.  An index on `(b, a)` does not serve lookups by `a`.

    Bad:

        model Enrollment {
          id     String @id @default(uuid())
          userId String
        }

    Good:

        model Enrollment {
          id     String @id @default(uuid())
          userId String

          @@index([userId])
        }
    """

    code = "AZL006"
    name = "foreign-key-index"
    default_severity = Severity.WARNING
    fixable = "Adds `@@index([<foreign key columns>])` to the model."

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        for model in ctx.models():
            yield from self._relations(ctx, model)
            foreign = ctx.facts.foreign_keys(model)
            for f in model.fields:
                if f.name in foreign or id_reference_words(f) is None:
                    continue
                if not ctx.facts.has_leading_index(model, (f.name,)):
                    yield Violation(
                        f"`{f.name}` references another record but no index starts with it",
                        model,
                        f,
                        fix=f"@@index([{f.name}])",
                        edits=(Edit.add_block_attribute(model.name, f"@@index([{f.name}])"),),
                    )

    def _relations(self, ctx: RuleContext, model: Block) -> Iterator[Violation]:
        seen: set[tuple[str, ...]] = set()
        for relation in ctx.facts.relations(model):
            keys = relation.fields
            if not keys or keys in seen:
                continue
            seen.add(keys)
            if ctx.facts.has_leading_index(model, keys):
                continue
            columns = ", ".join(keys)
            scalar = model.field(keys[0]) if len(keys) == 1 else None
            yield Violation(
                f"foreign key [{columns}] of relation `{relation.field.name}` has no index",
                model,
                scalar or relation.field,
                node=None if scalar else relation.attribute,
                fix=f"@@index([{columns}])",
                edits=(Edit.add_block_attribute(model.name, f"@@index([{columns}])"),),
            )
