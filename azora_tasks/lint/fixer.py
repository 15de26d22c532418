"""`validate --fix`: apply the mechanical edits findings carry, model by model.

Each edited model is read through the parser's positions into a
:class:`~azora_tasks.lint.layout.ModelLayout`, changed, and printed back in
`prisma format`'s layout; only the lines of edited models change.  Fixing is a
fixed point: after a fix the rules find nothing more to fix, so a second
`--fix` changes nothing (tests check both, and that Prisma still accepts the
result).  A model the layout cannot read (a ``/* */`` comment inside it, an
attribute spread over lines) is left alone and its findings stay.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from azora_tasks.lint.edits import (
    ADD_BLOCK_ATTRIBUTE,
    ADD_FIELD,
    ADD_FIELD_ATTRIBUTE,
    REPLACE_BLOCK_ATTRIBUTE,
    Edit,
)
from azora_tasks.lint.layout import (
    BlockAttribute,
    LayoutError,
    ModelLayout,
    Row,
    model_layout,
)
from azora_tasks.lint.lexer import SchemaParseError
from azora_tasks.lint.parser import parse_schema
from azora_tasks.rulebook.findings import Finding

_AUDIT_ORDER = ("createdAt", "updatedAt", "deletedAt")
_INDEX_LIKE = ("index", "unique", "id")


@dataclass
class FixResult:
    """The fixed texts (only files that changed), and which findings were fixed or skipped."""

    texts: dict[str, str] = field(default_factory=dict)
    fixed: list[Finding] = field(default_factory=list)
    unsafe_skipped: list[Finding] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # models left alone, with why

    def diff(self, originals: Mapping[str, str]) -> str:
        """A unified diff of every changed file (``--diff``)."""
        parts = []
        for path, text in self.texts.items():
            parts.append(
                "".join(
                    difflib.unified_diff(
                        originals[path].splitlines(keepends=True),
                        text.splitlines(keepends=True),
                        f"a/{path}",
                        f"b/{path}",
                    )
                )
            )
        return "".join(parts)


def fix_sources(sources: Mapping[str, str], findings: Iterable[Finding], *, unsafe: bool = False) -> FixResult:
    """Apply the edits of ``findings`` to ``sources`` (path -> text); returns the changed texts."""
    result = FixResult()
    wanted: dict[tuple[str, str], list[Edit]] = {}
    by_model: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if not finding.edits or finding.model is None:
            continue
        if finding.fixable == "unsafe" and not unsafe:
            result.unsafe_skipped.append(finding)
            continue
        key = (finding.path, finding.model)
        edits = wanted.setdefault(key, [])
        edits += [e for e in finding.edits if e not in edits]
        by_model.setdefault(key, []).append(finding)
    paths = sorted({path for path, _ in wanted})
    for path in paths:
        text = sources[path]
        try:
            schema = parse_schema(text, path)
        except SchemaParseError as error:
            result.failed.append(f"{path}: {error.message}")
            continue
        models = {b.name for b in schema.blocks if b.kind in ("model", "view")}
        lines = text.split("\n")
        changed = False
        blocks = sorted((b for b in schema.blocks if b.kind == "model" and (path, b.name) in wanted), key=lambda b: b.line, reverse=True)
        for block in blocks:
            try:
                layout = model_layout(block, lines)
                for edit in _ordered(wanted[(path, block.name)]):
                    _apply(layout, edit, models)
            except LayoutError as error:
                result.failed.append(f"{path}: model {block.name}: {error}")
                continue
            lines[block.line - 1 : block.end_line] = layout.render()
            result.fixed += by_model[(path, block.name)]
            changed = True
        if changed:
            fixed = "\n".join(lines)
            if fixed != text:
                result.texts[path] = fixed
    return result


def _ordered(edits: Sequence[Edit]) -> list[Edit]:
    """Audit fields in createdAt, updatedAt, deletedAt order; everything else as reported."""

    def key(edit: Edit) -> tuple[int, int]:
        if edit.kind == ADD_FIELD and edit.field in _AUDIT_ORDER:
            return 1, _AUDIT_ORDER.index(edit.field)
        return (0 if edit.kind != ADD_FIELD else 1), 9

    return sorted(edits, key=key)


def _apply(layout: ModelLayout, edit: Edit, models: set[str]) -> None:
    rows = [item for item in layout.items if isinstance(item, Row)]
    if edit.kind == ADD_FIELD:
        if any(row.name == edit.field for row in rows):
            return
        cells = list(edit.cells)
        row = Row(cells[:2], "", cells[0], _split_attributes(cells[2]) if len(cells) > 2 else [])
        layout.items.insert(_field_position(layout, models, row.name), row)
    elif edit.kind == ADD_FIELD_ATTRIBUTE:
        found = next((r for r in rows if r.name == edit.field), None)
        if found is None:
            raise LayoutError(f"no field {edit.field!r}")
        row = found
        name = edit.text.split("(", 1)[0]
        if any(a.split("(", 1)[0] == name for a in row.attributes):
            return
        if edit.after is not None:
            position = next((i + 1 for i, a in enumerate(row.attributes) if a.split("(", 1)[0] == f"@{edit.after}"), len(row.attributes))
        else:
            position = next((i for i, a in enumerate(row.attributes) if a.startswith("@db.")), len(row.attributes))
        row.attributes.insert(position, edit.text)
    elif edit.kind == ADD_BLOCK_ATTRIBUTE:
        if any(a.text == edit.text for a in layout.attributes):
            return
        name = edit.text[2:].split("(", 1)[0]
        attribute = BlockAttribute(edit.text, name)
        if name in _INDEX_LIKE:
            last = max((i for i, a in enumerate(layout.attributes) if a.name in _INDEX_LIKE), default=-1)
            layout.attributes.insert(last + 1, attribute)
        else:
            layout.attributes.append(attribute)
    elif edit.kind == REPLACE_BLOCK_ATTRIBUTE:
        for attribute in layout.attributes:
            if attribute.name == edit.replaces:
                attribute.text = edit.text
                return
        layout.attributes.append(BlockAttribute(edit.text, edit.replaces or ""))
    else:
        raise LayoutError(f"unknown edit {edit.kind}")


def _split_attributes(text: str) -> list[str]:
    """``"@default(now()) @updatedAt"`` -> two attributes (splits at top-level spaces before ``@``)."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == " " and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    if current:
        parts.append(current)
    return parts


def _field_position(layout: ModelLayout, models: set[str], name: str) -> int:
    """Where a new field goes: among the audit fields in createdAt/updatedAt/deletedAt order,
    else after the last scalar field (before relation fields, as the generator writes them)."""
    items = layout.items
    rank = _AUDIT_ORDER.index(name) if name in _AUDIT_ORDER else len(_AUDIT_ORDER)
    audit = [(i, _AUDIT_ORDER.index(item.name)) for i, item in enumerate(items) if isinstance(item, Row) and item.name in _AUDIT_ORDER]
    before = [i for i, r in audit if r < rank]
    if before:
        return before[-1] + 1
    if audit:
        return audit[0][0]
    scalars = [i for i, item in enumerate(items) if isinstance(item, Row) and item.cells[1].rstrip("?").removesuffix("[]") not in models]
    if scalars:
        return scalars[-1] + 1
    rows = [i for i, item in enumerate(items) if isinstance(item, Row)]
    return rows[-1] + 1 if rows else 0
