"""Pure-Python reader for Prisma schema files.

A recursive-descent parser over :mod:`azora_tasks.lint.lexer` tokens that
keeps the exact position of every block, field, attribute, argument and
comment.  It is a *reader* for linting, not a validator: it accepts what is
syntactically well formed (unknown attributes, odd types) and only raises
:class:`SchemaParseError` when the text cannot be structured at all.

Multi-file schemas (``prismaSchemaFolder``) are read with :func:`parse_files`
into one :class:`Schema`, so a relation in ``billing.prisma`` resolves against
a model declared in ``user.prisma``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from pathlib import Path

from azora_tasks.lint.cancel import Cancel, check_cancelled
from azora_tasks.lint.lexer import SchemaParseError, Token, tokenize
from azora_tasks.lint.syntax import (
    BLOCK_KINDS,
    Argument,
    ArrayValue,
    Attribute,
    Block,
    Comment,
    EnumValue,
    Field,
    FieldType,
    FunctionCall,
    Identifier,
    NumberValue,
    Property,
    Schema,
    StringValue,
    Value,
)

__all__ = ["SchemaParseError", "parse_schema", "parse_files", "read_schema_folder"]


class _CommentIndex:
    """Finds the own-line comments sitting directly above a declaration."""

    def __init__(self, comments: list[Comment]) -> None:
        self.by_end_line: dict[int, Comment] = {}
        for comment in comments:
            if comment.own_line:
                self.by_end_line.setdefault(comment.end_line, comment)
        self.claimed: set[int] = set()

    def above(self, line: int) -> tuple[Comment, ...]:
        found: list[Comment] = []
        current = line - 1
        while current in self.by_end_line:
            comment = self.by_end_line[current]
            found.append(comment)
            self.claimed.add(id(comment))
            current = comment.line - 1
        return tuple(reversed(found))


class Parser:
    """Parses one file's tokens into :class:`Block` nodes."""

    def __init__(self, text: str, path: str, cancel: Cancel | None = None) -> None:
        self.path = path
        self.cancel = cancel
        self.tokens, self.comments = tokenize(text, path, cancel)
        self.own_line_comments = [c for c in self.comments if c.own_line]  # in line order
        self.own_line_starts = [c.line for c in self.own_line_comments]
        self.index = 0
        self.comment_index = _CommentIndex(self.comments)
        self.trailing: dict[int, Comment] = {c.line: c for c in self.comments if not c.own_line}

    # ------------------------------------------------------------ helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.index]

    def _prev(self) -> Token:
        return self.tokens[self.index - 1]

    def error(self, message: str, token: Token | None = None) -> SchemaParseError:
        token = token or self.tok
        return SchemaParseError(message, self.path, token.line, token.column)

    def _describe(self, token: Token) -> str:
        if token.kind == "EOF":
            return "end of file"
        if token.kind == "NEWLINE":
            return "end of line"
        return repr(token.text)

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        token = self.tok
        if token.kind == kind and (text is None or token.text == text):
            self.index += 1
            return token
        return None

    def expect(self, kind: str, text: str | None = None, what: str | None = None) -> Token:
        token = self.accept(kind, text)
        if token is None:
            wanted = what or (repr(text) if text else kind.lower())
            raise self.error(f"expected {wanted}, found {self._describe(self.tok)}")
        return token

    def skip_newlines(self) -> None:
        while self.tok.kind == "NEWLINE":
            self.index += 1

    def end_of_line(self, what: str) -> None:
        if self.tok.kind not in ("NEWLINE", "EOF") and not (self.tok.kind == "PUNCT" and self.tok.text == "}"):
            raise self.error(f"unexpected {self._describe(self.tok)} after {what}")

    # ------------------------------------------------------------- schema
    def parse(self) -> list[Block]:
        blocks: list[Block] = []
        while True:
            self.skip_newlines()
            if self.tok.kind == "EOF":
                break
            check_cancelled(self.cancel)
            blocks.append(self.block())
        return blocks

    def block(self) -> Block:
        keyword = self.tok
        if keyword.kind != "IDENT" or keyword.text not in BLOCK_KINDS:
            raise self.error(f"expected a block keyword ({', '.join(BLOCK_KINDS)}), found {self._describe(keyword)}")
        self.index += 1
        name = self.expect("IDENT", what=f"a {keyword.text} name")
        comments = self.comment_index.above(keyword.line)
        self.expect("PUNCT", "{", what="'{'")
        open_line = self._prev().line
        fields: list[Field] = []
        attributes: list[Attribute] = []
        values: list[EnumValue] = []
        properties: list[Property] = []
        while True:
            self.skip_newlines()
            token = self.tok
            if token.kind == "EOF":
                raise self.error(f"missing '}}' to close {keyword.text} {name.text!r}", keyword)
            if token.kind == "PUNCT" and token.text == "}":
                close = token
                self.index += 1
                break
            if token.kind == "PUNCT" and token.text == "@@":
                attributes.append(self.attribute())
                self.end_of_line("a block attribute")
            elif keyword.text in ("datasource", "generator"):
                properties.append(self.property())
            elif keyword.text == "enum":
                values.append(self.enum_value())
            else:
                fields.append(self.field())
        first = bisect.bisect_right(self.own_line_starts, open_line)
        last = bisect.bisect_left(self.own_line_starts, close.line)
        body_comments = tuple(c for c in self.own_line_comments[first:last] if id(c) not in self.comment_index.claimed)
        return Block(
            line=keyword.line,
            column=keyword.column,
            end_line=close.end_line,
            end_column=close.end_column,
            kind=keyword.text,
            name=name.text,
            name_line=name.line,
            name_column=name.column,
            path=self.path,
            fields=tuple(fields),
            attributes=tuple(attributes),
            values=tuple(values),
            properties=tuple(properties),
            comments=comments,
            body_comments=body_comments,
        )

    # ------------------------------------------------------------ members
    def field(self) -> Field:
        name = self.expect("IDENT", what="a field name")
        comments = self.comment_index.above(name.line)
        if self.tok.kind in ("NEWLINE", "EOF"):
            raise self.error(f"field {name.text!r} has no type", name)
        field_type = self.field_type()
        attributes = self.attributes()
        self.end_of_line(f"field {name.text!r}")
        last = self._prev()
        return Field(
            line=name.line,
            column=name.column,
            end_line=last.end_line,
            end_column=last.end_column,
            name=name.text,
            type=field_type,
            attributes=attributes,
            comments=comments,
            trailing_comment=self.trailing.get(last.end_line),
        )

    def field_type(self) -> FieldType:
        name = self.expect("IDENT", what="a field type")
        args: tuple[Argument, ...] = ()
        if self.tok.kind == "PUNCT" and self.tok.text == "(":
            args = self.arguments()
        is_list = False
        optional = False
        if self.accept("PUNCT", "["):
            self.expect("PUNCT", "]", what="']' of a list type")
            is_list = True
        if self.accept("PUNCT", "?"):
            optional = True
        last = self._prev()
        return FieldType(name.line, name.column, last.end_line, last.end_column, name.text, optional, is_list, args)

    def enum_value(self) -> EnumValue:
        name = self.expect("IDENT", what="an enum value")
        comments = self.comment_index.above(name.line)
        attributes = self.attributes()
        self.end_of_line(f"enum value {name.text!r}")
        last = self._prev()
        return EnumValue(name.line, name.column, last.end_line, last.end_column, name.text, attributes, comments)

    def property(self) -> Property:
        key = self.expect("IDENT", what="a property name")
        self.comment_index.above(key.line)
        self.expect("PUNCT", "=", what="'=' after property name")
        value = self.value()
        self.end_of_line(f"property {key.text!r}")
        return Property(key.line, key.column, value.end_line, value.end_column, key.text, value)

    # --------------------------------------------------------- attributes
    def attributes(self) -> tuple[Attribute, ...]:
        found: list[Attribute] = []
        while self.tok.kind == "PUNCT" and self.tok.text == "@":
            found.append(self.attribute())
        if self.tok.kind == "PUNCT" and self.tok.text == "@@":
            raise self.error("block attribute '@@' must be on its own line")
        return tuple(found)

    def attribute(self) -> Attribute:
        at = self.tok
        self.index += 1
        block = at.text == "@@"
        parts = [self.expect("IDENT", what="an attribute name").text]
        while self.tok.kind == "PUNCT" and self.tok.text == "." and self.tokens[self.index + 1].kind == "IDENT":
            self.index += 1
            parts.append(self.expect("IDENT").text)
        args: tuple[Argument, ...] = ()
        if self.tok.kind == "PUNCT" and self.tok.text == "(":
            args = self.arguments()
        last = self._prev()
        return Attribute(at.line, at.column, last.end_line, last.end_column, ".".join(parts), args, block)

    def arguments(self) -> tuple[Argument, ...]:
        """``( arg, name: value, ... )``; newlines inside are insignificant."""
        open_paren = self.expect("PUNCT", "(")
        args: list[Argument] = []
        while True:
            self.skip_newlines()
            if self.accept("PUNCT", ")"):
                break
            if self.tok.kind == "EOF":
                raise self.error("missing ')'", open_paren)
            start = self.tok
            name: str | None = None
            following = self.tokens[self.index + 1]
            if start.kind == "IDENT" and following.kind == "PUNCT" and following.text == ":":
                name = start.text
                self.index += 2
                self.skip_newlines()
            value = self.value()
            args.append(Argument(start.line, start.column, value.end_line, value.end_column, name, value))
            self.skip_newlines()
            if self.accept("PUNCT", ","):
                continue
            if self.accept("PUNCT", ")"):
                break
            raise self.error(f"expected ',' or ')', found {self._describe(self.tok)}")
        return tuple(args)

    def value(self) -> Value:
        token = self.tok
        if token.kind == "STRING":
            self.index += 1
            return StringValue(token.line, token.column, token.end_line, token.end_column, token.value)
        if token.kind == "NUMBER":
            self.index += 1
            return NumberValue(token.line, token.column, token.end_line, token.end_column, token.text)
        if token.kind == "PUNCT" and token.text == "[":
            return self.array()
        if token.kind == "IDENT":
            self.index += 1
            name = token.text
            while self.tok.kind == "PUNCT" and self.tok.text == "." and self.tokens[self.index + 1].kind == "IDENT":
                self.index += 1
                name += "." + self.expect("IDENT").text
            if self.tok.kind == "PUNCT" and self.tok.text == "(":
                args = self.arguments()
                last = self._prev()
                return FunctionCall(token.line, token.column, last.end_line, last.end_column, name, args)
            last = self._prev()
            return Identifier(token.line, token.column, last.end_line, last.end_column, name)
        raise self.error(f"expected a value, found {self._describe(token)}")

    def array(self) -> ArrayValue:
        open_bracket = self.expect("PUNCT", "[")
        items: list[Value] = []
        while True:
            self.skip_newlines()
            if self.accept("PUNCT", "]"):
                break
            if self.tok.kind == "EOF":
                raise self.error("missing ']'", open_bracket)
            items.append(self.value())
            self.skip_newlines()
            if self.accept("PUNCT", ","):
                continue
            if self.accept("PUNCT", "]"):
                break
            raise self.error(f"expected ',' or ']', found {self._describe(self.tok)}")
        last = self._prev()
        return ArrayValue(open_bracket.line, open_bracket.column, last.end_line, last.end_column, tuple(items))


def parse_schema(text: str, path: str = "schema.prisma", cancel: Cancel | None = None) -> Schema:
    """Parse one schema file's text; raises :class:`SchemaParseError` with path/line/column."""
    parser = Parser(text, path, cancel)
    blocks = parser.parse()
    return Schema(blocks=blocks, comments=list(parser.comments), paths=[path])


def parse_files(sources: Iterable[tuple[str, str]]) -> Schema:
    """Parse ``(path, text)`` pairs into one schema (a ``prismaSchemaFolder`` schema).

    Raises :class:`SchemaParseError` for the first file that does not parse;
    use :func:`azora_tasks.lint.lint_files` to get per-file parse findings instead.
    """
    schema = Schema()
    for path, text in sources:
        part = parse_schema(text, path)
        schema.blocks.extend(part.blocks)
        schema.comments.extend(part.comments)
        schema.paths.append(path)
    return schema


def read_schema_folder(folder: Path) -> Schema:
    """Read every ``*.prisma`` file below ``folder`` (sorted, not those in its ``migrations/``) into one schema."""
    from azora_tasks.service_files import prisma_files

    files = prisma_files(Path(folder))
    return parse_files((str(p), p.read_text(encoding="utf-8")) for p in files)
