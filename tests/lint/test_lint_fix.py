"""`--fix`: mechanical edits applied through the parser's positions, laid out like `prisma format`."""

from __future__ import annotations

import textwrap

import pytest
import wasm_tools

from azora_tasks.lint import RULES, LintConfig, lint_text
from azora_tasks.lint.fixer import fix_sources
from azora_tasks.lint.layout import model_layout
from azora_tasks.lint.parser import parse_schema
from azora_tasks.lint.synthetic import foreign_schema

FIXABLE = {r.code for r in RULES if r.fixable}


def fixed(text: str, *, unsafe: bool = False, config: LintConfig | None = None) -> str:
    result = lint_text(text, "s.prisma", config=config)
    return fix_sources({"s.prisma": text}, result.findings, unsafe=unsafe).texts.get("s.prisma", text)


HAND_WRITTEN = textwrap.dedent(
    """\
    datasource db {
      provider = "postgresql"
      url      = "postgresql://postgres@127.0.0.1:5432/shop"
    }

    model User {
      id        String    @id @default(uuid())
      email     String    @unique // login
      createdAt DateTime  @default(now())
      updatedAt DateTime  @updatedAt
      deletedAt DateTime?
      orders    Order[]

      @@map("users")
    }

    model Order {
      id        String    @id
      userId    String
      // money stays manual
      total     Float
      deletedAt DateTime?
      user      User      @relation(fields: [userId], references: [id])
    }
    """
)


def test_every_mechanical_fix_in_one_model():
    text = fixed(HAND_WRITTEN, unsafe=True)
    order = text[text.index("model Order") :]
    assert order == textwrap.dedent(
        """\
        model Order {
          id        String    @id @default(uuid())
          userId    String
          // money stays manual
          total     Float
          createdAt DateTime  @default(now())
          updatedAt DateTime  @default(now()) @updatedAt
          deletedAt DateTime?
          user      User      @relation(fields: [userId], references: [id])

          @@index([userId])
          @@map("orders")
        }
        """
    )
    assert text[: text.index("model Order")] == HAND_WRITTEN[: HAND_WRITTEN.index("model Order")]  # nothing else moved
    remaining = {f.code for f in lint_text(text, "s.prisma").findings}
    assert remaining == {"AZL008"}  # Float money is a data change: manual


def test_table_renames_need_unsafe_fixes():
    text = fixed(HAND_WRITTEN)
    assert '@@map("orders")' not in text and "@@index([userId])" in text
    findings = lint_text(text, "s.prisma").findings
    (table,) = [f for f in findings if f.code == "AZL007"]
    assert table.fixable == "unsafe"


def test_map_that_keeps_the_table_name_is_safe_and_a_taken_name_is_not_fixed():
    schema = "model orders {\n  id String @id @default(uuid())\n}\n\nmodel Order {\n  id String @id @default(uuid())\n}\n"
    config = LintConfig.from_mapping({"select": ["table-map"]})
    findings = lint_text(schema, "s.prisma", config=config).findings
    by_model = {f.model: f for f in findings if f.code == "AZL007"}
    assert by_model["orders"].fixable == "safe"  # @@map("orders") on model `orders`: same table
    assert by_model["Order"].fixable is None  # "orders" is taken by the other model: Prisma would reject it
    assert '@@map("orders")' in fixed(schema, config=config)


def test_existing_attributes_are_kept_and_extended():
    schema = textwrap.dedent(
        """\
        model Session {
          id        String   @id @db.Uuid
          createdAt DateTime @db.Timestamptz(6)
          updatedAt DateTime
          deletedAt DateTime?

          @@index([createdAt])
          @@map("sessions")
        }
        """
    )
    text = fixed(schema)
    assert "  id        String    @id @default(uuid()) @db.Uuid\n" in text
    assert "  createdAt DateTime  @default(now()) @db.Timestamptz(6)\n" in text
    assert "  updatedAt DateTime  @updatedAt\n" in text
    assert lint_text(text, "s.prisma").findings == []


def test_second_fix_is_a_no_op_on_foreign_schemas():
    for number in range(1, 41):
        text = foreign_schema(number)
        once = fixed(text, unsafe=True)
        assert once != text
        result = lint_text(once, "s.prisma")
        assert not [f for f in result.findings if f.edits], number
        assert fix_sources({"s.prisma": once}, result.findings, unsafe=True).texts == {}


def test_models_the_layout_cannot_read_are_left_alone():
    schema = "model Order {\n  id String @id\n  /* block\n  comment */\n  title String\n}\n"
    result = lint_text(schema, "s.prisma")
    change = fix_sources({"s.prisma": schema}, result.findings)
    assert change.texts == {} and change.failed and "Order" in change.failed[0]


@pytest.mark.parametrize("number", range(1, 21))
def test_layout_reproduces_formatted_models_exactly(number):
    text = foreign_schema(number)
    lines = text.split("\n")
    for block in parse_schema(text).models:
        assert model_layout(block, lines).render() == lines[block.line - 1 : block.end_line]


def test_layout_matches_prisma_format_on_messy_input():
    messy = textwrap.dedent(
        """\
        model Post {
          id String @id @default(  uuid( ) )
          @@index(fields:[authorId],  name:"by_author")
          authorId String // who wrote it
          /// the body
          body String?   @db.Text


          author User @relation(fields:[authorId],references:[id],onDelete:Cascade)
          @@map("posts")
        }

        model User {
          id    String @id @default(uuid())
          posts Post[]
        }
        """
    )
    lines = messy.split("\n")
    block = parse_schema(messy).models[0]
    ours = "\n".join(model_layout(block, lines).render())
    formatted = wasm_tools.check({"s.prisma": messy})["s.prisma"]["formatted"]
    assert formatted is not None and ours in formatted, (ours, formatted)


@pytest.mark.prisma
def test_fixed_foreign_schemas_are_prisma_valid_and_prisma_formatted():
    originals = {f"svc-{n:03d}.prisma": foreign_schema(n) for n in range(1, 61)}
    fixed_texts = {path: fixed(text, unsafe=True) for path, text in originals.items()}
    verdicts = wasm_tools.check(fixed_texts)
    for path, verdict in verdicts.items():
        assert verdict["error"] is None, (path, verdict["error"])
        assert verdict["formatted"] == fixed_texts[path], path  # `prisma format` would change nothing
    formatted = wasm_tools.check(originals)  # once: called inside the comprehension it ran Node once per schema
    assert all(formatted[p]["formatted"] == t for p, t in originals.items())  # inputs were formatted too
