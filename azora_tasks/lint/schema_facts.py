"""Facts derived from a parsed schema that several rules need.

Relations, foreign keys, indexes and join tables are computed once per lint
run here so each rule stays a short statement of *what* it checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from azora_tasks.lint.syntax import Attribute, Block, Field, Schema, value_names


@dataclass(frozen=True)
class Relation:
    """A relation field with its ``@relation(fields: [...], references: [...])``."""

    field: Field
    attribute: Attribute | None
    fields: tuple[str, ...]
    references: tuple[str, ...]


class SchemaFacts:
    """Lazily computed, cached facts about a schema's models."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._relations: dict[int, list[Relation]] = {}

    def relations(self, block: Block) -> list[Relation]:
        """Relation fields of a model: fields whose type is a model/view, or that carry ``@relation``."""
        key = id(block)
        if key not in self._relations:
            found: list[Relation] = []
            for f in block.fields:
                attribute = f.attribute("relation")
                if attribute is None and not self.schema.is_model_like(f.type.name):
                    continue
                fields = tuple(value_names(attribute.arg("fields"))) if attribute else ()
                references = tuple(value_names(attribute.arg("references"))) if attribute else ()
                found.append(Relation(f, attribute, fields, references))
            self._relations[key] = found
        return self._relations[key]

    def foreign_keys(self, block: Block) -> set[str]:
        """Names of scalar fields used in some ``@relation(fields: [...])`` of the model."""
        return {name for rel in self.relations(block) for name in rel.fields}

    @staticmethod
    def indexes(block: Block) -> list[tuple[str, ...]]:
        """Column lists of every index-backed constraint: ``@@index``, ``@@unique``, ``@@id``, ``@id``, ``@unique``."""
        found: list[tuple[str, ...]] = []
        for attribute in block.attributes:
            if attribute.name in ("index", "unique", "id"):
                columns = tuple(attribute.field_names())
                if columns:
                    found.append(columns)
        for f in block.fields:
            if f.attribute("id") is not None or f.attribute("unique") is not None:
                found.append((f.name,))
        return found

    def has_leading_index(self, block: Block, columns: tuple[str, ...]) -> bool:
        """True when some index starts with exactly these columns (in any order).

        An index on ``(a, b, c)`` serves lookups on ``a`` and on ``(a, b)``;
        for equality lookups the order inside the leading group is irrelevant.
        """
        wanted = set(columns)
        return any(len(index) >= len(columns) and set(index[: len(columns)]) == wanted for index in self.indexes(block))

    @staticmethod
    def id_field(block: Block) -> Field | None:
        for f in block.fields:
            if f.attribute("id") is not None:
                return f
        return None

    def is_join_table(self, block: Block) -> bool:
        """A model keyed by ``@@id`` made only of foreign keys (``UserRole(userId, roleId)``)."""
        if self.id_field(block) is not None:
            return False
        ids = block.block_attributes("id")
        if not ids:
            return False
        columns = ids[0].field_names()
        foreign = self.foreign_keys(block)
        return bool(columns) and all(c in foreign for c in columns)

    @cached_property
    def model_names(self) -> set[str]:
        return {b.name for b in self.schema.blocks if b.kind in ("model", "view")}

    @cached_property
    def models_by_folded_name(self) -> dict[str, str]:
        """``"refreshtoken"`` -> ``"RefreshToken"`` (lower case, no underscores), for ``<model>Id`` look-ups."""
        folded: dict[str, str] = {}
        for name in sorted(self.model_names):
            folded.setdefault(name.lower().replace("_", ""), name)
        return folded
