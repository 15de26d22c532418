"""Timestamp rules: audit columns, soft delete and temporal field types."""

from __future__ import annotations

from collections.abc import Iterator

from azora_tasks.lint.edits import Edit
from azora_tasks.lint.rules.base import Rule, RuleContext, Violation
from azora_tasks.lint.syntax import (
    SCALAR_TYPES,
    Block,
    Field,
    FunctionCall,
    StringValue,
)
from azora_tasks.lint.words import split_words
from azora_tasks.rulebook.findings import Severity

AUDIT_FIELDS = frozenset({"createdAt", "updatedAt", "deletedAt"})
CREATED_AT = ("createdAt", "DateTime", "@default(now())")
UPDATED_AT = ("updatedAt", "DateTime", "@default(now()) @updatedAt")
DELETED_AT = ("deletedAt", "DateTime?")
BOOLEAN_PREFIXES = frozenset({"is", "has", "can", "should", "was", "will", "did", "needs", "allow", "enable"})


def _is_now_default(f: Field) -> bool:
    default = f.attribute("default")
    value = default.arg("value", 0) if default else None
    if isinstance(value, FunctionCall) and value.name == "now":
        return True
    if isinstance(value, FunctionCall) and value.name == "dbgenerated" and value.args:
        sql = value.args[0].value
        return isinstance(sql, StringValue) and any(word in sql.value.lower() for word in ("now()", "current_timestamp"))
    return False


def _type_problem(f: Field, *, optional: bool) -> str | None:
    """Why ``f`` is not a ``DateTime`` with the wanted optionality, or None."""
    if f.type.name != "DateTime" or f.type.list:
        return f"`{f.name}` is `{f.type.name}{'[]' if f.type.list else ''}`, not DateTime"
    if f.type.optional and not optional:
        return f"`{f.name}` must be required (remove `?`)"
    if optional and not f.type.optional:
        return f"`{f.name}` must be nullable (`DateTime?`): NULL means not deleted"
    return None


class Timestamps(Rule):
    """Models have `createdAt DateTime @default(now())` and `updatedAt DateTime @updatedAt`.

    Audit timestamps answer "when did this change" during incidents and
    make incremental syncs possible.  Both must be required `DateTime`s,
    `createdAt` defaulting to `now()` and `updatedAt` carrying `@updatedAt`
    so Prisma maintains them.  Pure join tables (composite `@@id` made of
    foreign keys) only need `createdAt`: their rows are never updated.

    Bad:

        model Course {
          id        String   @id @default(uuid())
          createdAt DateTime
        }

    Good:

        model Course {
          id        String   @id @default(uuid())
          createdAt DateTime @default(now())
          updatedAt DateTime @updatedAt
        }
    """

    code = "AZL002"
    name = "timestamps"
    default_severity = Severity.ERROR
    fixable = (
        "Adds a missing `createdAt DateTime @default(now())` and `updatedAt DateTime @default(now()) @updatedAt` "
        "(the default lets the migration fill existing rows), a missing `@default(now())` and a missing "
        "`@updatedAt`. A wrong type or another default stays manual."
    )

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        for model in ctx.models():
            needs_updated = not ctx.facts.is_join_table(model)
            if model.field("createdAt") is None and needs_updated and model.field("updatedAt") is None:
                # One finding, not two: the model lacks its timestamps (one thing to fix).
                yield Violation(
                    f"model `{model.name}` has no `createdAt`/`updatedAt` timestamps",
                    model,
                    fix="createdAt DateTime @default(now()) and updatedAt DateTime @updatedAt",
                    edits=(Edit.add_field(model.name, *CREATED_AT), Edit.add_field(model.name, *UPDATED_AT)),
                )
                continue
            yield from self._created(model)
            if needs_updated:
                yield from self._updated(model)

    def _created(self, model: Block) -> Iterator[Violation]:
        f = model.field("createdAt")
        if f is None:
            yield Violation(
                f"model `{model.name}` has no `createdAt`",
                model,
                member="createdAt",
                fix="createdAt DateTime @default(now())",
                edits=(Edit.add_field(model.name, *CREATED_AT),),
            )
            return
        problem = _type_problem(f, optional=False)
        if problem:
            yield Violation(problem, model, f, node=f.type, fix="createdAt DateTime @default(now())")
        elif not _is_now_default(f):
            edits = () if f.attribute("default") else (Edit.add_field_attribute(model.name, f.name, "@default(now())"),)
            yield Violation("`createdAt` must default to now()", model, f, fix="@default(now())", edits=edits)

    def _updated(self, model: Block) -> Iterator[Violation]:
        f = model.field("updatedAt")
        if f is None:
            yield Violation(
                f"model `{model.name}` has no `updatedAt`",
                model,
                member="updatedAt",
                fix="updatedAt DateTime @updatedAt",
                edits=(Edit.add_field(model.name, *UPDATED_AT),),
            )
            return
        problem = _type_problem(f, optional=False)
        if problem:
            yield Violation(problem, model, f, node=f.type, fix="updatedAt DateTime @updatedAt")
        elif f.attribute("updatedAt") is None:
            yield Violation(
                "`updatedAt` must carry @updatedAt", model, f, fix="@updatedAt", edits=(Edit.add_field_attribute(model.name, f.name, "@updatedAt"),)
            )


class SoftDelete(Rule):
    """Models support soft delete with a nullable `deletedAt DateTime?`.

    Rows are hidden, not destroyed, so that references from other services
    stay resolvable and deletions can be audited or undone.  `deletedAt` is
    NULL while the row is live, so it must be optional and have no default.
    Pure join tables (composite `@@id` made of foreign keys) are exempt:
    removing a link is not deleting data.

    Bad:

        model Course {
          id        String   @id @default(uuid())
          deletedAt DateTime
        }

    Good:

        model Course {
          id        String    @id @default(uuid())
          deletedAt DateTime?
        }
    """

    code = "AZL003"
    name = "soft-delete"
    default_severity = Severity.WARNING
    fixable = "Adds a missing `deletedAt DateTime?`. A wrong type or a default stays manual."

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        for model in ctx.models():
            if ctx.facts.is_join_table(model):
                continue
            f = model.field("deletedAt")
            if f is None:
                yield Violation(
                    f"model `{model.name}` has no `deletedAt` for soft delete",
                    model,
                    member="deletedAt",
                    fix="deletedAt DateTime?",
                    edits=(Edit.add_field(model.name, *DELETED_AT),),
                )
                continue
            problem = _type_problem(f, optional=True)
            if problem:
                yield Violation(problem, model, f, node=f.type, fix="deletedAt DateTime?")
            elif f.attribute("default") is not None:
                yield Violation(
                    "`deletedAt` must not have a default: a new row is not deleted", model, f, node=f.attribute("default"), fix="deletedAt DateTime?"
                )


class TimestampType(Rule):
    """Fields named `*At`, `*Date`, `*Time` or `timestamp` are `DateTime`.

    Points in time stored as strings or epoch integers sort wrongly, lose
    their time zone and cannot use date functions or range indexes.
    `*At`, `*Date` and `timestamp` fields must be `DateTime` (use
    `@db.Date` for a calendar date).  `*Time` fields are only flagged when
    they are `String`, `Boolean` or `Json`, because `Int` fields such as
    `responseTime` usually hold durations.  Flags like `isUpToDate` are
    skipped; `createdAt`/`updatedAt`/`deletedAt` are checked by AZL002/AZL003.

    Bad:

        model Invoice {
          id      String @id @default(uuid())
          dueDate String
        }

    Good:

        model Invoice {
          id      String   @id @default(uuid())
          dueDate DateTime @db.Date
        }
    """

    code = "AZL009"
    name = "timestamp-type"
    default_severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        for block in ctx.blocks():
            if block.kind not in ("model", "view", "type"):
                continue
            for f in block.fields:
                if f.name in AUDIT_FIELDS or f.type.name == "DateTime":
                    continue
                if f.type.name not in SCALAR_TYPES:
                    continue
                words = split_words(f.name)
                if not words or words[0] in BOOLEAN_PREFIXES:
                    continue
                last = words[-1]
                strict = (last == "at" and len(words) > 1) or last in ("date", "timestamp")
                loose = last == "time" and f.type.name in ("String", "Boolean", "Json")
                if strict or loose:
                    yield Violation(
                        f"`{f.name}` holds a point in time but is `{f.type.name}`; use DateTime",
                        block,
                        f,
                        node=f.type,
                        fix=f"{f.name} DateTime{'?' if f.type.optional else ''}",
                    )
