"""Syntax tree of a Prisma schema, with exact source positions.

Every node carries a 1-based ``line``/``column`` for where it starts and an
``end_line``/``end_column`` for where it stops (end column is exclusive), so a
rule can point a finding at the exact token a person has to change.  The tree
is deliberately close to the text (attribute names stay ``"db.VarChar"``,
arguments stay positional or named) instead of being a resolved data model:
a linter must be able to talk about what was written, not about what Prisma
would infer from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

SCALAR_TYPES = frozenset({"String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes"})
"""Prisma's built-in scalar types (``Unsupported`` is handled separately)."""

BLOCK_KINDS = ("model", "enum", "view", "type", "datasource", "generator")


@dataclass(frozen=True)
class Node:
    """Anything with a source range."""

    line: int
    column: int
    end_line: int
    end_column: int


# --------------------------------------------------------------------- values


@dataclass(frozen=True)
class StringValue(Node):
    """A double-quoted string literal; ``value`` has escapes resolved."""

    value: str


@dataclass(frozen=True)
class NumberValue(Node):
    """A numeric literal kept as written (``"1"``, ``"-2.5"``)."""

    text: str


@dataclass(frozen=True)
class Identifier(Node):
    """A bare name: a field reference, an enum constant, ``true``/``false``."""

    name: str


@dataclass(frozen=True)
class ArrayValue(Node):
    """``[a, b(sort: Desc)]``."""

    items: tuple[Value, ...]


@dataclass(frozen=True)
class FunctionCall(Node):
    """``uuid(7)``, ``now()``, ``env("URL")`` and also ``b(sort: Desc)``."""

    name: str
    args: tuple[Argument, ...]


Value = StringValue | NumberValue | Identifier | ArrayValue | FunctionCall


@dataclass(frozen=True)
class Argument(Node):
    """One argument of an attribute or function: positional if ``name`` is None."""

    name: str | None
    value: Value


def value_name(value: Value) -> str | None:
    """The referenced name of an identifier or a call (``b`` for ``b(sort: Desc)``)."""
    if isinstance(value, Identifier):
        return value.name
    if isinstance(value, FunctionCall):
        return value.name
    return None


def value_names(value: Value | None) -> list[str]:
    """Field names listed by an ``[a, b(sort: Desc)]`` argument (or a single name)."""
    if value is None:
        return []
    if isinstance(value, ArrayValue):
        return [n for n in (value_name(item) for item in value.items) if n is not None]
    name = value_name(value)
    return [name] if name is not None else []


# ----------------------------------------------------------------- attributes


@dataclass(frozen=True)
class Attribute(Node):
    """``@id``, ``@db.VarChar(255)``, ``@@index([a, b], map: "x")``.

    ``name`` excludes the ``@``/``@@`` prefix and keeps a namespace
    (``"db.VarChar"``); ``block`` is True for ``@@`` attributes.
    """

    name: str
    args: tuple[Argument, ...]
    block: bool = False

    def arg(self, name: str, position: int | None = None) -> Value | None:
        """The value of the named argument, or of the positional one at ``position``."""
        for argument in self.args:
            if argument.name == name:
                return argument.value
        if position is not None:
            positional = [a for a in self.args if a.name is None]
            if position < len(positional):
                return positional[position].value
        return None

    def field_names(self) -> list[str]:
        """Columns of an ``@@index``/``@@unique``/``@@id`` (first positional or ``fields:``)."""
        return value_names(self.arg("fields", 0))


# ------------------------------------------------------------------ comments


@dataclass(frozen=True)
class Comment(Node):
    """A ``//`` line, ``///`` doc or ``/* */`` block comment.

    ``text`` is the content after the marker, stripped; ``own_line`` is True
    when nothing but whitespace precedes the comment on its line.
    """

    kind: str  # "line" | "doc" | "block"
    text: str
    own_line: bool
    path: str = ""


# ---------------------------------------------------------------- structure


@dataclass(frozen=True)
class FieldType(Node):
    """``String``, ``Post[]``, ``DateTime?``, ``Unsupported("circle")?``."""

    name: str
    optional: bool = False
    list: bool = False
    args: tuple[Argument, ...] = ()

    @property
    def unsupported(self) -> bool:
        return self.name == "Unsupported"


@dataclass(frozen=True)
class Field(Node):
    """One field line of a model, view or type.

    ``name_*`` positions point at the field name, the node range at the whole
    declaration (name to last attribute).  ``comments`` are the comments on the
    lines directly above (doc comments included) and ``doc`` the ``///`` text.
    """

    name: str
    type: FieldType
    attributes: tuple[Attribute, ...]
    comments: tuple[Comment, ...] = ()
    trailing_comment: Comment | None = None

    @property
    def doc(self) -> str:
        return "\n".join(c.text for c in self.comments if c.kind == "doc")

    def attribute(self, name: str) -> Attribute | None:
        """The first field attribute with that name (``"id"``, ``"db.VarChar"``)."""
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        return None

    def native_type(self) -> Attribute | None:
        """The ``@db.*`` attribute, if any."""
        for attribute in self.attributes:
            if attribute.name.startswith("db."):
                return attribute
        return None


@dataclass(frozen=True)
class EnumValue(Node):
    """One value line of an enum, with its attributes (``@map``)."""

    name: str
    attributes: tuple[Attribute, ...] = ()
    comments: tuple[Comment, ...] = ()


@dataclass(frozen=True)
class Property(Node):
    """``provider = "postgresql"`` inside a datasource or generator."""

    key: str
    value: Value


@dataclass(frozen=True)
class Block(Node):
    """A top-level ``model``/``enum``/``view``/``type``/``datasource``/``generator``.

    ``name_line``/``name_column`` point at the block's name; ``comments`` are
    the comments directly above the keyword, ``body_comments`` those on their
    own lines inside the braces that do not sit directly above a member.
    """

    kind: str
    name: str
    name_line: int
    name_column: int
    path: str
    fields: tuple[Field, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    values: tuple[EnumValue, ...] = ()
    properties: tuple[Property, ...] = ()
    comments: tuple[Comment, ...] = ()
    body_comments: tuple[Comment, ...] = ()

    @property
    def doc(self) -> str:
        return "\n".join(c.text for c in self.comments if c.kind == "doc")

    def field(self, name: str) -> Field | None:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None

    def block_attributes(self, name: str) -> list[Attribute]:
        return [a for a in self.attributes if a.name == name]

    def property(self, key: str) -> Property | None:
        for prop in self.properties:
            if prop.key == key:
                return prop
        return None


@dataclass
class Schema:
    """A parsed schema: the blocks of one file or of a whole schema folder."""

    blocks: list[Block] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    _names: dict[tuple[str, str], Block] = field(default_factory=dict, init=False, repr=False, compare=False)
    _indexed: int = field(default=-1, init=False, repr=False, compare=False)

    def _by_name(self) -> dict[tuple[str, str], Block]:
        """(kind, name) -> first block, rebuilt when blocks were added: name look-ups stay O(1),
        so rules that resolve every field's type cost linear, not quadratic, time."""
        if self._indexed != len(self.blocks):
            names: dict[tuple[str, str], Block] = {}
            for block in self.blocks:
                names.setdefault((block.kind, block.name), block)
            self._names = names
            self._indexed = len(self.blocks)
        return self._names

    def of_kind(self, kind: str) -> Iterator[Block]:
        return (b for b in self.blocks if b.kind == kind)

    @property
    def models(self) -> list[Block]:
        return list(self.of_kind("model"))

    @property
    def enums(self) -> list[Block]:
        return list(self.of_kind("enum"))

    def model(self, name: str) -> Block | None:
        return self._by_name().get(("model", name))

    def enum(self, name: str) -> Block | None:
        return self._by_name().get(("enum", name))

    def is_enum(self, type_name: str) -> bool:
        return self.enum(type_name) is not None

    def is_model_like(self, type_name: str) -> bool:
        """True for a model or view name: a field of that type is a relation."""
        names = self._by_name()
        return ("model", type_name) in names or ("view", type_name) in names

    @property
    def provider(self) -> str | None:
        """The datasource ``provider`` string, e.g. ``"postgresql"`` (first datasource)."""
        for block in self.of_kind("datasource"):
            prop = block.property("provider")
            if prop is not None and isinstance(prop.value, StringValue):
                return prop.value.value
        return None
