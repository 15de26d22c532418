"""Tokenizer for the Prisma schema language.

Prisma's grammar is line oriented: a field or property ends at a newline,
except inside ``(...)`` and ``[...]``.  The lexer therefore emits NEWLINE
tokens and leaves it to the parser to skip them inside brackets.  Comments
never reach the parser's token stream; they are collected on the side with
their positions so they can be attached to the declarations they describe
(``///`` doc comments, suppressions).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from azora_tasks.lint.cancel import Cancel, check_cancelled
from azora_tasks.lint.syntax import Comment


class SchemaParseError(Exception):
    """The schema text is not valid Prisma syntax.

    Carries the file ``path`` and the 1-based ``line``/``column`` of the
    offending character so callers can report it like any other finding.
    """

    def __init__(self, message: str, path: str, line: int, column: int) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.message = message
        self.path = path
        self.line = line
        self.column = column


class Token(NamedTuple):
    """One lexical token; ``kind`` is IDENT, STRING, NUMBER, PUNCT, NEWLINE or EOF (a tuple: cheap to make)."""

    kind: str
    text: str
    line: int
    column: int
    end_line: int
    end_column: int
    value: str = ""  # decoded content of a STRING


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f"}

# One pass of one compiled pattern over the text: the lexer's cost is linear in the
# schema's size and dominated by C code (a 5 MB schema tokenizes in about a second).
_MASTER = re.compile(
    r"""
    [ \t\f\v]*
    (?:
      (?P<newline>\n)
    | (?P<comment>//[^\n]*)
    | (?P<block>/\*)
    | (?P<string>")
    | (?P<at>@@?)
    | (?P<punct>[{}()\[\],:=?.])
    | (?P<number>-?\d(?:[\d_eE]|\.(?=\d))*)
    | (?P<ident>[^\W\d]\w*)
    | (?P<end>\Z)
    )
    """,
    re.VERBOSE,
)
_SPACE = re.compile(r"[ \t\f\v]*")
_STRING_BODY = re.compile(r'(?:[^"\\\n]|\\[^\n])*"')
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
CHECK_EVERY = 4096  # tokens between two looks at the cancel flag


def _unescape(match: re.Match[str]) -> str:
    escape = match.group(1)
    if escape[0] == "u" and len(escape) == 5:
        return chr(int(escape[1:], 16))
    return _ESCAPES.get(escape, escape)


class Lexer:
    """Turns schema text into tokens plus a list of comments."""

    def __init__(self, text: str, path: str, cancel: Cancel | None = None) -> None:
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        if self.text.startswith("\ufeff"):
            self.text = self.text[1:]
        self.path = path
        self.cancel = cancel
        self.tokens: list[Token] = []
        self.comments: list[Comment] = []

    def tokenize(self) -> tuple[list[Token], list[Comment]]:
        text, path = self.text, self.path
        tokens, comments = self.tokens, self.comments
        append = tokens.append
        line, line_start, pos, length = 1, 0, 0, len(text)
        has_code = False
        match_at = _MASTER.match
        while pos < length:
            match = match_at(text, pos)
            if match is None:
                pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
                raise SchemaParseError(f"unexpected character {text[pos]!r}", path, line, pos - line_start + 1)
            kind = match.lastgroup
            assert kind is not None  # every alternative of the pattern is a named group
            if kind == "end":
                pos = match.end()
                break
            start = match.start(kind)
            column = start - line_start + 1
            end = match.end()
            if kind == "newline":
                append(Token("NEWLINE", "\n", line, column, line + 1, 1))
                line += 1
                line_start = end
                has_code = False
            elif kind == "comment":
                raw = match.group(kind)
                is_doc = raw.startswith("///")
                comments.append(
                    Comment(line, column, line, column + len(raw), "doc" if is_doc else "line", raw[3 if is_doc else 2 :].strip(), not has_code, path)
                )
            elif kind == "block":
                close = text.find("*/", start + 2)
                if close == -1:
                    raise SchemaParseError("unterminated block comment", path, line, column)
                end = close + 2
                body = text[start + 2 : close]
                newlines = body.count("\n")
                end_line = line + newlines
                end_column = (end - (text.rfind("\n", 0, end) + 1) + 1) if newlines else column + (end - start)
                comments.append(Comment(line, column, end_line, end_column, "block", body.strip(), not has_code, path))
                if newlines:
                    line_start = text.rfind("\n", 0, end) + 1
                    line = end_line
            elif kind == "string":
                rest = _STRING_BODY.match(text, start + 1)
                if rest is None:
                    raise SchemaParseError("unterminated string", path, line, column)
                end = rest.end()
                raw = text[start:end]
                value = raw[1:-1]
                if "\\" in value:
                    value = _ESCAPE.sub(_unescape, value)
                append(Token("STRING", raw, line, column, line, column + len(raw), value))
                has_code = True
            else:
                raw = match.group(kind)
                append(Token("PUNCT" if kind in ("at", "punct") else kind.upper(), raw, line, column, line, column + len(raw)))
                has_code = True
            pos = end
            if self.cancel is not None and len(tokens) % CHECK_EVERY == 0:
                check_cancelled(self.cancel)
        column = pos - line_start + 1
        append(Token("NEWLINE", "", line, column, line, column))
        append(Token("EOF", "", line, column, line, column))
        return tokens, comments


def tokenize(text: str, path: str, cancel: Cancel | None = None) -> tuple[list[Token], list[Comment]]:
    """Tokens (with NEWLINE/EOF) and comments of ``text``; raises :class:`SchemaParseError`."""
    return Lexer(text, path, cancel).tokenize()
