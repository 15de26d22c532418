"""Model descriptions: what parses, and errors that name the key, the problem and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from azora_tasks.generate.archetypes import spec_for
from azora_tasks.generate.naming import plural, snake_plural
from azora_tasks.generate.spec import Column, Reference, Relation, SpecError, parse_spec
from azora_tasks.manifest import ManifestError, load_manifest
from azora_tasks.tasks.generate import build_generate

WHERE = ("services", "demo")


def parse(models, enums=None, known=None):  # type: ignore[no-untyped-def]
    return parse_spec(models, enums or {}, WHERE, known_services=known)


def test_parses_columns_relations_references_and_enums() -> None:
    spec = parse(
        {
            "User": {"fields": {"email": "String unique", "role": "Role = ADMIN", "bio": "Text? doc=About me", "score": "Int = 0 index"}},
            "Post": {"fields": {"author": "-> User", "editor": "-> User? back=editedPosts", "courseId": "ref course-service.Course?"}, "index": ["courseId"]},
        },
        {"Role": ["ADMIN", "MEMBER"]},
        known={"course-service": ("Course",)},
    )
    user, post = spec.models
    assert user.table == "users" and post.table == "posts"
    assert user.members[0] == Column("email", "String", unique=True)
    assert user.members[1] == Column("role", "Role", default="ADMIN", is_enum=True)
    assert user.members[2].doc == "About me" and user.members[3].indexed
    author, editor, course = post.members
    assert isinstance(author, Relation) and author.foreign_key == "authorId" and author.on_delete == "Cascade"
    # two relations between Post and User: Prisma needs relation names, back fields must differ
    assert author.relation_name == "PostAuthor" and author.back == "authorPosts"
    assert editor.optional and editor.back == "editedPosts" and editor.on_delete == "SetNull"
    assert isinstance(course, Reference) and (course.service, course.model, course.optional) == ("course-service", "Course", True)


@pytest.mark.parametrize(
    ("models", "enums", "key", "problem", "fix"),
    [
        ({"User": {"fields": {"status": "String"}}}, {}, "models.User.fields.status", "status/type field", "declare an enum"),
        ({"User": {"fields": {"paymentType": "String"}}}, {}, "models.User.fields.paymentType", "status/type field", "enum"),
        ({"Order": {"fields": {"totalAmount": "Float"}}}, {}, "models.Order.fields.totalAmount", "holds money", "Money"),
        ({"Post": {"fields": {"author": "-> Person"}}}, {}, "models.Post.fields.author", "unknown model 'Person'", "use one of"),
        ({"Post": {"fields": {"authorId": "-> Post"}}}, {}, "models.Post.fields.authorId", "ends in Id", "name the relation 'author'"),
        ({"Post": {"fields": {"author": "ref auth.User"}}}, {}, "models.Post.fields.author", "does not end in Id", "authorId"),
        ({"Post": {"fields": {"userId": "ref nowhere.User"}}}, {}, "models.Post.fields.userId", "unknown service 'nowhere'", "manifest"),
        ({"Post": {"fields": {"userId": "ref auth.Account"}}}, {}, "models.Post.fields.userId", "declares no model 'Account'", "User"),
        ({"Post": {"fields": {"createdAt": "DateTime"}}}, {}, "models.Post.fields.createdAt", "automatically", "remove"),
        ({"Post": {"fields": {"title": "Strin"}}}, {}, "models.Post.fields.title", "unknown type 'Strin'", "String"),
        ({"Post": {"fields": {"kind": "PostKind = NOPE"}}}, {"PostKind": ["A"]}, "models.Post.fields.kind", "'NOPE' is not a value", "A"),
        ({"Post": {"fields": {"title": "String"}, "index": ["titel"]}}, {}, "models.Post.index", "unknown field 'titel'", "title"),
        ({"post": {"fields": {"title": "String"}}}, {}, "models.post", "not PascalCase", "Post"),
        ({"Post": {"fields": {"tags": "String[]"}}}, {}, "models.Post.fields.tags", "PostgreSQL-only", "Json"),
        ({"Post": {"fields": {}}}, {}, "models.Post.fields", "at least one field", "fields.name"),
        ({"Post": {"fields": {"x": "String"}, "colour": "red"}}, {}, "models.Post.colour", "unknown key", "fields"),
        ({"Post": {"fields": {"x": "String"}}}, {"Kind": ["lower"]}, "enums.Kind", "UPPER_SNAKE_CASE", "LOWER"),
    ],
)
def test_errors_name_the_key_the_problem_and_the_fix(models, enums, key, problem, fix) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SpecError) as caught:
        parse(models, enums, known={"auth": ("User",)})
    assert ".".join(caught.value.keypath) == f"services.demo.{key}"
    assert problem in caught.value.problem
    assert fix in caught.value.fix


def test_manifest_errors_are_located_and_stop_the_run_before_any_write(monorepo: Path) -> None:
    path = monorepo / "services.toml"
    text = path.read_text(encoding="utf-8").replace('fields.passwordHash = "String"', 'fields.passwordHash = "String"\nfields.status2 = "String"', 1)
    text = text.replace('fields.status2 = "String"', 'fields.accountStatus = "String"')
    path.write_text(text, encoding="utf-8")
    manifest = load_manifest(path)
    with pytest.raises(ManifestError) as caught:
        build_generate(manifest, None, None)  # type: ignore[arg-type]
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("fields.accountStatus"))
    assert caught.value.line == line
    assert caught.value.key == "services.auth.models.User.fields.accountStatus"
    assert not (monorepo / "services").exists()


def test_services_without_descriptions_use_their_category_archetype(manifest) -> None:  # type: ignore[no-untyped-def]
    described = [s for s in manifest.services.values() if s.models]
    assert {s.name for s in described} == {s.name for s in manifest.services.values() if s.phase == 1}
    ledger = spec_for(manifest, manifest.services["azora-ledger"])
    assert ledger.source.endswith("templates/archetypes/financial.toml")
    assert [m.name for m in ledger.models] == ["Account", "Transaction", "LedgerEntry"]


@pytest.mark.parametrize(
    ("word", "expected", "table"),
    [
        ("RefreshToken", "RefreshTokens", "refresh_tokens"),
        ("Category", "Categories", "categories"),
        ("Address", "Addresses", "addresses"),
        ("SearchEntry", "SearchEntries", "search_entries"),
        ("Day", "Days", "days"),
    ],
)
def test_naming(word: str, expected: str, table: str) -> None:
    assert plural(word) == expected
    assert snake_plural(word) == table
