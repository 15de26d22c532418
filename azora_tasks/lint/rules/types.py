"""Data-type rules: enums for states, Decimal for money, bounded strings."""

from __future__ import annotations

from collections.abc import Iterator

from azora_tasks.lint.rules.base import Rule, RuleContext, Violation
from azora_tasks.lint.syntax import Attribute, Block, Field, FunctionCall, NumberValue
from azora_tasks.lint.words import (
    OPEN_ENDED_NAMES,
    STATE_WORDS,
    is_money_name,
    split_words,
)
from azora_tasks.rulebook.findings import Severity

ADDRESS_FIELDS = frozenset({"city", "country", "postalCode", "zipCode", "zip", "postcode", "countryCode"})


class EnumForStatus(Rule):
    """Status-like fields (`status`, `type`, `kind`, `role`, `state`, `*Status`, `*Type` …) use an enum.

    A `String` status accepts any typo (`"actve"`) and leaves the valid
    values undocumented; a Prisma enum is checked by the database and
    typed in the client.  Open-ended names such as `contentType`/`mimeType`
    are skipped, and so is `state` in a model with address fields (`city`,
    `country`, `postalCode` …) where it is a region name.

    Bad:

        model Order {
          id     String @id @default(uuid())
          status String @default("ACTIVE")
        }

    Good:

        enum OrderStatus {
          ACTIVE
          CANCELLED
        }

        model Order {
          id     String      @id @default(uuid())
          status OrderStatus @default(ACTIVE)
        }
    """

    code = "AZL004"
    name = "enum-for-status"
    default_severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        for block in ctx.blocks():
            if block.kind not in ("model", "view", "type"):
                continue
            is_address = any(f.name in ADDRESS_FIELDS for f in block.fields)
            for f in block.fields:
                if f.type.name not in ("String", "Int") or f.name in OPEN_ENDED_NAMES:
                    continue
                words = split_words(f.name)
                if not words or words[-1] not in STATE_WORDS:
                    continue
                if words[-1] == "state" and is_address:
                    continue
                pascal = "".join(w.capitalize() for w in words)
                enum_name = block.name + pascal if len(words) == 1 else pascal
                yield Violation(
                    f"`{f.name}` is a {f.type.name}; status/type fields should use an enum",
                    block,
                    f,
                    node=f.type,
                    fix=f"enum {enum_name} {{ ... }} and `{f.name} {enum_name}`",
                )


class MoneyDecimal(Rule):
    """Money fields (`amount`, `price`, `balance`, `fee`, `total`, `*Amount`, `*Price` …) are `Decimal`.

    Binary floating point cannot represent 0.10 exactly, so `Float` money
    drifts under addition and rounding; a string cannot be summed at all.
    Use `Decimal` (e.g. `@db.Decimal(12, 2)`).  Integer types are accepted:
    storing minor units (cents) in `Int`/`BigInt` is also exact.  Names
    are matched by their last word (or a leading `amount`), so `priceId`
    and `taxRate` are not money.

    Bad:

        model Product {
          id    String @id @default(uuid())
          price Float
        }

    Good:

        model Product {
          id    String  @id @default(uuid())
          price Decimal @db.Decimal(12, 2)
        }
    """

    code = "AZL008"
    name = "money-decimal"
    default_severity = Severity.ERROR

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        for block in ctx.blocks():
            if block.kind not in ("model", "view", "type"):
                continue
            for f in block.fields:
                if f.type.name in ("Float", "String") and is_money_name(f.name):
                    yield Violation(
                        f"money field `{f.name}` is `{f.type.name}`; use Decimal",
                        block,
                        f,
                        node=f.type,
                        fix=f"{f.name} Decimal{'?' if f.type.optional else ''} @db.Decimal(12, 2)",
                    )


BOUNDED_NATIVE = frozenset(
    {
        "VarChar",
        "Char",
        "NVarChar",
        "NChar",
        "Uuid",
        "UniqueIdentifier",
        "Inet",
        "ObjectId",
        "TinyText",
        "Bit",
        "VarBit",
    }
)
LENGTH_PROVIDERS = frozenset({"postgresql", "postgres", "mysql", "sqlserver", "cockroachdb"})
MYSQL_TEXT_TYPES = frozenset({"Text", "TinyText", "MediumText", "LongText"})


def _native_name(f: Field) -> str | None:
    native = f.native_type()
    return native.name.split(".", 1)[1] if native else None


class UnboundedString(Rule):
    """`String` fields declare a bounded native type such as `@db.VarChar(n)` (off by default).

    Like prisma-lint's `ban-unbounded-string-type`: an unbounded `text`
    column lets any API that writes it accept megabytes.  Only applies on
    providers with length-typed strings (postgresql, mysql, sqlserver,
    cockroachdb); `@db.Uuid`, `@db.Char(n)`, `@db.Inet` also count as
    bounded, `@db.Text` and `@db.VarChar(max)` do not.  Off by default
    because Prisma's own default for `String` is reasonable on most
    services; enable it per service where inputs are untrusted.

    Bad:

        datasource db {
          provider = "postgresql"
          url      = env("DATABASE_URL")
        }

        model User {
          id    String @id @default(uuid()) @db.Uuid
          email String
        }

    Good:

        datasource db {
          provider = "postgresql"
          url      = env("DATABASE_URL")
        }

        model User {
          id    String @id @default(uuid()) @db.Uuid
          email String @db.VarChar(320)
        }
    """

    code = "AZL015"
    name = "unbounded-string"
    default_severity = Severity.OFF

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        if ctx.provider not in LENGTH_PROVIDERS:
            return
        for model in ctx.models():
            for f in model.fields:
                if f.type.name != "String":
                    continue
                native = f.native_type()
                if native is not None and _native_name(f) in BOUNDED_NATIVE:
                    size = native.arg("length", 0)
                    if native.args == () or isinstance(size, NumberValue):
                        continue
                yield Violation(
                    f"String field `{f.name}` has no length limit",
                    model,
                    f,
                    node=native or f.type,
                    fix=f"{f.name} String @db.VarChar(255)",
                )


def _indexed_columns(block: Block) -> dict[str, list[Attribute]]:
    """Column name → index attributes that include it without a prefix ``length``."""
    columns: dict[str, list[Attribute]] = {}
    for attribute in block.attributes:
        if attribute.name not in ("index", "unique", "id"):
            continue
        value = attribute.arg("fields", 0)
        items = getattr(value, "items", (value,)) if value is not None else ()
        for item in items:
            if isinstance(item, FunctionCall) and any(a.name == "length" for a in item.args):
                continue
            name = getattr(item, "name", None)
            if name:
                columns.setdefault(name, []).append(attribute)
    for f in block.fields:
        for attr_name in ("id", "unique"):
            field_attribute = f.attribute(attr_name)
            if field_attribute is not None and field_attribute.arg("length") is None:
                columns.setdefault(f.name, []).append(field_attribute)
    return columns


class MysqlIndexedText(Rule):
    """On MySQL, indexed `String` columns are not `@db.Text`-family types.

    MySQL cannot index a TEXT/BLOB column without a prefix length, so the
    migration fails with "BLOB/TEXT column used in key specification
    without a key length".  Use `@db.VarChar(n)` for columns that are
    `@id`, `@unique` or part of an `@@index`/`@@unique`/`@@id`, or give the
    index a prefix: `@@index([body(length: 100)])`.  `prisma validate`
    rejects this too; the rule reports it with a position and a fix in the
    same run as every other finding, without needing the Prisma CLI.

    Bad:

        datasource db {
          provider = "mysql"
          url      = env("DATABASE_URL")
        }

        model Post {
          slug String @unique @db.Text
        }

    Good:

        datasource db {
          provider = "mysql"
          url      = env("DATABASE_URL")
        }

        model Post {
          slug String @unique @db.VarChar(191)
        }
    """

    code = "AZL016"
    name = "mysql-indexed-text"
    default_severity = Severity.ERROR

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        if ctx.provider != "mysql":
            return
        for model in ctx.models():
            indexed = _indexed_columns(model)
            for f in model.fields:
                if f.type.name == "String" and _native_name(f) in MYSQL_TEXT_TYPES and f.name in indexed:
                    yield Violation(
                        f"`{f.name}` is @db.{_native_name(f)} and indexed; MySQL needs a key length",
                        model,
                        f,
                        node=f.native_type(),
                        fix="@db.VarChar(191)",
                    )
