"""Naming rules: table mapping and the casing of models, enums and fields."""

from __future__ import annotations

import re
from collections.abc import Iterator

from azora_tasks.lint.edits import Edit
from azora_tasks.lint.rules.base import Rule, RuleContext, Violation
from azora_tasks.lint.syntax import EnumValue, Identifier, StringValue
from azora_tasks.lint.words import (
    CAMEL_CASE,
    KNOWN_PLURALS,
    PASCAL_CASE,
    SNAKE_CASE,
    is_plural_word,
    snake_plural,
    split_words,
)
from azora_tasks.rulebook.findings import Severity


def _pascal(name: str) -> str:
    return "".join(w.capitalize() for w in split_words(name)) or name


def _camel(name: str) -> str:
    pascal = _pascal(name)
    return pascal[:1].lower() + pascal[1:]


class TableMap(Rule):
    """Models map to a snake_case plural table: `@@map("refresh_tokens")`.

    Databases are shared with SQL tooling, BI and other languages where
    `"RefreshToken"` needs quoting everywhere.  The expected name is the
    snake_case plural of the model (`RefreshToken` → `refresh_tokens`,
    `Category` → `categories`, `Address` → `addresses`).  Plurals are
    judged leniently: any snake_case name whose last word reads as a plural
    (`people`, `media`, `user_settings`, `statuses`) is accepted even if it
    differs from the computed one; singular names such as `address` or
    `status` are findings.  `@@map(name: "...")` is accepted.

    Bad:

        model RefreshToken {
          id String @id
        }

    Good:

        model RefreshToken {
          id String @id

          @@map("refresh_tokens")
        }
    """

    code = "AZL007"
    name = "table-map"
    default_severity = Severity.WARNING
    fixable = (
        'Adds or corrects `@@map("<snake_case plural>")` — an *unsafe* fix (`--unsafe-fixes`) when it '
        "renames the table, because the migration must then rename it too (Prisma would drop and re-create it). "
        "Skipped when another model already uses that table name."
    )

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        tables = _table_names(ctx)
        for model in ctx.models():
            expected = snake_plural(model.name)
            maps = model.block_attributes("map")
            free = tables.get(expected, model.name) == model.name
            if not maps:
                edit = Edit.add_block_attribute(model.name, f'@@map("{expected}")', safe=model.name == expected)
                yield Violation(f"model `{model.name}` has no @@map table name", model, fix=f'@@map("{expected}")', edits=(edit,) if free else ())
                continue
            replace = (Edit.replace_block_attribute(model.name, "map", f'@@map("{expected}")', safe=False),) if free else ()
            value = maps[0].arg("name", 0)
            if not isinstance(value, StringValue):
                yield Violation("@@map needs a string table name", model, node=maps[0], fix=f'@@map("{expected}")')
                continue
            table = value.value
            if not SNAKE_CASE.match(table):
                yield Violation(f'table name "{table}" is not snake_case', model, node=value, fix=f'@@map("{expected}")', edits=replace)
                continue
            last = table.rsplit("_", 1)[-1]
            if table != expected and last not in KNOWN_PLURALS and not is_plural_word(last):
                yield Violation(f'table name "{table}" is not plural', model, node=value, fix=f'@@map("{expected}")', edits=replace)


def _table_names(ctx: RuleContext) -> dict[str, str]:
    """Table name -> the model that uses it (its ``@@map`` or, without one, its own name)."""
    tables: dict[str, str] = {}
    for block in ctx.schema.blocks:
        if block.kind not in ("model", "view"):
            continue
        maps = block.block_attributes("map")
        value = maps[0].arg("name", 0) if maps else None
        tables.setdefault(value.value if isinstance(value, StringValue) else block.name, block.name)
    return tables


class ModelNamePascalCase(Rule):
    """Model, view and type names are PascalCase (`RefreshToken`).

    Prisma generates client types from model names; `refresh_token` or
    `refreshToken` become odd TypeScript types and clash with field names.
    Use `@@map` to choose the table name instead.

    Bad:

        model refresh_token {
          id String @id
        }

    Good:

        model RefreshToken {
          id String @id
        }
    """

    code = "AZL011"
    name = "model-name-pascal-case"
    default_severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        for block in ctx.blocks():
            if block.kind in ("model", "view", "type") and not PASCAL_CASE.match(block.name):
                yield Violation(f"{block.kind} name `{block.name}` is not PascalCase", block, fix=_pascal(block.name))


class FieldNameCamelCase(Rule):
    """Field names are camelCase (`createdAt`, not `created_at`).

    Field names become client property names; snake_case or PascalCase
    fields look foreign in TypeScript and break the spec's naming patterns
    (`userId`, `createdAt`).  Map a legacy column with `@map("created_at")`.

    Bad:

        model Course {
          id         String   @id @default(uuid())
          created_at DateTime
        }

    Good:

        model Course {
          id        String   @id @default(uuid())
          createdAt DateTime @map("created_at")
        }
    """

    code = "AZL012"
    name = "field-name-camel-case"
    default_severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        for block in ctx.blocks():
            if block.kind not in ("model", "view", "type"):
                continue
            for f in block.fields:
                if not CAMEL_CASE.match(f.name):
                    yield Violation(f"field name `{f.name}` is not camelCase", block, f, fix=f'{_camel(f.name)} ... @map("{f.name}")')


class EnumNamePascalCase(Rule):
    """Enum names are PascalCase (`OrderStatus`).

    Enums become TypeScript types and PostgreSQL types; PascalCase keeps
    them distinguishable from fields and consistent with models.

    Bad:

        enum order_status {
          ACTIVE
        }

    Good:

        enum OrderStatus {
          ACTIVE
        }
    """

    code = "AZL013"
    name = "enum-name-pascal-case"
    default_severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        for enum in ctx.blocks("enum"):
            if not PASCAL_CASE.match(enum.name):
                yield Violation(f"enum name `{enum.name}` is not PascalCase", enum, fix=_pascal(enum.name))


class ModelNameSingular(Rule):
    """Model names are singular (`User`, not `Users`).

    A model describes one row; `prisma.users.findMany()` returning `Users[]`
    reads wrong, and the plural belongs to the table name (`@@map("users")`).
    Words that are singular despite a trailing `s` (`Status`, `Address`,
    `Analytics`) and uncountable words (`Data`, `Media`) are accepted.

    Bad:

        model Users {
          id String @id
        }

    Good:

        model User {
          id String @id
        }
    """

    code = "AZL014"
    name = "model-name-singular"
    default_severity = Severity.INFO

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        for model in ctx.models():
            words = split_words(model.name)
            if words and is_plural_word(words[-1]):
                yield Violation(f"model name `{model.name}` looks plural", model)


_UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")


class EnumValueUpperCase(Rule):
    """Enum values are UPPER_SNAKE_CASE (`ACTIVE`, `PAST_DUE`).

    The spec's pattern is `status Status @default(ACTIVE)`; mixing
    `active`, `Active` and `ACTIVE` across ~190 services makes values hard
    to compare across service boundaries.  Map stored values with `@map`.

    Bad:

        enum Status {
          active
        }

    Good:

        enum Status {
          ACTIVE @map("active")
        }
    """

    code = "AZL017"
    name = "enum-value-upper-case"
    default_severity = Severity.INFO

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        for enum in ctx.blocks("enum"):
            for value in enum.values:
                if not _UPPER_SNAKE.match(value.name):
                    upper = "_".join(split_words(value.name)).upper() or value.name
                    yield Violation(
                        f"enum value `{value.name}` is not UPPER_SNAKE_CASE",
                        enum,
                        node=_name_node(value),
                        fix=f'{upper} @map("{value.name}")',
                        member=value.name,
                    )


def _name_node(value: EnumValue) -> Identifier:
    """A node spanning just the enum value's name."""
    return Identifier(value.line, value.column, value.line, value.column + len(value.name), value.name)
