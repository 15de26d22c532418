"""Turn a checked `ServiceSpec` into schema text, formatted exactly like `prisma format`.

The checklist conventions live here, not in the descriptions, so no model can
miss them: a UUID `id`, `createdAt`/`updatedAt`/`deletedAt`, `@relation` with
an `@@index` on every foreign key, `@@map` to the snake_case plural table, and
provider-correct types (money is `Decimal`, with a fixed precision where the
provider has native types).

Column alignment is computed here the way Prisma's formatter does it (each
field row is name / type / attributes, every column padded to its widest cell,
comment lines ignored), so generating 190 schemas needs no Node process at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from azora_tasks.generate.header import with_header
from azora_tasks.generate.spec import (
    Column,
    Model,
    Reference,
    Relation,
    ServiceSpec,
    is_id_name,
)
from azora_tasks.paths import template_environment

SCHEMA_TEMPLATE = "schema.prisma.j2"
MONEY_PRECISION = "Decimal(19, 4)"  # 15 digits before the point, 4 after: cents plus FX/crypto rates

# Built-in description types -> (Prisma type, native type attribute on providers that have one).
_TYPES: dict[str, tuple[str, str | None]] = {
    "String": ("String", None),
    "Text": ("String", "Text"),
    "Int": ("Int", None),
    "BigInt": ("BigInt", None),
    "Boolean": ("Boolean", None),
    "DateTime": ("DateTime", None),
    "Decimal": ("Decimal", None),
    "Money": ("Decimal", MONEY_PRECISION),
    "Json": ("Json", None),
    "Bytes": ("Bytes", None),
    "Float": ("Float", None),
}
_NATIVE_TYPES = {"postgresql", "mysql"}  # SQLite has no @db.* attributes


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    doc: str = ""


@dataclass(frozen=True)
class ModelView:
    name: str
    doc: str
    lines: tuple[str, ...]
    attributes: tuple[str, ...]


def render_schema(
    spec: ServiceSpec, *, service: str, description: str, provider: str, client_output: str = "", engine_type: str = "", prisma_major: int = 6
) -> str:
    """The complete file: generated-marker header plus formatted body.

    `client_output` / `engine_type` come from `[settings.clients]` (default: a
    per-service `../generated/client`, Prisma's default engine). `prisma_major` 7
    writes Prisma 7's shape: no `url` (it comes from prisma.config), `prisma-client` + `output`.
    """
    return with_header(
        render_body(
            spec, service=service, description=description, provider=provider, client_output=client_output, engine_type=engine_type, prisma_major=prisma_major
        )
    )


def render_body(
    spec: ServiceSpec, *, service: str, description: str, provider: str, client_output: str = "", engine_type: str = "", prisma_major: int = 6
) -> str:
    template = template_environment().get_template(SCHEMA_TEMPLATE)
    models = [model_view(spec, model, provider) for model in spec.models]
    return template.render(
        service=service,
        description=" ".join(description.split()) or "(no description in the manifest)",
        source=spec.source,
        provider=provider,
        models=models,
        enums=spec.enums,
        client_output=client_output or "../generated/client",
        engine_type=engine_type if prisma_major < 7 else "",  # Prisma 7 clients have no engine choice
        prisma7=prisma_major >= 7,
    )


def model_view(spec: ServiceSpec, model: Model, provider: str) -> ModelView:
    rows = [Row(("id", "String", "@id @default(uuid())"))]
    indexes: list[tuple[str, ...]] = []
    for member in model.members:
        if isinstance(member, Column):
            rows.append(Row(_column_cells(member, provider), member.doc))
            if member.indexed or _unindexed_id(member, model):
                indexes.append((member.name,))
        elif isinstance(member, Relation):
            rows.append(Row(_trim((member.foreign_key, _optional("String", member.optional), "@unique" if member.unique else "")), member.doc))
            if not member.unique:
                indexes.append((member.foreign_key,))
        elif isinstance(member, Reference):
            doc = member.doc or f"References {member.service}.{member.model} (another service's database: no foreign key)"
            rows.append(Row(_trim((member.name, _optional("String", member.optional), "@unique" if member.unique else "")), doc))
            if not member.unique:
                indexes.append((member.name,))
    rows += [
        Row(("createdAt", "DateTime", "@default(now())")),
        Row(("updatedAt", "DateTime", "@updatedAt")),
        Row(("deletedAt", "DateTime?"), "Soft delete: set instead of deleting the row"),
    ]
    for relation in model.relations:
        rows.append(Row((relation.name, _optional(relation.target, relation.optional), _relation_attribute(relation))))
    for source, relation in spec.back_relations(model.name):
        back_type = f"{source.name}?" if relation.unique else f"{source.name}[]"
        rows.append(Row(_trim((relation.back, back_type, f'@relation("{relation.relation_name}")' if relation.relation_name else ""))))
    for declared in model.indexes:
        if declared not in indexes:
            indexes.append(declared)
    attributes = [f"@@unique([{', '.join(u)}])" for u in model.uniques]
    attributes += [f"@@index([{', '.join(i)}])" for i in indexes]
    attributes.append(f'@@map("{model.table}")')
    return ModelView(model.name, model.doc, tuple(align_rows(rows)), tuple(attributes))


def _unindexed_id(column: Column, model: Model) -> bool:
    """A plain `somethingId` column is a reference too: index it unless a declared index already starts with it."""
    if column.type != "String" or column.unique or not is_id_name(column.name):
        return False
    return not any(entry[0] == column.name for entry in (*model.indexes, *model.uniques))


def _column_cells(column: Column, provider: str) -> tuple[str, ...]:
    prisma_type, native = (column.type, None) if column.is_enum else _TYPES[column.type]
    attributes = []
    if column.unique:
        attributes.append("@unique")
    if column.default is not None:
        attributes.append(f"@default({column.default})")
    if native and provider in _NATIVE_TYPES:
        attributes.append(f"@db.{native}")
    return _trim((column.name, _optional(prisma_type, column.optional), " ".join(attributes)))


def _relation_attribute(relation: Relation) -> str:
    arguments = [f'"{relation.relation_name}"'] if relation.relation_name else []
    arguments += [f"fields: [{relation.foreign_key}]", "references: [id]", f"onDelete: {relation.on_delete}"]
    return f"@relation({', '.join(arguments)})"


def _optional(type_name: str, optional: bool) -> str:
    return f"{type_name}?" if optional else type_name


def _trim(cells: tuple[str, ...]) -> tuple[str, ...]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def align_rows(rows: Sequence[Row]) -> list[str]:
    """Pad every column but the last of each row to the widest cell, as `prisma format` does.

    Doc comments (`/// ...`) sit on their own line above their field and do not
    take part in the alignment.
    """
    widths: list[int] = []
    for row in rows:
        for index, cell in enumerate(row.cells):
            if index == len(widths):
                widths.append(0)
            widths[index] = max(widths[index], len(cell))
    lines = []
    for row in rows:
        if row.doc:
            lines.append(f"/// {row.doc}")
        padded = [cell.ljust(widths[index]) for index, cell in enumerate(row.cells[:-1])]
        lines.append(" ".join([*padded, row.cells[-1]]))
    return lines
