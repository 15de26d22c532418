"""Split a migration script into statements that remember where they are, and find its directives.

The tool's one SQL splitter: the migration lint reads its statements, and
`migrate/sqlite_history.py` executes their `source` one by one inside its
transaction (Python's `executescript` would commit first). The Node side splits
nothing: its drivers run whole scripts.

Migration SQL is Prisma-generated or hand-written PostgreSQL, SQLite or MySQL:
statements end at `;` outside quotes, `--` and `/* */` are comments. Dollar
quoting (`$$ ... $$`, PostgreSQL function bodies) is kept intact so a `;`
inside a function does not split it, and so is a `CREATE TRIGGER ... BEGIN ...
END` body (SQLite, MySQL), whose `;` end its inner statements only. Each
statement keeps its 1-based start line and column and its end line, so a
finding can point at it and an inline `-- azora-lint-ignore` comment can be
attached to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DOLLAR_TAG = re.compile(r"\$[A-Za-z_]*\$")
_TRIGGER_BODY = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+|TEMPORARY\s+)?TRIGGER\b.*\bBEGIN\b", re.IGNORECASE | re.DOTALL)
_BODY_END = re.compile(r"\bEND\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    """One SQL statement without comments, whitespace collapsed, and its position."""

    text: str
    line: int
    column: int
    end_line: int
    end_column: int
    source: str = ""  # the statement exactly as written (inner comments and literals untouched, with its `;`): what gets executed


@dataclass(frozen=True)
class Comment:
    """A `--` comment: its text after the dashes, position, and whether code precedes it on its line."""

    text: str
    line: int
    column: int
    trailing: bool


@dataclass
class Script:
    statements: list[Statement] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


def parse_script(sql: str) -> Script:
    """Statements and `--` comments of a script, with positions (never raises)."""
    script = Script()
    parts: list[str] = []
    start: tuple[int, int] | None = None
    start_at = 0  # offset of the statement's first character
    last: tuple[int, int] = (1, 1)
    line, column, i = 1, 1, 0
    line_has_code = False

    def advance(text: str) -> None:
        nonlocal line, column, line_has_code
        for ch in text:
            if ch == "\n":
                line, column, line_has_code = line + 1, 1, False
            else:
                column += 1

    def literal(chunk: str) -> None:
        """A quoted literal or dollar-quoted body: part of the statement, taken whole (a `;` in it ends nothing)."""
        nonlocal start, start_at, last, line_has_code
        if start is None:
            start, start_at = (line, column), i
        parts.append(chunk)
        advance(chunk)
        last = (line, max(column - 1, 1))
        line_has_code = True

    def flush(end: int) -> None:
        nonlocal parts, start
        text = " ".join("".join(parts).split())
        if text and start is not None:
            script.statements.append(Statement(text, start[0], start[1], last[0], last[1], sql[start_at:end].rstrip()))
        parts, start = [], None

    while i < len(sql):
        ch = sql[i]
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            end = len(sql) if end == -1 else end
            script.comments.append(Comment(sql[i + 2 : end].strip(), line, column, line_has_code))
            parts.append(" ")
            advance(sql[i:end])
            i = end
            continue
        if sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = len(sql) if end == -1 else end + 2
            parts.append(" ")
            advance(sql[i:end])
            i = end
            continue
        if ch in "'\"`":
            end = i + 1
            while end < len(sql):
                if sql[end] == ch:
                    if end + 1 < len(sql) and sql[end + 1] == ch:  # doubled quote inside the literal
                        end += 2
                        continue
                    break
                end += 1
            literal(sql[i : end + 1])
            i = end + 1
            continue
        tag = _DOLLAR_TAG.match(sql, i) if ch == "$" else None
        if tag:
            close = sql.find(tag.group(0), tag.end())
            end = len(sql) if close == -1 else close + len(tag.group(0))
            literal(sql[i:end])
            i = end
            continue
        if ch == ";" and not _in_trigger_body("".join(parts)):
            last = (line, column)
            advance(ch)
            line_has_code = True
            flush(i + 1)
            i += 1
            continue
        if not ch.isspace():
            if start is None:
                start, start_at = (line, column), i
            last = (line, column)
            line_has_code = True
        parts.append(ch)
        advance(ch)
        i += 1
    flush(len(sql))
    return script


def _in_trigger_body(statement: str) -> bool:
    """Inside `CREATE TRIGGER ... BEGIN` and before its `END`: a `;` there ends an inner statement only."""
    return bool(_TRIGGER_BODY.match(statement)) and not _BODY_END.search(statement)


def split_statements(sql: str) -> list[str]:
    """Just the statement texts (what the destructive-change guard used to compute)."""
    return [statement.text for statement in parse_script(sql).statements]
