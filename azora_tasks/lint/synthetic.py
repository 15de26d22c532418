"""Synthetic "foreign" schemas: what hand-written Prisma schemas in a real monorepo look like.

The tests and the lint bench need trees the generator did *not* write: `cuid()`
and autoincrement ids, ids without a default, no timestamps, a `status String`,
`Float` money, relations without an index, copy-pasted models (`User`,
`AuditLog`) present in every service, no client `output`, literal PostgreSQL
URLs.  Everything is deterministic (a function of the service number), valid
for Prisma 6 and already laid out the way `prisma format` writes it, so a test
can tell a fix's layout from the input's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from azora_tasks.atomic import write_text_atomically
from azora_tasks.vocabulary import lower_first, plural

DOMAIN_MODELS = (
    "Quiz",
    "Curriculum",
    "ModuleProgress",
    "Invoice",
    "Order",
    "Ticket",
    "Product",
    "Shipment",
    "Category",
    "Address",
    "Subscription",
    "Review",
    "Coupon",
    "Notification",
    "Payment",
    "Lesson",
)


def _align(rows: list[tuple[str, ...]]) -> list[str]:
    """Pad every cell but the last of each row to its column's widest cell (prisma format's layout)."""
    widths: dict[int, int] = {}
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths.get(index, 0), len(cell))
    return ["  " + " ".join([*(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])), row[-1]]) for row in rows]


def _model(name: str, rows: list[tuple[str, ...]], attributes: list[str], doc: str = "") -> str:
    lines = [f"/// {doc}"] if doc else []
    lines.append(f"model {name} {{")
    lines += _align(rows)
    if attributes:
        lines.append("")
        lines += [f"  {a}" for a in attributes]
    lines.append("}")
    return "\n".join(lines)


def _header(service: str) -> str:
    return (
        "generator client {\n"
        '  provider = "prisma-client-js"\n'
        "}\n\n"
        "datasource db {\n"
        '  provider = "postgresql"\n'
        f'  url      = "postgresql://postgres@127.0.0.1:5432/{service.replace("-", "_")}"\n'
        "}\n"
    )


def domain_model(name: str, variant: int) -> tuple[str, bool]:
    """One hand-written model in one of several styles; returns (text, relates to User)."""
    rows: list[tuple[str, ...]] = []
    attributes: list[str] = []
    ids = (
        ("id", "String", "@id @default(cuid())"),
        ("id", "String", "@id"),
        ("id", "String", "@id @default(uuid())"),
        ("id", "Int", "@id @default(autoincrement())"),
    )
    rows.append(ids[variant % 4])
    rows.append(("title", "String"))
    if variant % 3 == 0:
        rows.append(("status", "String", '@default("open")'))
    if variant % 5 == 1:
        rows.append(("amount", "Float"))
    elif variant % 5 == 2:
        rows.append(("price", "Decimal"))
    rows.append(("tenantId", "String"))
    relates = variant % 2 == 0
    if relates:
        rows.append(("userId", "String"))
    if variant % 4 in (1, 2):
        rows.append(("createdAt", "DateTime", "@default(now())"))
    if variant % 4 == 2:
        rows.append(("updatedAt", "DateTime", "@updatedAt"))
    if variant % 7 == 3:
        rows.append(("deletedAt", "DateTime?"))
    if relates:
        rows.append(("user", "User", "@relation(fields: [userId], references: [id])"))
    if variant % 6 == 5:
        attributes.append("@@index([tenantId])")
    if variant % 3 == 1:
        attributes.append(f'@@map("{name.lower()}")')
    return _model(name, rows, attributes), relates


def foreign_schema(number: int, service: str | None = None, *, models: int = 3) -> str:
    """A hand-written-looking service schema; ``number`` picks its models and their flaws."""
    service = service or f"svc-{number:03d}"
    picked = [DOMAIN_MODELS[(number * 5 + k * 3) % len(DOMAIN_MODELS)] for k in range(models)]
    picked = list(dict.fromkeys(picked))
    texts: list[str] = []
    related: list[str] = []
    for k, name in enumerate(picked):
        text, relates = domain_model(name, number + k)
        texts.append(text)
        if relates:
            related.append(name)
    user_rows: list[tuple[str, ...]] = [
        ("id", "String", "@id @default(cuid())"),
        ("email", "String", "@unique"),
        ("name", "String?"),
        ("role", "String", '@default("member")'),
    ]
    user_rows += [(lower_first(plural(name)), f"{name}[]") for name in related]
    user = _model("User", user_rows, [], "Copied from the auth service")
    audit = _model(
        "AuditLog",
        [
            ("id", "Int", "@id @default(autoincrement())"),
            ("action", "String"),
            ("actorId", "String"),
            ("payload", "Json?"),
            ("at", "DateTime", "@default(now())"),
        ],
        [],
        "Copied from the platform template",
    )
    return _header(service) + "\n" + "\n\n".join([user, audit, *texts]) + "\n"


def big_schema(target_bytes: int) -> str:
    """One schema of about ``target_bytes``: a chain of models, each related to the previous one."""
    parts = [_header("big")]
    size = len(parts[0])
    number = 0
    while size < target_bytes:
        name = f"Entity{number}"
        rows: list[tuple[str, ...]] = [
            ("id", "String", "@id @default(cuid())"),
            ("title", "String"),
            ("status", "String"),
            ("amount", "Float"),
            ("ownerId", "String"),
        ]
        if number:
            rows += [("parentId", "String"), ("parent", f"Entity{number - 1}", "@relation(fields: [parentId], references: [id])")]
        rows.append(("children", f"Entity{number + 1}[]"))
        text = "/// azora-lint-ignore enum-for-status legacy values\n" if number % 50 == 0 else ""
        text += _model(name, rows, ["@@index([ownerId])"] if number % 2 else [])
        parts.append(text)
        size += len(text) + 2
        number += 1
    last = f"Entity{number}"
    parts.append(
        _model(
            last,
            [
                ("id", "String", "@id @default(uuid())"),
                ("parentId", "String"),
                ("parent", f"Entity{number - 1}", "@relation(fields: [parentId], references: [id])"),
            ],
            [],
        )
    )
    return "\n\n".join(parts) + "\n"


MANIFEST_HEAD = """\
# a foreign monorepo: hand-written PostgreSQL schemas, not written by azora-tasks
[settings]
services_dir = "services"
schema_path = "prisma/schema.prisma"
provider = "postgresql"
prisma_cli = "{prisma_cli}"

[phases.1]
title = "Everything"

[categories.core]
title = "Core"
target = {half}

[categories.edu]
title = "Education"
target = {rest}
"""


def service_names(count: int) -> Iterator[tuple[int, str]]:
    for number in range(1, count + 1):
        yield number, f"svc-{number:03d}"


def write_foreign_tree(root: Path, services: int, prisma_cli: str, *, lint: str = "") -> Path:
    """A monorepo of ``services`` foreign schemas under ``root``; returns its manifest path."""
    half = services // 2
    parts = [MANIFEST_HEAD.format(prisma_cli=prisma_cli, half=half, rest=services - half)]
    if lint:
        parts.append(lint.rstrip("\n") + "\n")
    for number, name in service_names(services):
        category = "core" if number <= half else "edu"
        parts.append(f'\n[services.{name}]\nphase = 1\ncategory = "{category}"\n')
        write_text_atomically(root / "services" / name / "prisma" / "schema.prisma", foreign_schema(number, name))
    manifest = root / "services.toml"
    write_text_atomically(manifest, "".join(parts))
    return manifest
