"""Robustness: hundreds of generated hand-written-style schemas, valid and mangled.

Valid generated schemas must parse (no AZL000); mangled ones may produce
AZL000 but the lint must never raise, and every finding must point inside
the file at a registered rule.
"""

from __future__ import annotations

import random
import textwrap

import pytest

from azora_tasks.lint import RULES, LintConfig, lint_text
from azora_tasks.lint.formats import format_human, format_junit, to_sarif

CODES = {r.code for r in RULES}
EVERYTHING = LintConfig.from_mapping({r.code: "warning" for r in RULES})

TYPES = ["String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"]
NAMES = [
    "title",
    "status",
    "type",
    "price",
    "amount",
    "totalAmount",
    "expiresAt",
    "birthDate",
    "startTime",
    "userId",
    "ownerId",
    "email",
    "role",
    "state",
    "city",
    "kind",
    "fee",
    "balance",
    "note",
    "slug",
    "first_name",
    "Display",
    "isActive",
    "contentType",
    "paymentStatus",
    "timestamp",
    "tags",
]
ATTRS = [
    "",
    "@unique",
    "@default(now())",
    '@default("x")',
    "@default(0)",
    "@db.VarChar(255)",
    "@db.Text",
    '@map("col")',
    "@default(uuid())",
    "@updatedAt",
    '@default(dbgenerated("gen_random_uuid()"))',
]
COMMENTS = ["", "// note", "/// doc comment", "// azora-lint-ignore AZL008 reason here", "/// azora-lint-ignore soft-delete", "/* block */"]
PROVIDERS = ["postgresql", "mysql", "sqlite", "sqlserver", "cockroachdb", "mongodb"]
ID_LINES = [
    "id String @id @default(uuid())",
    "id String @id @default(cuid())",
    "id Int @id @default(autoincrement())",
    "id String @id @default(uuid(7)) @db.Uuid",
    'id String @id @default(auto()) @map("_id") @db.ObjectId',
    "",
    "id String? @id",
]


def generate_schema(rng: random.Random) -> str:
    models = [
        f"Model{i}" if rng.random() < 0.3 else rng.choice(["Course", "Lesson", "User", "Order", "Category", "Address", "Users", "refresh_token"]) + str(i)
        for i in range(rng.randint(1, 4))
    ]
    parts = []
    if rng.random() < 0.8:
        parts.append(f'datasource db {{\n  provider = "{rng.choice(PROVIDERS)}"\n  url      = env("DATABASE_URL")\n}}\n')
    if rng.random() < 0.5:
        parts.append('generator client {\n  provider = "prisma-client-js"\n  previewFeatures = ["views"]\n}\n')
    if rng.random() < 0.5:
        parts.append('enum Status {\n  ACTIVE\n  inactive @map("x")\n  @@map("statuses")\n}\n')
    for name in models:
        lines = [rng.choice(ID_LINES)]
        used = {"id"}
        for _ in range(rng.randint(0, 8)):
            field = rng.choice(NAMES)
            if field in used:
                continue
            used.add(field)
            type_ = rng.choice(TYPES + ["Status"] if "enum Status" in "".join(parts) else TYPES)
            modifier = rng.choice(["", "", "?", "[]"]) if type_ not in ("Json",) else ""
            comment = rng.choice(COMMENTS)
            if comment:
                lines.append(comment)
            lines.append(f"{field} {type_}{modifier} {rng.choice(ATTRS)}".rstrip())
        if rng.random() < 0.5:
            lines += ["createdAt DateTime @default(now())", "updatedAt DateTime @updatedAt"]
        if rng.random() < 0.4:
            lines.append("deletedAt DateTime?")
        other = rng.choice(models)
        if other != name and rng.random() < 0.5 and "id String" in lines[0]:
            fk = other[0].lower() + other[1:] + "Id"
            if fk not in used:
                lines += [f"{fk} String", f"rel{other} {other} @relation(fields: [{fk}], references: [id])"]
        if rng.random() < 0.4:
            lines.append(
                rng.choice(
                    ["@@index([userId])", '@@index([email, title(sort: Desc)], map: "x")', "@@unique([slug])", "@@index([\n    userId,\n    ownerId\n  ])"]
                )
            )
        if rng.random() < 0.6:
            lines.append(f'@@map("{rng.choice(["courses", "lesson", "Users", "user_roles"])}")')
        body = "\n".join("  " + line if line else "" for line in lines)
        parts.append(f"model {name} {{\n{body}\n}}\n")
    return "\n".join(parts)


def mangle(text: str, rng: random.Random) -> str:
    operations = [
        lambda t: t[: rng.randint(0, len(t))],
        lambda t: _splice(t, rng, rng.choice(list('{}()[]@"/*\n?:,=.\\') + ["@@", "//", "/*", "\u00e9", "\x00", "\t"])),
        lambda t: _splice(t, rng, "", delete=rng.randint(1, 6)),
        lambda t: "\n".join(rng.sample(t.splitlines(), len(t.splitlines()))),
        lambda t: t.replace("}", "", 1),
        lambda t: t.replace('"', "", 1),
        lambda t: t + rng.choice(["model", "model X {", "enum", "@@index(", "\u2603", "/*"]),
        lambda t: "".join(rng.choice('model{}[]()@=?"/ \nabcXYZ0123') for _ in range(rng.randint(0, 200))),
    ]
    for _ in range(rng.randint(1, 3)):
        text = rng.choice(operations)(text)
    return text


def _splice(text: str, rng: random.Random, insert: str, delete: int = 0) -> str:
    at = rng.randint(0, len(text))
    return text[:at] + insert + text[at + delete :]


def check_findings(text: str, result) -> None:  # type: ignore[no-untyped-def]
    line_count = max(1, text.replace("\r\n", "\n").count("\n") + 1)
    for finding in result.findings:
        assert finding.code in CODES
        assert 1 <= finding.line <= line_count + 1, finding
        assert finding.column >= 1, finding
        assert "internal error" not in finding.message, finding


@pytest.mark.parametrize("seed", range(150))
def test_generated_valid_schemas_parse_and_lint(seed):
    rng = random.Random(seed)
    text = generate_schema(rng)
    result = lint_text(text, f"gen{seed}.prisma", config=EVERYTHING)
    assert not [f for f in result.findings if f.code == "AZL000"], (text, result.findings)
    check_findings(text, result)


@pytest.mark.parametrize("seed", range(150))
def test_mangled_schemas_never_crash_the_lint(seed):
    rng = random.Random(10_000 + seed)
    text = mangle(generate_schema(rng), rng)
    result = lint_text(text, f"mangled{seed}.prisma", config=EVERYTHING)
    check_findings(text, result)
    format_human(result)
    format_junit({"svc": result})
    to_sarif(result)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "}",
        "{",
        "model",
        "model A",
        "model A {",
        "@@",
        "///",
        "/*",
        '"',
        "model A {\n  a\n}",
        "model A {\n  a String @\n}",
        "model A {\n  a String @default(\n}",
        "model A { id String @id }",
        "enum E {\n}\n",
        "model A {\n}\n",
        "datasource db {\n}\n",
        "\ufeffmodel A {\n  id String @id\n}\n",
        "model A {\n  a String @default([[[[[[[[[[]]]]]]]]]])\n}\n",
        "x" * 10_000,
        "model A {\n" + "  f String\n" * 2000 + "}\n",
        "model A {\n  a String @default(" + "(" * 5000 + "\n}",
        textwrap.dedent("""\
            model A {
              id String @id
              a  B @relation(fields: [], references: [])
              c  C @relation(fields: x, references: y)
              d  D @relation("name")
              @@index([])
              @@index(fields: [])
              @@map()
              @@id()
            }
            """),
    ],
)
def test_edge_cases_never_crash(text):
    result = lint_text(text, "edge.prisma", config=EVERYTHING)
    check_findings(text, result)
