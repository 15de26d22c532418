"""Lay a model block out exactly like `prisma format` does, from the parser's tree.

What `prisma format` (Prisma 6's schema wasm) does inside a model, measured on
the pinned version and checked by tests against it:

* field rows are cells — name, type, attributes (one space apart) — and every
  cell but a row's last is padded to its column's widest cell; rows are aligned
  in groups that blank lines separate; comment lines neither break a group nor
  take part in it; a trailing ``// comment`` follows the last cell after one space;
* runs of blank lines become one; block attributes (``@@index``, ``@@map``…) move
  below the fields, after one blank line, in their original order;
* attributes and their arguments are printed canonically: ``@default(uuid())``,
  ``@relation(fields: [a], references: [id])``, ``@db.Decimal(12, 2)``.

The fixer re-renders only the models it edits, so a formatted file stays
formatted and nothing else moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from azora_tasks.lint.syntax import (
    Argument,
    ArrayValue,
    Attribute,
    Block,
    FieldType,
    FunctionCall,
    Identifier,
    NumberValue,
    StringValue,
    Value,
)


class LayoutError(Exception):
    """The block holds something the renderer does not understand; it is left untouched."""


@dataclass
class Row:
    """A field line: its cells and an optional trailing comment."""

    cells: list[str]
    comment: str = ""
    name: str = ""
    attributes: list[str] = field(default_factory=list)

    def render_cells(self) -> list[str]:
        cells = [self.cells[0], self.cells[1]]
        if self.attributes:
            cells.append(" ".join(self.attributes))
        return cells


@dataclass
class Line:
    """A comment line or a blank line (``text`` empty) between field rows."""

    text: str


@dataclass
class BlockAttribute:
    text: str
    name: str
    comment: str = ""


@dataclass
class ModelLayout:
    """A model as prisma format sees it: the header line, body items, block attributes."""

    header: str
    items: list[Row | Line]
    attributes: list[BlockAttribute]
    closing: str = "}"

    def render(self) -> list[str]:
        lines = [self.header]
        body: list[Row | Line] = []
        for item in self.items:  # collapse blank runs, drop leading/trailing blanks
            if isinstance(item, Line) and not item.text and (not body or (isinstance(body[-1], Line) and not body[-1].text)):
                continue
            body.append(item)
        while body and isinstance(body[-1], Line) and not body[-1].text:
            body.pop()
        lines += _aligned(body)
        if self.attributes:
            if body:
                lines.append("")
            lines += [f"  {a.text}" + (f" {a.comment}" if a.comment else "") for a in self.attributes]
        lines.append(self.closing)
        return lines


def _aligned(items: list[Row | Line]) -> list[str]:
    out: list[str] = []
    group: list[Row | Line] = []

    def flush() -> None:
        widths: dict[int, int] = {}
        for item in group:
            if isinstance(item, Row):
                for i, cell in enumerate(item.render_cells()):
                    widths[i] = max(widths.get(i, 0), len(cell))
        for item in group:
            if isinstance(item, Line):
                out.append(f"  {item.text}")
                continue
            cells = item.render_cells()
            text = " ".join([*(c.ljust(widths[i]) for i, c in enumerate(cells[:-1])), cells[-1]])
            out.append(f"  {text}" + (f" {item.comment}" if item.comment else ""))
        group.clear()

    for item in items:
        if isinstance(item, Line) and not item.text:
            flush()
            out.append("")
        else:
            group.append(item)
    flush()
    return out


# ------------------------------------------------------------------ printing


def render_value(value: Value, lines: list[str]) -> str:
    if isinstance(value, StringValue):
        return _source(lines, value)
    if isinstance(value, NumberValue):
        return value.text
    if isinstance(value, Identifier):
        return value.name
    if isinstance(value, ArrayValue):
        return "[" + ", ".join(render_value(item, lines) for item in value.items) + "]"
    if isinstance(value, FunctionCall):
        return f"{value.name}({render_arguments(value.args, lines)})"
    raise LayoutError(f"unknown value {value!r}")


def render_arguments(args: tuple[Argument, ...], lines: list[str]) -> str:
    return ", ".join((f"{a.name}: " if a.name else "") + render_value(a.value, lines) for a in args)


def render_attribute(attribute: Attribute, lines: list[str]) -> str:
    prefix = "@@" if attribute.block else "@"
    has_parens = bool(attribute.args) or _source(lines, attribute).rstrip().endswith(")")
    return prefix + attribute.name + (f"({render_arguments(attribute.args, lines)})" if has_parens else "")


def render_type(field_type: FieldType, lines: list[str]) -> str:
    args = f"({render_arguments(field_type.args, lines)})" if field_type.args else ""
    return field_type.name + args + ("[]" if field_type.list else "") + ("?" if field_type.optional else "")


def _source(lines: list[str], node: StringValue | Attribute) -> str:
    if node.line != node.end_line:
        raise LayoutError("a string or attribute spanning lines")
    return lines[node.line - 1][node.column - 1 : node.end_column - 1]


def _trailing_comment(lines: list[str], line: int, end_column: int) -> str:
    rest = lines[line - 1][end_column - 1 :].strip()
    if rest and not rest.startswith("//"):
        raise LayoutError(f"unexpected text after a declaration on line {line}")
    return rest


def model_layout(block: Block, lines: list[str]) -> ModelLayout:
    """Read a model's lines (1-based ``lines`` of its file) into a :class:`ModelLayout`."""
    if block.name_line != block.line or "{" not in lines[block.line - 1]:
        raise LayoutError("the model's opening brace is not on its header line")
    header_text = lines[block.line - 1]
    header = header_text[: header_text.index("{") + 1].rstrip()
    header = " ".join(header[:-1].split()) + " {"
    if header_text[header_text.index("{") + 1 :].strip():
        raise LayoutError("text after the opening brace")
    closing_text = lines[block.end_line - 1]
    if closing_text[: block.end_column - 2].strip():
        raise LayoutError("text before the closing brace")
    closing = "}" + closing_text[block.end_column - 1 :].rstrip()
    if closing != "}" and not closing[1:].strip().startswith("//"):
        raise LayoutError("text after the closing brace")
    fields = {f.line: f for f in block.fields}
    attributes = {a.line: a for a in block.attributes}
    items: list[Row | Line] = []
    block_attributes: list[BlockAttribute] = []
    number = block.line + 1
    while number < block.end_line:
        text = lines[number - 1].strip()
        if number in fields:
            f = fields[number]
            rendered = [render_attribute(a, lines) for a in f.attributes]
            items.append(Row([f.name, render_type(f.type, lines)], _trailing_comment(lines, f.end_line, f.end_column), f.name, rendered))
            number = f.end_line + 1
        elif number in attributes:
            a = attributes[number]
            block_attributes.append(BlockAttribute(render_attribute(a, lines), a.name, _trailing_comment(lines, a.end_line, a.end_column)))
            number = a.end_line + 1
        elif not text or text.startswith("//"):
            items.append(Line(text))
            number += 1
        else:
            raise LayoutError(f"cannot lay out line {number}: {text!r}")
    return ModelLayout(header, items, block_attributes, closing)
