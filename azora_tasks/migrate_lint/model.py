"""What a migration does to the schema, as a list of typed changes the rules read.

The earlier migrations' SQL is replayed into a small model (tables, their
columns, indexes and foreign keys); the migration under review is then
interpreted statement by statement against it, producing `Change` records
such as "column dropped" or "index created on an existing table". Rules never
parse SQL themselves: they filter changes, so one rule is a few lines and the
SQL knowledge lives here once.

"Existing" means created by an earlier migration, so it may hold rows; a table
created earlier in the same migration is empty. SQLite's redefine-table
pattern (CREATE new_X, INSERT ... SELECT, DROP X, RENAME new_X TO X) is
recognised and compared column by column instead of reported as a drop.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from azora_tasks.migrate_lint.sql import Statement, parse_script

_IDENT = r'(?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)'
_QUALIFIED = rf"{_IDENT}(?:\s*\.\s*{_IDENT})?"
_CREATE_TABLE = re.compile(rf"^CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?({_QUALIFIED})\s*\((.*)\)[^)]*$", re.IGNORECASE | re.DOTALL)
_DROP_TABLE = re.compile(rf"^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?({_QUALIFIED}(?:\s*,\s*{_QUALIFIED})*)", re.IGNORECASE)
_DROP_SCHEMA = re.compile(rf"^DROP\s+SCHEMA\s+(?:IF\s+EXISTS\s+)?({_IDENT})", re.IGNORECASE)
_ALTER_TABLE = re.compile(rf"^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?({_QUALIFIED})\s+(.*)$", re.IGNORECASE | re.DOTALL)
_CREATE_INDEX = re.compile(
    rf"^CREATE\s+(UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?({_QUALIFIED})?\s*ON\s+(?:ONLY\s+)?({_QUALIFIED})"
    rf"\s*(?:USING\s+\w+\s*)?\((.*?)\)\s*(?:INCLUDE|WHERE|WITH|TABLESPACE|NULLS|$)",
    re.IGNORECASE | re.DOTALL,
)
_DROP_INDEX = re.compile(rf"^DROP\s+INDEX\s+(CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?({_QUALIFIED})(?:\s+ON\s+({_QUALIFIED}))?", re.IGNORECASE)
_INSERT_SELECT = re.compile(rf"^INSERT\s+INTO\s+({_QUALIFIED})\s*\((.*?)\)\s*SELECT\s+.*?\s+FROM\s+({_QUALIFIED})", re.IGNORECASE | re.DOTALL)
_RENAME_TABLE = re.compile(rf"^RENAME\s+TO\s+({_QUALIFIED})$", re.IGNORECASE)
_ADD_COLUMN = re.compile(
    rf"^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?!CONSTRAINT\b|PRIMARY\b|UNIQUE\b|INDEX\b|KEY\b|FOREIGN\b|CHECK\b|FULLTEXT\b|SPATIAL\b)({_IDENT})\s+(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_DROP_COLUMN = re.compile(
    rf"^DROP\s+(?:COLUMN\s+)?(?!CONSTRAINT\b|PRIMARY\b|INDEX\b|KEY\b|FOREIGN\b|CHECK\b)(?:IF\s+EXISTS\s+)?({_IDENT})(?:\s+(?:CASCADE|RESTRICT))?$",
    re.IGNORECASE,
)
_ALTER_TYPE = re.compile(rf"^ALTER\s+(?:COLUMN\s+)?({_IDENT})\s+(?:SET\s+DATA\s+)?TYPE\s+(.*)$", re.IGNORECASE | re.DOTALL)
_SET_NOT_NULL = re.compile(rf"^ALTER\s+(?:COLUMN\s+)?({_IDENT})\s+SET\s+NOT\s+NULL$", re.IGNORECASE)
_MODIFY = re.compile(rf"^(?:MODIFY|CHANGE)\s+(?:COLUMN\s+)?({_IDENT})\s+(.*)$", re.IGNORECASE | re.DOTALL)
_RENAME_COLUMN = re.compile(rf"^RENAME\s+COLUMN\s+({_IDENT})\s+TO\s+({_IDENT})$", re.IGNORECASE)
_ADD_CONSTRAINT = re.compile(rf"^ADD\s+(?:CONSTRAINT\s+({_IDENT})\s+)?(UNIQUE|FOREIGN\s+KEY|CHECK|PRIMARY\s+KEY)\b(.*)$", re.IGNORECASE | re.DOTALL)
_DROP_CONSTRAINT = re.compile(rf"^DROP\s+(?:CONSTRAINT|FOREIGN\s+KEY)\s+(?:IF\s+EXISTS\s+)?({_IDENT})", re.IGNORECASE)
_NOT_COLUMN = re.compile(r"^(CONSTRAINT|PRIMARY|UNIQUE|INDEX|KEY|FOREIGN|CHECK|FULLTEXT|SPATIAL|EXCLUDE)\b", re.IGNORECASE)
_INLINE_FK = re.compile(rf"^(?:CONSTRAINT\s+({_IDENT})\s+)?FOREIGN\s+KEY\s*\((.*?)\)\s*REFERENCES\s+({_QUALIFIED})", re.IGNORECASE | re.DOTALL)
_UNIQUE_USING_INDEX = re.compile(r"\bUSING\s+INDEX\b", re.IGNORECASE)


def unquote(identifier: str) -> str:
    name = identifier.strip().split(".")[-1].strip()
    if name[:1] in '"`[' and len(name) >= 2:
        name = name[1:-1]
    return name


def split_top_level(text: str) -> list[str]:
    """Split on commas outside parentheses and quotes (column lists, MySQL ALTER clauses)."""
    parts: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
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


def _columns_of(text: str) -> tuple[str, ...]:
    return tuple(unquote(re.split(r"\s+(?:ASC|DESC|COLLATE|NULLS)\b", part.strip(), flags=re.IGNORECASE)[0]) for part in split_top_level(text))


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool
    has_default: bool


@dataclass(frozen=True)
class Index:
    name: str
    table: str
    columns: tuple[str, ...]
    unique: bool


@dataclass
class Model:
    """Tables, columns, indexes and foreign keys as the migrations so far left them."""

    tables: dict[str, dict[str, Column]] = field(default_factory=dict)
    indexes: dict[str, Index] = field(default_factory=dict)
    foreign_keys: dict[str, str] = field(default_factory=dict)  # constraint name -> table

    def drop_table(self, table: str) -> dict[str, Column]:
        self.indexes = {name: index for name, index in self.indexes.items() if index.table != table}
        self.foreign_keys = {name: owner for name, owner in self.foreign_keys.items() if owner != table}
        return self.tables.pop(table, {})


@dataclass(frozen=True)
class Change:
    """One thing a statement does that a rule may care about.

    `kind` is one of: schema-dropped, table-dropped, table-renamed-as-drop,
    column-dropped, column-renamed-as-drop, column-added, column-type-changed,
    column-made-not-null, index-created, index-dropped, constraint-added,
    foreign-key-dropped. `existing` says whether the table held rows before
    this migration (created by an earlier one).
    """

    kind: str
    statement: Statement
    table: str = ""
    column: str = ""
    existing: bool = False
    detail: dict[str, object] = field(default_factory=dict)


def column_definition(definition: str) -> Column | None:
    match = re.match(rf"^({_IDENT})\s+(.*)$", definition.strip(), re.DOTALL)
    if not match or _NOT_COLUMN.match(definition.strip()):
        return None
    rest = match.group(2)
    type_match = re.match(
        r"^([A-Za-z_][\w ]*?(?:\([^)]*\))?(?:\[\])?)(?=\s+(?:NOT|NULL|DEFAULT|PRIMARY|UNIQUE|REFERENCES|COLLATE|CHARACTER|AUTO_INCREMENT|GENERATED|CHECK|ON|CONSTRAINT)\b|\s*$)",
        rest,
        re.IGNORECASE,
    )
    column_type = (type_match.group(1) if type_match else rest.split()[0]).strip().upper()
    not_null = bool(re.search(r"\bNOT\s+NULL\b|\bPRIMARY\s+KEY\b", rest, re.IGNORECASE))
    has_default = bool(re.search(r"\bDEFAULT\b|\bAUTO_INCREMENT\b|\bAUTOINCREMENT\b|\bGENERATED\b", rest, re.IGNORECASE)) or "SERIAL" in column_type
    return Column(unquote(match.group(1)), column_type, not_null, has_default)


def _table_body(body: str) -> tuple[dict[str, Column], dict[str, str]]:
    columns: dict[str, Column] = {}
    foreign_keys: dict[str, str] = {}
    for part in split_top_level(body):
        column = column_definition(part)
        if column:
            columns[column.name] = column
            continue
        fk = _INLINE_FK.match(part.strip())
        if fk:
            name = unquote(fk.group(1)) if fk.group(1) else f"fk({','.join(_columns_of(fk.group(2)))})"
            foreign_keys[name] = ""
    return columns, foreign_keys


def build_model(previous: list[str]) -> Model:
    """Replay earlier migrations (only what the rules need: tables, columns, indexes, foreign keys)."""
    model = Model()
    for sql in previous:
        interpret(model, parse_script(sql).statements)
    return model


@dataclass
class _Pass:
    """The state of interpreting one migration."""

    model: Model
    before: Model
    changes: list[Change] = field(default_factory=list)
    created: set[str] = field(default_factory=set)  # tables created in this migration (empty)
    redefines: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # new_X -> (X, copied columns)
    pending_drops: dict[str, tuple[dict[str, Column], dict[str, str], Statement]] = field(default_factory=dict)
    dropped_tables: dict[str, tuple[dict[str, Column], Statement]] = field(default_factory=dict)
    dropped_columns: dict[str, dict[str, tuple[Column, Statement]]] = field(default_factory=dict)
    added_columns: dict[str, dict[str, tuple[Column, Statement]]] = field(default_factory=dict)
    dropped_fks: dict[str, tuple[str, Statement]] = field(default_factory=dict)
    table_fks: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> inline FKs (SQLite)

    def existing(self, table: str) -> bool:
        return table in self.model.tables and table not in self.created

    def add(self, kind: str, statement: Statement, table: str = "", column: str = "", **detail: object) -> None:
        self.changes.append(Change(kind, statement, table, column, self.existing(table) if table else False, dict(detail)))


def interpret(model: Model, statements: list[Statement]) -> list[Change]:
    """Apply `statements` to `model` and return what they change, in order."""
    state = _Pass(model, copy.deepcopy(model))
    for statement in statements:
        _statement(state, statement)
    _finish(state)
    return state.changes


def _statement(state: _Pass, statement: Statement) -> None:
    text = statement.text
    model = state.model
    if match := _DROP_SCHEMA.match(text):
        state.add("schema-dropped", statement, name=unquote(match.group(1)))
        return
    if match := _CREATE_TABLE.match(text):
        table = unquote(match.group(1))
        columns, fks = _table_body(match.group(2))
        model.tables[table] = columns
        for name in fks:
            model.foreign_keys[name] = table
        state.table_fks[table] = fks
        state.created.add(table)
        return
    if match := _INSERT_SELECT.match(text):
        target, source = unquote(match.group(1)), unquote(match.group(3))
        state.redefines[target] = (source, [unquote(c) for c in split_top_level(match.group(2))])
        return
    if match := _DROP_TABLE.match(text):
        for part in split_top_level(match.group(1)):
            table = unquote(part)
            was_created = table in state.created
            fks = {name: owner for name, owner in model.foreign_keys.items() if owner == table}
            columns = model.drop_table(table)
            if was_created:
                state.created.discard(table)
            elif any(source == table for source, _ in state.redefines.values()):
                state.pending_drops[table] = (columns, fks, statement)
            else:
                state.dropped_tables[table] = (columns, statement)
                state.changes.append(Change("table-dropped", statement, table, existing=True))
        return
    if match := _CREATE_INDEX.match(text):
        table = unquote(match.group(4))
        name = unquote(match.group(3)) if match.group(3) else f"{table}_idx_{len(model.indexes)}"
        indexed = _columns_of(match.group(5))
        unique = bool(match.group(1))
        before = [index for index in state.before.indexes.values() if index.table == table and index.columns == indexed]
        state.add(
            "index-created",
            statement,
            table,
            unique=unique,
            concurrently=bool(match.group(2)),
            name=name,
            columns=indexed,
            had_unique=any(index.unique for index in before),
            had_plain=any(not index.unique for index in before),
        )
        model.indexes[name] = Index(name, table, indexed, unique)
        return
    if match := _DROP_INDEX.match(text):
        name = unquote(match.group(2))
        index = model.indexes.pop(name, None)
        table = index.table if index else (unquote(match.group(3)) if match.group(3) else "")
        state.add("index-dropped", statement, table, name=name, concurrently=bool(match.group(1)))
        return
    if match := _ALTER_TABLE.match(text):
        table = unquote(match.group(1))
        for clause in split_top_level(match.group(2)):
            _alter(state, statement, table, clause.strip())


def _alter(state: _Pass, statement: Statement, table: str, clause: str) -> None:
    model = state.model
    columns = model.tables.setdefault(table, {})
    if match := _RENAME_TABLE.match(clause):
        new_name = unquote(match.group(1))
        model.tables[new_name] = model.tables.pop(table, {})
        for name, index in list(model.indexes.items()):
            if index.table == table:
                model.indexes[name] = Index(index.name, new_name, index.columns, index.unique)
        for name, owner in list(model.foreign_keys.items()):
            if owner == table:
                model.foreign_keys[name] = new_name
        if table in state.redefines and state.redefines[table][0] == new_name and new_name in state.pending_drops:
            old_columns, old_fks, _ = state.pending_drops.pop(new_name)
            _compare_redefined(state, statement, new_name, old_columns, old_fks, state.table_fks.get(table, {}))
            state.created.discard(table)
        elif table in state.created:
            state.created.discard(table)
            state.created.add(new_name)
        return
    if match := _RENAME_COLUMN.match(clause):
        old_name, new_name = unquote(match.group(1)), unquote(match.group(2))
        if old_name in columns:
            kept = columns.pop(old_name)
            columns[new_name] = Column(new_name, kept.type, kept.not_null, kept.has_default)
        return
    if match := _ADD_CONSTRAINT.match(clause):
        name = unquote(match.group(1)) if match.group(1) else ""
        kind = " ".join(match.group(2).upper().split())
        rest = match.group(3)
        not_valid = bool(re.search(r"\bNOT\s+VALID\b", rest, re.IGNORECASE))
        if kind == "FOREIGN KEY":
            model.foreign_keys[name or f"fk_{len(model.foreign_keys)}"] = table
            state.dropped_fks.pop(name, None)
        if kind == "UNIQUE" and not _UNIQUE_USING_INDEX.search(rest):
            cols = _columns_of(rest.strip()[1 : rest.strip().find(")")]) if rest.strip().startswith("(") else ()
            before = [index for index in state.before.indexes.values() if index.table == table and index.columns == cols]
            state.add(
                "index-created",
                statement,
                table,
                unique=True,
                concurrently=False,
                name=name,
                columns=cols,
                constraint=True,
                had_unique=any(i.unique for i in before),
                had_plain=any(not i.unique for i in before),
            )
            if name:
                model.indexes[name] = Index(name, table, cols, True)
        state.add("constraint-added", statement, table, constraint=kind, name=name, not_valid=not_valid, using_index=bool(_UNIQUE_USING_INDEX.search(rest)))
        return
    if match := _DROP_CONSTRAINT.match(clause):
        name = unquote(match.group(1))
        is_fk = clause.upper().startswith("DROP FOREIGN KEY") or name in model.foreign_keys or name.endswith("_fkey")
        model.foreign_keys.pop(name, None)
        if name in model.indexes:
            model.indexes.pop(name)
        if is_fk:
            state.dropped_fks[name] = (table, statement)
        return
    if match := _DROP_COLUMN.match(clause):
        name = unquote(match.group(1))
        dropped = columns.pop(name, Column(name, "?", False, False))
        state.dropped_columns.setdefault(table, {})[name] = (dropped, statement)
        state.add("column-dropped", statement, table, name)
        return
    if match := _ADD_COLUMN.match(clause):
        column = column_definition(f"{match.group(1)} {match.group(2)}")
        if column:
            columns[column.name] = column
            state.added_columns.setdefault(table, {})[column.name] = (column, statement)
            state.add(
                "column-added",
                statement,
                table,
                column.name,
                not_null=column.not_null,
                has_default=column.has_default,
                type=column.type,
                definition=match.group(2),
            )
        return
    if match := _SET_NOT_NULL.match(clause):
        name = unquote(match.group(1))
        if name in columns:
            columns[name] = Column(name, columns[name].type, True, columns[name].has_default)
        state.add("column-made-not-null", statement, table, name)
        return
    if match := _ALTER_TYPE.match(clause):
        name = unquote(match.group(1))
        new_type = re.split(r"\s+USING\s+", match.group(2), flags=re.IGNORECASE)[0].strip().upper()
        new_type = re.split(r"\s+COLLATE\s+", new_type, flags=re.IGNORECASE)[0].strip()
        current = columns.get(name)
        if current:
            columns[name] = Column(name, new_type, current.not_null, current.has_default)
        state.add("column-type-changed", statement, table, name, old=current.type if current else None, new=new_type)
        return
    if match := _MODIFY.match(clause):
        column = column_definition(f"{match.group(1)} {match.group(2)}")
        if column:
            previous = columns.get(column.name)
            columns[column.name] = column
            if previous and previous.type != column.type:
                state.add("column-type-changed", statement, table, column.name, old=previous.type, new=column.type)
            if previous and column.not_null and not previous.not_null:
                state.add("column-made-not-null", statement, table, column.name)


def _compare_redefined(state: _Pass, statement: Statement, table: str, old: dict[str, Column], old_fks: dict[str, str], new_fks: dict[str, str]) -> None:
    """SQLite redefines a table to alter it: compare the old and new column sets instead."""
    new = state.model.tables.get(table, {})
    copied = next((cols for target, (source, cols) in state.redefines.items() if source == table), [])
    for name, column in old.items():
        if name not in new:
            state.dropped_columns.setdefault(table, {})[name] = (column, statement)
            state.changes.append(Change("column-dropped", statement, table, name, True))
    for name, column in new.items():
        before = old.get(name)
        if before is None:
            state.added_columns.setdefault(table, {})[name] = (column, statement)
            state.changes.append(
                Change(
                    "column-added",
                    statement,
                    table,
                    name,
                    True,
                    {"not_null": column.not_null, "has_default": column.has_default or name in copied, "type": column.type},
                )
            )
            continue
        if before.type != column.type:
            state.changes.append(Change("column-type-changed", statement, table, name, True, {"old": before.type, "new": column.type}))
        if column.not_null and not before.not_null:
            state.changes.append(Change("column-made-not-null", statement, table, name, True))
    for name in old_fks:
        if name not in new_fks:
            state.changes.append(Change("foreign-key-dropped", statement, table, existing=True, detail={"name": name}))


def _finish(state: _Pass) -> None:
    """Changes only visible once the whole migration is read: renames written as drop + add, dropped FKs."""
    for name, (table, statement) in state.dropped_fks.items():
        if name not in state.model.foreign_keys:  # dropped and not re-created under the same name
            state.changes.append(Change("foreign-key-dropped", statement, table, existing=True, detail={"name": name}))
    for table, dropped in state.dropped_columns.items():
        for old, _statement in dropped.values():
            for new, added_at in state.added_columns.get(table, {}).values():
                if old.type == new.type:
                    state.changes.append(Change("column-renamed-as-drop", added_at, table, old.name, True, {"new": new.name, "type": new.type}))
    for old_table, (old_columns, statement) in state.dropped_tables.items():
        for new_table in sorted(state.created):
            if new_table != old_table and old_columns and set(state.model.tables.get(new_table, {})) == set(old_columns):
                state.changes.append(Change("table-renamed-as-drop", statement, old_table, existing=True, detail={"new": new_table}))
