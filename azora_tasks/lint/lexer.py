"""Tokenizer for the Prisma schema language.

Prisma's grammar is line oriented: a field or property ends at a newline,
except inside ``(...)`` and ``[...]``.  The lexer therefore emits NEWLINE
tokens and leaves it to the parser to skip them inside brackets.  Comments
never reach the parser's token stream; they are collected on the side with
their positions so they can be attached to the declarations they describe
(``///`` doc comments, suppressions).
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Token:
    """One lexical token; ``kind`` is IDENT, STRING, NUMBER, PUNCT, NEWLINE or EOF."""

    kind: str
    text: str
    line: int
    column: int
    end_line: int
    end_column: int
    value: str = ""  # decoded content of a STRING


_PUNCT = set("{}()[],:=?.")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f"}


def _is_ident_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_"


def _is_ident_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class Lexer:
    """Turns schema text into tokens plus a list of comments."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        if self.text.startswith("\ufeff"):
            self.text = self.text[1:]
        self.path = path
        self.pos = 0
        self.line = 1
        self.column = 1
        self.tokens: list[Token] = []
        self.comments: list[Comment] = []
        self._line_has_code = False

    def error(self, message: str, line: int | None = None, column: int | None = None) -> SchemaParseError:
        return SchemaParseError(message, self.path, line or self.line, column or self.column)

    def _advance(self, count: int = 1) -> None:
        for _ in range(count):
            if self.text[self.pos] == "\n":
                self.line += 1
                self.column = 1
            else:
                self.column += 1
            self.pos += 1

    def _emit(self, kind: str, start: tuple[int, int, int], value: str = "") -> None:
        pos, line, column = start
        self.tokens.append(
            Token(kind, self.text[pos : self.pos], line, column, self.line, self.column, value)
        )
        if kind != "NEWLINE":
            self._line_has_code = True

    def tokenize(self) -> tuple[list[Token], list[Comment]]:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            start = (self.pos, self.line, self.column)
            if ch == "\n":
                self._advance()
                self._emit("NEWLINE", start)
                self._line_has_code = False
            elif ch in " \t\f\v":
                self._advance()
            elif text.startswith("//", self.pos):
                self._line_comment(start)
            elif text.startswith("/*", self.pos):
                self._block_comment(start)
            elif ch == '"':
                self._string(start)
            elif ch == "@":
                self._advance(2 if text.startswith("@@", self.pos) else 1)
                self._emit("PUNCT", start)
            elif ch in _PUNCT:
                self._advance()
                self._emit("PUNCT", start)
            elif ch.isdigit() or (ch == "-" and self.pos + 1 < len(text) and text[self.pos + 1].isdigit()):
                self._number(start)
            elif _is_ident_start(ch):
                while self.pos < len(text) and _is_ident_char(text[self.pos]):
                    self._advance()
                self._emit("IDENT", start)
            else:
                raise self.error(f"unexpected character {ch!r}")
        end = (self.pos, self.line, self.column)
        self._emit("NEWLINE", end)
        self._emit("EOF", end)
        return self.tokens, self.comments

    def _line_comment(self, start: tuple[int, int, int]) -> None:
        pos, line, column = start
        is_doc = self.text.startswith("///", pos)
        end = self.text.find("\n", pos)
        end = len(self.text) if end == -1 else end
        body = self.text[pos + (3 if is_doc else 2) : end]
        self._advance(end - pos)
        self.comments.append(
            Comment(line, column, self.line, self.column, "doc" if is_doc else "line",
                    body.strip(), not self._line_has_code, self.path)
        )

    def _block_comment(self, start: tuple[int, int, int]) -> None:
        pos, line, column = start
        end = self.text.find("*/", pos + 2)
        if end == -1:
            raise self.error("unterminated block comment", line, column)
        own_line = not self._line_has_code
        body = self.text[pos + 2 : end]
        self._advance(end + 2 - pos)
        self.comments.append(Comment(line, column, self.line, self.column, "block", body.strip(), own_line, self.path))

    def _string(self, start: tuple[int, int, int]) -> None:
        _, line, column = start
        self._advance()
        chars: list[str] = []
        while True:
            if self.pos >= len(self.text) or self.text[self.pos] == "\n":
                raise self.error("unterminated string", line, column)
            ch = self.text[self.pos]
            if ch == '"':
                self._advance()
                break
            if ch == "\\" and self.pos + 1 < len(self.text):
                nxt = self.text[self.pos + 1]
                if nxt == "u" and self.pos + 5 < len(self.text):
                    try:
                        chars.append(chr(int(self.text[self.pos + 2 : self.pos + 6], 16)))
                        self._advance(6)
                        continue
                    except ValueError:
                        pass
                chars.append(_ESCAPES.get(nxt, nxt))
                self._advance(2)
                continue
            chars.append(ch)
            self._advance()
        self._emit("STRING", start, "".join(chars))

    def _number(self, start: tuple[int, int, int]) -> None:
        self._advance()
        while self.pos < len(self.text) and (self.text[self.pos].isdigit() or self.text[self.pos] in "._eE"):
            if self.text[self.pos] == "." and not (
                self.pos + 1 < len(self.text) and self.text[self.pos + 1].isdigit()
            ):
                break
            self._advance()
        self._emit("NUMBER", start)


def tokenize(text: str, path: str) -> tuple[list[Token], list[Comment]]:
    """Tokens (with NEWLINE/EOF) and comments of ``text``; raises :class:`SchemaParseError`."""
    return Lexer(text, path).tokenize()
