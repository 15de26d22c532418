"""Parse and check compact model descriptions into frozen dataclasses.

A service declares its models in `services.toml` (and every category archetype
under `templates/archetypes/` uses the same format):

    [services.auth.models.Session]
    doc = "A signed-in browser or device"
    index = ["expiresAt"]
    fields.user = "-> User"               # relation inside the service (adds userId + @@index)
    fields.token = "String unique"
    fields.expiresAt = "DateTime"

    [services.auth.enums]
    UserRole = ["STUDENT", "INSTRUCTOR", "ADMIN"]

The checks here are the Schema Quality Checklist's rules that a description can
break (status fields without an enum, money as Float, unknown relation
targets...). Every error names the key path, what is wrong and the fix, because
the reader is editing the manifest right now. What every model gets anyway (id,
timestamps, soft delete, @@map) is the renderer's job, so it cannot be forgotten.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from azora_tasks.generate.naming import lower_first, plural, snake_plural
from azora_tasks.vocabulary import MONEY_WORDS, OPEN_ENDED_NAMES, STATE_WORDS, is_id_name, is_money_name, is_state_name  # noqa: F401 (re-exported)

SCALAR_TYPES = ("String", "Text", "Int", "BigInt", "Boolean", "DateTime", "Decimal", "Money", "Json", "Bytes", "Float")
AUTOMATIC_FIELDS = ("id", "createdAt", "updatedAt", "deletedAt")
MODEL_KEYS = ("fields", "index", "unique", "doc", "table")

_MODEL_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_FIELD_NAME = re.compile(r"^[a-z][A-Za-z0-9]*$")
_ENUM_VALUE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Money and state words come from azora_tasks.vocabulary, shared with the schema linter.
_FIELD_SYNTAX = 'write it as "<Type>[?] [= default] [unique] [index] [doc=...]", "-> Model[?] [unique] [back=name]" or "ref service.Model[?] [unique]"'


class SpecError(Exception):
    """A model description problem: where (a key path), what, and how to fix it."""

    def __init__(self, keypath: tuple[str, ...], problem: str, fix: str) -> None:
        self.keypath = keypath
        self.problem = problem
        self.fix = fix
        super().__init__(f"{'.'.join(keypath)}: {problem}\n  fix: {fix}")


@dataclass(frozen=True)
class Column:
    """A scalar field: a built-in type (see SCALAR_TYPES) or one of the service's enums."""

    name: str
    type: str
    optional: bool = False
    default: str | None = None  # the Prisma expression inside @default(...)
    unique: bool = False
    indexed: bool = False
    is_enum: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Relation:
    """A reference to another model of the same service: a foreign key plus an `@relation` field."""

    name: str  # the relation field, e.g. "user"
    target: str  # the model, e.g. "User"
    optional: bool = False
    unique: bool = False  # one-to-one: the back relation is `Model?` instead of `Model[]`
    back: str = ""  # the field on the target that lists (or holds) this model's rows
    relation_name: str | None = None  # only when Prisma needs one to tell relations apart
    doc: str = ""

    @property
    def foreign_key(self) -> str:
        return f"{self.name}Id"

    @property
    def on_delete(self) -> str:
        return "SetNull" if self.optional else "Cascade"


@dataclass(frozen=True)
class Reference:
    """A record of another service (its own database, so no foreign key): the seed's "User Reference"."""

    name: str  # e.g. "userId"
    service: str
    model: str
    optional: bool = False
    unique: bool = False
    doc: str = ""


Member = Column | Relation | Reference


@dataclass(frozen=True)
class Model:
    name: str
    table: str
    members: tuple[Member, ...]
    indexes: tuple[tuple[str, ...], ...] = ()  # declared query fields; foreign keys are added by the renderer
    uniques: tuple[tuple[str, ...], ...] = ()
    doc: str = ""

    @property
    def relations(self) -> tuple[Relation, ...]:
        return tuple(m for m in self.members if isinstance(m, Relation))


@dataclass(frozen=True)
class Enum:
    name: str
    values: tuple[str, ...]
    doc: str = ""


@dataclass(frozen=True)
class ServiceSpec:
    models: tuple[Model, ...]
    enums: tuple[Enum, ...] = ()
    source: str = ""  # "manifest" or "archetype <key>"

    def model(self, name: str) -> Model:
        return next(m for m in self.models if m.name == name)

    def back_relations(self, model: str) -> list[tuple[Model, Relation]]:
        """Relations of every model that point at `model`, in declaration order."""
        return [(m, r) for m in self.models for r in m.relations if r.target == model]


# --- parsing ----------------------------------------------------------------------


def parse_spec(
    raw_models: Mapping[str, Any],
    raw_enums: Mapping[str, Any],
    where: tuple[str, ...],
    *,
    known_services: Mapping[str, Collection[str] | None] | None = None,
    source: str = "manifest",
) -> ServiceSpec:
    """Check a service's `models` and `enums` tables and return the parsed spec.

    `where` is the key path of the service (e.g. ("services", "auth")), used in errors.
    `known_services` maps service names to their declared model names (None: not
    described, any model accepted); `ref` targets are checked against it when given.
    """
    if not isinstance(raw_models, Mapping) or not raw_models:
        raise SpecError((*where, "models"), "no models declared", f"add at least one [{'.'.join(where)}.models.<Name>] table")
    enums = _parse_enums(raw_enums, (*where, "enums"))
    enum_names = {e.name for e in enums}
    model_names = list(raw_models)
    for name in model_names:
        if not _MODEL_NAME.match(name):
            raise SpecError(
                (*where, "models", name),
                f"model name {name!r} is not PascalCase",
                f"rename it, e.g. {name[:1].upper() + re.sub(r'[^A-Za-z0-9]', '', name[1:])}",
            )
        if name in enum_names:
            raise SpecError((*where, "models", name), f"{name!r} is both a model and an enum", "rename one of them")
        if name in SCALAR_TYPES:
            raise SpecError((*where, "models", name), f"{name!r} is a built-in type name", "rename the model")
    drafts = [_parse_model(name, raw_models[name], (*where, "models", name), set(model_names), enum_names, known_services) for name in model_names]
    models = _link_relations(drafts, where)
    _check_tables(models, where)
    spec = ServiceSpec(tuple(models), tuple(enums), source)
    check_enum_defaults(spec, where)
    return spec


def _parse_enums(raw: Any, where: tuple[str, ...]) -> list[Enum]:
    if not isinstance(raw, Mapping):
        raise SpecError(where, "expected a table of enums", 'write Name = ["VALUE_A", "VALUE_B"]')
    enums = []
    for name, values in raw.items():
        keypath = (*where, name)
        if not _MODEL_NAME.match(name):
            raise SpecError(keypath, f"enum name {name!r} is not PascalCase", "rename it, e.g. OrderStatus")
        if name in SCALAR_TYPES:
            raise SpecError(keypath, f"{name!r} is a built-in type name", "rename the enum")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise SpecError(keypath, "expected a non-empty array of strings", f'write {name} = ["ACTIVE", "INACTIVE"]')
        for value in values:
            if not _ENUM_VALUE.match(value):
                raise SpecError(
                    keypath, f"enum value {value!r} is not UPPER_SNAKE_CASE", f"write it as {re.sub(r'[^A-Z0-9]+', '_', value.upper()).strip('_') or 'VALUE'}"
                )
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise SpecError(keypath, f"duplicate values: {', '.join(duplicates)}", "keep each value once")
        enums.append(Enum(name, tuple(values)))
    return enums


@dataclass
class _Draft:
    name: str
    table: str
    doc: str
    members: list[Member]
    indexes: list[tuple[str, ...]]
    uniques: list[tuple[str, ...]]
    where: tuple[str, ...]
    backs: dict[str, str] = field(default_factory=dict)  # relation field -> explicit back= name


def _parse_model(
    name: str,
    raw: Any,
    where: tuple[str, ...],
    model_names: set[str],
    enum_names: set[str],
    known_services: Mapping[str, Collection[str] | None] | None,
) -> _Draft:
    if not isinstance(raw, Mapping):
        raise SpecError(where, "expected a table", f'write it as [{".".join(where)}] with fields.<name> = "String" lines')
    for key in raw:
        if key not in MODEL_KEYS:
            raise SpecError((*where, key), f"unknown key {key!r}", f"use one of: {', '.join(MODEL_KEYS)}")
    fields = raw.get("fields")
    if not isinstance(fields, Mapping) or not fields:
        raise SpecError((*where, "fields"), "a model needs at least one field", 'add e.g. fields.name = "String"')
    doc = _string(raw, "doc", where)
    table = _string(raw, "table", where) or snake_plural(name)
    if not _TABLE_NAME.match(table):
        raise SpecError((*where, "table"), f"table name {table!r} is not snake_case", f'write table = "{snake_plural(name)}"')
    draft = _Draft(name, table, doc, [], [], [], where)
    for field_name, text in fields.items():
        keypath = (*where, "fields", field_name)
        if not isinstance(text, str):
            raise SpecError(keypath, "expected a string", _FIELD_SYNTAX)
        if field_name in AUTOMATIC_FIELDS:
            raise SpecError(keypath, f"{field_name!r} is added to every model automatically", "remove this line")
        if not _FIELD_NAME.match(field_name):
            raise SpecError(
                keypath, f"field name {field_name!r} is not camelCase", f"rename it, e.g. {lower_first(re.sub(r'[^A-Za-z0-9]', '', field_name.title()))}"
            )
        member, back = _parse_member(field_name, text, keypath, model_names, enum_names, known_services)
        draft.members.append(member)
        if back:
            draft.backs[field_name] = back
    names = _column_names(draft.members)
    relation_fields = {m.name for m in draft.members if isinstance(m, Relation)}
    for key, target in (("index", draft.indexes), ("unique", draft.uniques)):
        for position, entry in enumerate(_list_of_field_lists(raw.get(key, []), (*where, key), key)):
            for column in entry:
                if column in relation_fields:
                    raise SpecError((*where, key), f"{column!r} is a relation, not a column", f"use its foreign key {column}Id")
                if column not in names:
                    raise SpecError((*where, key), f"unknown field {column!r} in entry {position + 1}", f"use one of: {', '.join(sorted(names))}")
            if entry not in target:
                target.append(entry)
    return draft


def _column_names(members: list[Member]) -> set[str]:
    names = set(AUTOMATIC_FIELDS)
    for member in members:
        names.add(member.foreign_key if isinstance(member, Relation) else member.name)
    return names


def _string(raw: Mapping[str, Any], key: str, where: tuple[str, ...]) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise SpecError((*where, key), "expected a string", f'write {key} = "..."')
    if "\n" in value:
        raise SpecError((*where, key), "must be a single line", "shorten it to one line")
    return value.strip()


def _list_of_field_lists(raw: Any, where: tuple[str, ...], key: str) -> list[tuple[str, ...]]:
    example = f'write {key} = ["status", ["userId", "createdAt"]] (a field, or an array of fields for a composite)'
    if not isinstance(raw, list):
        raise SpecError(where, "expected an array", example)
    entries: list[tuple[str, ...]] = []
    for item in raw:
        if isinstance(item, str):
            entries.append((item,))
        elif isinstance(item, list) and item and all(isinstance(i, str) for i in item):
            entries.append(tuple(item))
        else:
            raise SpecError(where, f"unexpected entry {item!r}", example)
    return entries


def _parse_member(
    name: str,
    text: str,
    where: tuple[str, ...],
    model_names: set[str],
    enum_names: set[str],
    known_services: Mapping[str, Collection[str] | None] | None,
) -> tuple[Member, str]:
    doc = ""
    if " doc=" in f" {text}":
        text, _, doc = text.partition("doc=")
        doc = doc.strip()
    try:
        tokens = shlex.split(text)
    except ValueError as error:
        raise SpecError(where, f"cannot read {text!r}: {error}", _FIELD_SYNTAX) from None
    if not tokens:
        raise SpecError(where, "empty field description", _FIELD_SYNTAX)
    head, rest = tokens[0], tokens[1:]
    if head == "->":
        return _parse_relation(name, rest, where, model_names, doc)
    if head == "ref":
        return _parse_reference(name, rest, where, known_services, doc), ""
    return _parse_column(name, head, rest, where, model_names, enum_names, doc), ""


def _flags(rest: list[str], allowed: tuple[str, ...], where: tuple[str, ...]) -> tuple[set[str], dict[str, str]]:
    flags: set[str] = set()
    options: dict[str, str] = {}
    for token in rest:
        key, eq, value = token.partition("=")
        if eq and key in allowed:
            options[key] = value
        elif token in allowed:
            flags.add(token)
        else:
            raise SpecError(where, f"unexpected {token!r}", f"use only: {', '.join(allowed)} ({_FIELD_SYNTAX})")
    return flags, options


def _split_optional(type_name: str) -> tuple[str, bool]:
    return (type_name[:-1], True) if type_name.endswith("?") else (type_name, False)


def _parse_relation(name: str, rest: list[str], where: tuple[str, ...], model_names: set[str], doc: str) -> tuple[Relation, str]:
    if not rest:
        raise SpecError(where, "relation without a target model", 'write "-> User" (or "-> User?" if optional)')
    target, optional = _split_optional(rest[0])
    if target not in model_names:
        hint = (
            'for another service\'s record use "ref service.Model"' if "." in target else f"use one of this service's models: {', '.join(sorted(model_names))}"
        )
        raise SpecError(where, f"unknown model {target!r}", hint)
    if name.endswith("Id"):
        raise SpecError(where, f"relation field {name!r} ends in Id", f"name the relation {name[:-2]!r}; the generator adds the foreign key {name!r}")
    flags, options = _flags(rest[1:], ("unique", "back"), where)
    back = options.get("back", "")
    if back and not _FIELD_NAME.match(back):
        raise SpecError(where, f"back={back!r} is not a camelCase field name", "write e.g. back=children")
    return Relation(name, target, optional, "unique" in flags, doc=doc), back


def _parse_reference(name: str, rest: list[str], where: tuple[str, ...], known_services: Mapping[str, Collection[str] | None] | None, doc: str) -> Reference:
    if not rest or rest[0].count(".") != 1:
        raise SpecError(where, "reference without a service.Model target", 'write "ref auth.User" (or "ref auth.User?" if optional)')
    target, optional = _split_optional(rest[0])
    service, model = target.split(".")
    if not name.endswith("Id"):
        raise SpecError(where, f"reference field {name!r} does not end in Id", f"rename it {name}Id (the seed's User Reference pattern: userId String)")
    if known_services is not None:
        if service not in known_services:
            raise SpecError(where, f"unknown service {service!r}", "use a service declared in the manifest")
        models = known_services[service]
        if models is not None and model not in models:
            raise SpecError(where, f"service {service!r} declares no model {model!r}", f"use one of: {', '.join(sorted(models))}")
    flags, _ = _flags(rest[1:], ("unique",), where)
    return Reference(name, service, model, optional, "unique" in flags, doc)


def _parse_column(name: str, head: str, rest: list[str], where: tuple[str, ...], model_names: set[str], enum_names: set[str], doc: str) -> Column:
    if head.endswith("[]"):
        raise SpecError(
            where,
            "scalar lists are PostgreSQL-only and relation lists are implied",
            'use "Json" for a list of values, or declare "-> Model" on the other model',
        )
    type_name, optional = _split_optional(head)
    if type_name in model_names:
        raise SpecError(where, f"{type_name!r} is a model: a relation needs an arrow", f'write "-> {head}"')
    is_enum = type_name in enum_names
    if type_name not in SCALAR_TYPES and not is_enum:
        raise SpecError(where, f"unknown type {type_name!r}", f"use one of {', '.join(SCALAR_TYPES)} or an enum declared under enums")
    if type_name in ("String", "Text", "Int") and is_state_name(name):
        raise SpecError(
            where,
            f"{name!r} is a status/type field declared as {type_name}",
            f'declare an enum under enums (e.g. {name[:1].upper()}{name[1:]} = ["ACTIVE", "INACTIVE"]) and use it as the type',
        )
    if type_name in ("Float", "String", "Text") and is_money_name(name):
        raise SpecError(where, f"{name!r} holds money but is a {type_name}", 'use "Money" (Decimal with fixed precision) -- floats round cents away')
    default = None
    if "=" in rest:
        position = rest.index("=")
        if position + 1 >= len(rest):
            raise SpecError(where, "'=' without a default value", 'write e.g. "Int = 0"')
        default = _default_expression(type_name, rest[position + 1], is_enum, enum_names, where)
        rest = rest[:position] + rest[position + 2 :]
    flags, _ = _flags(rest, ("unique", "index"), where)
    if type_name in ("Text", "Json", "Bytes") and flags:
        raise SpecError(where, f"{type_name} columns cannot be unique or indexed on every provider", "index a shorter String column instead")
    if "unique" in flags and "index" in flags:
        raise SpecError(where, "unique already creates an index", "drop 'index'")
    return Column(name, type_name, optional, default, "unique" in flags, "index" in flags, is_enum, doc)


def _default_expression(type_name: str, value: str, is_enum: bool, enum_names: set[str], where: tuple[str, ...]) -> str:
    if is_enum:
        return value  # checked against the enum's values after all enums are known (see _check_enum_defaults)
    if type_name == "String":
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if type_name == "Boolean" and value in ("true", "false"):
        return value
    if type_name in ("Int", "BigInt") and re.fullmatch(r"-?\d+", value):
        return value
    if type_name in ("Decimal", "Money", "Float") and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return value
    if type_name == "DateTime" and value == "now":
        return "now()"
    raise SpecError(
        where,
        f"default {value!r} does not fit type {type_name}",
        "use true/false, a number, a word for String, `now` for DateTime or an enum value; Text/Json/Bytes take no default",
    )


# --- linking relations -------------------------------------------------------------


def _link_relations(drafts: list[_Draft], where: tuple[str, ...]) -> list[Model]:
    """Give every relation its back field and, where Prisma needs one, a relation name."""
    pair_counts: dict[tuple[str, str], int] = {}
    for draft in drafts:
        for member in draft.members:
            if isinstance(member, Relation):
                first, second = sorted((draft.name, member.target))
                pair_counts[(first, second)] = pair_counts.get((first, second), 0) + 1
    taken: dict[str, set[str]] = {d.name: _column_names(d.members) | {m.name for m in d.members} for d in drafts}
    models = []
    for draft in drafts:
        members: list[Member] = []
        for member in draft.members:
            if isinstance(member, Relation):
                pair = tuple(sorted((draft.name, member.target)))
                ambiguous = pair_counts[pair] > 1 or member.target == draft.name  # type: ignore[index]
                back = draft.backs.get(member.name) or _default_back(draft.name, member, ambiguous)
                keypath = (*draft.where, "fields", member.name)
                if back in taken[member.target]:
                    raise SpecError(
                        keypath,
                        f"the back relation {member.target}.{back} clashes with an existing field",
                        f'name it: "-> {member.target}{"?" if member.optional else ""} back=<otherName>"',
                    )
                taken[member.target].add(back)
                if member.foreign_key in {m.name for m in draft.members}:
                    raise SpecError(keypath, f"the foreign key {member.foreign_key!r} is also declared as a field", f"remove fields.{member.foreign_key}")
                name = f"{draft.name}{member.name[:1].upper()}{member.name[1:]}" if ambiguous else None
                member = Relation(member.name, member.target, member.optional, member.unique, back, name, member.doc)
            members.append(member)
        models.append(Model(draft.name, draft.table, tuple(members), tuple(draft.indexes), tuple(draft.uniques), draft.doc))
    return models


def _default_back(source: str, relation: Relation, ambiguous: bool) -> str:
    base = lower_first(source) if relation.unique else lower_first(plural(source))
    if not ambiguous:
        return base
    return f"{relation.name}{base[:1].upper()}{base[1:]}"


def _check_tables(models: list[Model], where: tuple[str, ...]) -> None:
    seen: dict[str, str] = {}
    for model in models:
        if model.table in seen:
            raise SpecError(
                (*where, "models", model.name, "table"), f"table {model.table!r} is also used by {seen[model.table]}", 'set a different table = "..."'
            )
        seen[model.table] = model.name


def check_enum_defaults(spec: ServiceSpec, where: tuple[str, ...]) -> None:
    """An enum default must be one of the enum's values (checked once all enums are known)."""
    values = {e.name: e.values for e in spec.enums}
    for model in spec.models:
        for member in model.members:
            if isinstance(member, Column) and member.is_enum and member.default is not None and member.default not in values[member.type]:
                raise SpecError(
                    (*where, "models", model.name, "fields", member.name),
                    f"{member.default!r} is not a value of {member.type}",
                    f"use one of: {', '.join(values[member.type])}",
                )
