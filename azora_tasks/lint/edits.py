"""What a mechanical fix changes, as data: the rules say *what*, the fixer says *where and how*.

A rule attaches :class:`Edit` objects to a violation when the fix needs no
judgement (add the missing `createdAt`, add the `@@index` a foreign key lacks).
:mod:`azora_tasks.lint.fixer` applies them through the parser's positions and
re-lays the model out exactly like `prisma format`.  An edit is *unsafe* when
applying it can change what the database holds or is called (renaming a table
with `@@map`): `validate --fix` leaves those to `--unsafe-fixes`, like ruff.
"""

from __future__ import annotations

from dataclasses import dataclass

ADD_FIELD = "add-field"
ADD_FIELD_ATTRIBUTE = "add-field-attribute"
ADD_BLOCK_ATTRIBUTE = "add-block-attribute"
REPLACE_BLOCK_ATTRIBUTE = "replace-block-attribute"


@dataclass(frozen=True)
class Edit:
    """One change to one model.

    * ``add-field``: ``cells`` = (name, type[, attributes]) of a new field row;
    * ``add-field-attribute``: add ``text`` (``@default(uuid())``) to ``field``,
      right after its ``after`` attribute when given, else before any ``@db.*``;
    * ``add-block-attribute``: add ``text`` (``@@index([userId])``) to the model;
    * ``replace-block-attribute``: replace the model's first ``@@<replaces>`` with ``text``.
    """

    kind: str
    model: str
    text: str = ""
    cells: tuple[str, ...] = ()
    field: str | None = None
    after: str | None = None
    replaces: str | None = None
    safe: bool = True

    @classmethod
    def add_field(cls, model: str, *cells: str) -> Edit:
        return cls(ADD_FIELD, model, " ".join(cells), cells=tuple(c for c in cells if c), field=cells[0])

    @classmethod
    def add_field_attribute(cls, model: str, field: str, text: str, after: str | None = None) -> Edit:
        return cls(ADD_FIELD_ATTRIBUTE, model, text, field=field, after=after)

    @classmethod
    def add_block_attribute(cls, model: str, text: str, *, safe: bool = True) -> Edit:
        return cls(ADD_BLOCK_ATTRIBUTE, model, text, safe=safe)

    @classmethod
    def replace_block_attribute(cls, model: str, name: str, text: str, *, safe: bool = True) -> Edit:
        return cls(REPLACE_BLOCK_ATTRIBUTE, model, text, replaces=name, safe=safe)


def applicability(edits: tuple[Edit, ...]) -> str | None:
    """``"safe"``, ``"unsafe"`` (some edit is unsafe) or None (nothing to apply)."""
    if not edits:
        return None
    return "safe" if all(edit.safe for edit in edits) else "unsafe"
