"""Destructive-change guard: what a new migration's SQL would lose or break, before it is applied.

Codes follow Atlas's migration-lint analyzers (https://atlasgo.io/lint/analyzers):

| code  | finding |
|-------|---------|
| DS101 | schema dropped |
| DS102 | table dropped (with its data) |
| DS103 | column dropped (with its data) |
| MF101 | unique index added to an existing table (fails on duplicate values) |
| MF103 | NOT NULL column without default added to an existing table (fails unless empty) |
| MF104 | existing column made NOT NULL (fails on NULL values) |
| MF105 | column type changed (values must convert; may fail or truncate) |
| BC101 | a table dropped and one with the same columns created: looks like a rename, loses the data |
| BC102 | a column dropped and one of the same type added: looks like a rename, loses the data |

"Existing" means created by an earlier migration: the previous migrations'
SQL is replayed into a small table/column model first. SQLite's
"redefine table" pattern (CREATE new_X, INSERT ... SELECT, DROP X, RENAME)
is recognised and compared column by column instead of reported as a drop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_IDENT = r'(?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)'
_QUALIFIED = rf"{_IDENT}(?:\s*\.\s*{_IDENT})?"
_CREATE_TABLE = re.compile(rf"^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?({_QUALIFIED})\s*\((.*)\)[^)]*$", re.I | re.S)
_DROP_TABLE = re.compile(rf"^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?({_QUALIFIED})", re.I)
_DROP_SCHEMA = re.compile(rf"^DROP\s+SCHEMA\s+(?:IF\s+EXISTS\s+)?({_IDENT})", re.I)
_ALTER_TABLE = re.compile(rf"^ALTER\s+TABLE\s+(?:ONLY\s+)?({_QUALIFIED})\s+(.*)$", re.I | re.S)
_UNIQUE_INDEX = re.compile(rf"^CREATE\s+UNIQUE\s+INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?{_QUALIFIED}\s+ON\s+({_QUALIFIED})\s*\((.*)\)", re.I | re.S)
_INSERT_SELECT = re.compile(rf"^INSERT\s+INTO\s+({_QUALIFIED})\s*\((.*?)\)\s*SELECT\s+.*?\s+FROM\s+({_QUALIFIED})", re.I | re.S)
_RENAME_TABLE = re.compile(rf"^RENAME\s+TO\s+({_QUALIFIED})$", re.I)
_ADD_COLUMN = re.compile(rf"^ADD\s+(?:COLUMN\s+)?(?!CONSTRAINT\b|PRIMARY\b|UNIQUE\b|INDEX\b|KEY\b|FOREIGN\b|CHECK\b)({_IDENT})\s+(.*)$", re.I | re.S)
_DROP_COLUMN = re.compile(rf"^DROP\s+(?:COLUMN\s+)?(?!CONSTRAINT\b|PRIMARY\b|INDEX\b|KEY\b|FOREIGN\b|CHECK\b)(?:IF\s+EXISTS\s+)?({_IDENT})$", re.I)
_ALTER_TYPE = re.compile(rf"^ALTER\s+(?:COLUMN\s+)?({_IDENT})\s+(?:SET\s+DATA\s+)?TYPE\s+(.*)$", re.I | re.S)
_SET_NOT_NULL = re.compile(rf"^ALTER\s+(?:COLUMN\s+)?({_IDENT})\s+SET\s+NOT\s+NULL$", re.I)
_MODIFY = re.compile(rf"^(?:MODIFY|CHANGE)\s+(?:COLUMN\s+)?({_IDENT})\s+(.*)$", re.I | re.S)
_RENAME_COLUMN = re.compile(rf"^RENAME\s+COLUMN\s+({_IDENT})\s+TO\s+({_IDENT})$", re.I)
_ADD_UNIQUE = re.compile(r"^ADD\s+(?:CONSTRAINT\s+\S+\s+)?UNIQUE\b", re.I)
_NOT_COLUMN = re.compile(r"^(CONSTRAINT|PRIMARY|UNIQUE|INDEX|KEY|FOREIGN|CHECK|FULLTEXT|SPATIAL)\b", re.I)


@dataclass(frozen=True)
class Finding:
    code: str
    table: str
    message: str

    def __str__(self) -> str:
        return f"{self.code} {self.message}"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool
    has_default: bool


@dataclass
class Model:
    """Tables and their columns as the migrations so far left them."""

    tables: dict[str, dict[str, Column]] = field(default_factory=dict)


def _unquote(identifier: str) -> str:
    name = identifier.strip().split(".")[-1].strip()
    if name[:1] in '"`[' and len(name) >= 2:
        name = name[1:-1]
    return name


def split_statements(sql: str) -> list[str]:
    """Statements without comments, split on `;` outside quotes."""
    statements, current, quote, i = [], [], "", 0
    while i < len(sql):
        ch = sql[i]
        if quote:
            current.append(ch)
            if ch == quote:
                quote = ""
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end == -1 else end
            continue
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = len(sql) if end == -1 else end + 2
            continue
        elif ch in "'\"`":
            quote = ch
            current.append(ch)
        elif ch == ";":
            text = "".join(current).strip()
            if text:
                statements.append(text)
            current = []
        else:
            current.append(ch)
        i += 1
    text = "".join(current).strip()
    if text:
        statements.append(text)
    return statements


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside parentheses and quotes (column lists, MySQL ALTER clauses)."""
    parts, depth, quote, current = [], 0, "", []
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def _column(definition: str) -> Column | None:
    match = re.match(rf"^({_IDENT})\s+(.*)$", definition.strip(), re.S)
    if not match or _NOT_COLUMN.match(definition.strip()):
        return None
    rest = match.group(2)
    type_match = re.match(r"^([A-Za-z_][\w ]*?(?:\([^)]*\))?(?:\[\])?)(?=\s+(?:NOT|NULL|DEFAULT|PRIMARY|UNIQUE|REFERENCES|COLLATE|CHARACTER|AUTO_INCREMENT|GENERATED|CHECK|ON)\b|\s*$)", rest, re.I)
    column_type = (type_match.group(1) if type_match else rest.split()[0]).strip().upper()
    not_null = bool(re.search(r"\bNOT\s+NULL\b|\bPRIMARY\s+KEY\b", rest, re.I))
    has_default = bool(re.search(r"\bDEFAULT\b|\bAUTO_INCREMENT\b|\bAUTOINCREMENT\b|\bGENERATED\b|\bSERIAL\b", rest, re.I)) or "SERIAL" in column_type
    return Column(_unquote(match.group(1)), column_type, not_null, has_default)


def _columns(body: str) -> dict[str, Column]:
    found = {}
    for part in _split_top_level(body):
        column = _column(part)
        if column:
            found[column.name] = column
    return found


def build_model(previous: list[str]) -> Model:
    """Replay earlier migrations (only what the guard needs: tables and columns)."""
    model = Model()
    for sql in previous:
        _apply(model, split_statements(sql), findings=None, created=set())
    return model


def scan(sql: str, previous: list[str]) -> list[Finding]:
    """Findings for a new migration, given the SQL of every migration before it."""
    model = build_model(previous)
    findings: list[Finding] = []
    _apply(model, split_statements(sql), findings=findings, created=set())
    return findings


def _apply(model: Model, statements: list[str], findings: list[Finding] | None, created: set[str]) -> None:
    """Apply statements to `model`; when `findings` is a list, report what is destructive."""
    report = findings.append if findings is not None else (lambda finding: None)
    redefines: dict[str, tuple[str, list[str]]] = {}  # new_X -> (X, copied columns)
    dropped_tables: dict[str, dict[str, Column]] = {}
    pending_drops: dict[str, dict[str, Column]] = {}  # dropped tables that may be a SQLite redefine
    dropped_columns: dict[str, dict[str, Column]] = {}
    added_columns: dict[str, dict[str, Column]] = {}

    def existing(table: str) -> bool:
        return table in model.tables and table not in created

    for statement in statements:
        if match := _DROP_SCHEMA.match(statement):
            report(Finding("DS101", "", f"schema {_unquote(match.group(1))} dropped with every table in it"))
            continue
        if match := _CREATE_TABLE.match(statement):
            table = _unquote(match.group(1))
            model.tables[table] = _columns(match.group(2))
            created.add(table)
            continue
        if match := _INSERT_SELECT.match(statement):
            target, source = _unquote(match.group(1)), _unquote(match.group(3))
            redefines[target] = (source, [_unquote(c) for c in _split_top_level(match.group(2))])
            continue
        if match := _DROP_TABLE.match(statement):
            table = _unquote(match.group(1))
            columns = model.tables.pop(table, {})
            if table in created:
                created.discard(table)
            elif any(source == table for source, _ in redefines.values()):
                pending_drops[table] = columns
            else:
                dropped_tables[table] = columns
                report(Finding("DS102", table, f"table {table} dropped: all its rows are lost"))
            continue
        if match := _UNIQUE_INDEX.match(statement):
            table = _unquote(match.group(1))
            if existing(table):
                columns = ", ".join(_unquote(c) for c in _split_top_level(match.group(2)))
                report(Finding("MF101", table, f"unique index on existing table {table}({columns}): fails if existing rows have duplicates"))
            continue
        if match := _ALTER_TABLE.match(statement):
            table = _unquote(match.group(1))
            for clause in _split_top_level(match.group(2)):
                _alter(model, table, clause.strip(), existing(table), report, redefines, pending_drops, dropped_columns, added_columns, created)
            continue

    # Renames that look like drop + add.
    for table, dropped in dropped_columns.items():
        for old in dropped.values():
            for new in added_columns.get(table, {}).values():
                if old.type == new.type:
                    report(Finding("BC102", table, f"{table}.{old.name} dropped and {table}.{new.name} ({new.type}) added: if this is a rename, write `RENAME COLUMN` by hand or the data is lost"))
    for old_table, old_columns in dropped_tables.items():
        for new_table in created:
            if new_table != old_table and old_columns and set(model.tables.get(new_table, {})) == set(old_columns):
                report(Finding("BC101", old_table, f"table {old_table} dropped and {new_table} created with the same columns: if this is a rename, write `ALTER TABLE ... RENAME TO` by hand"))


def _alter(model: Model, table: str, clause: str, existing: bool, report, redefines, pending_drops, dropped_columns, added_columns, created) -> None:  # type: ignore[no-untyped-def]
    columns = model.tables.setdefault(table, {})
    if match := _RENAME_TABLE.match(clause):
        new_name = _unquote(match.group(1))
        model.tables[new_name] = model.tables.pop(table, {})
        if table in redefines and redefines[table][0] == new_name and new_name in pending_drops:
            _compare_redefined(new_name, pending_drops.pop(new_name), model.tables[new_name], redefines[table][1], report, dropped_columns, added_columns)
            created.discard(table)
        elif table in created:
            created.discard(table)
            created.add(new_name)
        return
    if match := _RENAME_COLUMN.match(clause):
        old, new = _unquote(match.group(1)), _unquote(match.group(2))
        if old in columns:
            columns[new] = Column(new, columns[old].type, columns[old].not_null, columns[old].has_default)
            del columns[old]
        return
    if _ADD_UNIQUE.match(clause):
        if existing:
            report(Finding("MF101", table, f"unique constraint on existing table {table}: fails if existing rows have duplicates"))
        return
    if match := _DROP_COLUMN.match(clause):
        name = _unquote(match.group(1))
        old = columns.pop(name, Column(name, "?", False, False))
        dropped_columns.setdefault(table, {})[name] = old
        report(Finding("DS103", table, f"column {table}.{name} dropped: its data is lost"))
        return
    if match := _ADD_COLUMN.match(clause):
        column = _column(f"{match.group(1)} {match.group(2)}")
        if column:
            columns[column.name] = column
            added_columns.setdefault(table, {})[column.name] = column
            if existing and column.not_null and not column.has_default:
                report(Finding("MF103", table, f"required column {table}.{column.name} added without a default: fails unless {table} is empty"))
        return
    if match := _SET_NOT_NULL.match(clause):
        name = _unquote(match.group(1))
        if name in columns:
            columns[name] = Column(name, columns[name].type, True, columns[name].has_default)
        report(Finding("MF104", table, f"column {table}.{name} made NOT NULL: fails if a row has NULL"))
        return
    if match := _ALTER_TYPE.match(clause):
        name = _unquote(match.group(1))
        new_type = re.split(r"\s+USING\s+", match.group(2), flags=re.I)[0].strip().upper()
        old = columns.get(name)
        if old:
            columns[name] = Column(name, new_type, old.not_null, old.has_default)
        report(Finding("MF105", table, f"column {table}.{name} type changed{f' from {old.type}' if old else ''} to {new_type}: existing values must convert"))
        return
    if match := _MODIFY.match(clause):
        column = _column(f"{match.group(1)} {match.group(2)}")
        if column:
            old = columns.get(column.name)
            columns[column.name] = column
            if old and old.type != column.type:
                report(Finding("MF105", table, f"column {table}.{column.name} type changed from {old.type} to {column.type}: existing values must convert"))
            if old and column.not_null and not old.not_null:
                report(Finding("MF104", table, f"column {table}.{column.name} made NOT NULL: fails if a row has NULL"))
        return


def _compare_redefined(table: str, old: dict[str, Column], new: dict[str, Column], copied: list[str], report, dropped_columns, added_columns) -> None:  # type: ignore[no-untyped-def]
    """SQLite redefines a table to alter it: compare the old and new column sets instead."""
    for name, column in old.items():
        if name not in new:
            dropped_columns.setdefault(table, {})[name] = column
            report(Finding("DS103", table, f"column {table}.{name} dropped: its data is lost"))
    for name, column in new.items():
        before = old.get(name)
        if before is None:
            added_columns.setdefault(table, {})[name] = column
            if column.not_null and not column.has_default and name not in copied:
                report(Finding("MF103", table, f"required column {table}.{name} added without a default: fails unless {table} is empty"))
            continue
        if before.type != column.type:
            report(Finding("MF105", table, f"column {table}.{name} type changed from {before.type} to {column.type}: existing values must convert"))
        if column.not_null and not before.not_null:
            report(Finding("MF104", table, f"column {table}.{name} made NOT NULL: fails if a row has NULL"))
