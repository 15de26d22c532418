"""Shared helpers for the schema-lint tests (imported as a plain module)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from azora_tasks.lint import RULES, LintConfig, LintResult, lint_text

DATA = Path(__file__).resolve().parent / "data"

CLEAN_SCHEMA = textwrap.dedent(
    """\
    datasource db {
      provider = "postgresql"
      url      = env("DATABASE_URL")
    }

    generator client {
      provider = "prisma-client-js"
    }

    enum CourseStatus {
      DRAFT
      PUBLISHED
    }

    model Course {
      id        String       @id @default(uuid()) @db.Uuid
      title     String       @db.VarChar(200)
      status    CourseStatus @default(DRAFT)
      price     Decimal      @db.Decimal(12, 2)
      ownerId   String       @db.Uuid
      lessons   Lesson[]
      createdAt DateTime     @default(now())
      updatedAt DateTime     @updatedAt
      deletedAt DateTime?

      @@index([ownerId])
      @@map("courses")
    }

    model Lesson {
      id        String    @id @default(uuid(7)) @db.Uuid
      courseId  String    @db.Uuid
      course    Course    @relation(fields: [courseId], references: [id])
      position  Int
      createdAt DateTime  @default(now())
      updatedAt DateTime  @updatedAt
      deletedAt DateTime?

      @@index([courseId, position])
      @@map("lessons")
    }
    """
)
"""A schema that follows the whole checklist: no rule may fire on it."""


def only(*keys: str) -> LintConfig:
    """A config with only the named rules enabled (at their default severity, or error if off by default)."""
    wanted = {k.lower() for k in keys}
    return LintConfig.from_mapping({r.code: ("error" if r.code.lower() in wanted or r.name in wanted else "off") for r in RULES})


def lint_only(text: str, *rules: str, provider: str | None = None) -> LintResult:
    return lint_text(textwrap.dedent(text), "schema.prisma", config=only(*rules), provider=provider)


def positions(result: LintResult) -> list[tuple[str, int, int]]:
    return [(f.code, f.line, f.column) for f in result.findings]
