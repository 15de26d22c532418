"""Every checklist convention is present in every generated model, for every provider."""

from __future__ import annotations

import re

import pytest
from generate_helpers import PROVIDERS, render_all

from azora_tasks.generate.naming import snake_plural

_MODEL = re.compile(r"^model (\w+) \{\n(.*?)^\}", re.MULTILINE | re.DOTALL)
_ENUM = re.compile(r"^enum (\w+) \{", re.MULTILINE)
_FIELD = re.compile(r"^  (\w+) +(\w+)(\?|\[\])? *(.*)$")
RENDERED = {provider: render_all(provider) for provider in PROVIDERS}
CASES = [(provider, name) for provider in PROVIDERS for name in RENDERED[provider]]


def models(text: str) -> dict[str, dict[str, tuple[str, str, str]]]:
    found = {}
    for name, body in _MODEL.findall(text):
        fields: dict[str, tuple[str, str, str]] = {}
        for line in body.splitlines():
            match = _FIELD.match(line)
            if match:
                fields[match.group(1)] = (match.group(2), match.group(3) or "", match.group(4))
        found[name] = {"fields": fields, "body": body}  # type: ignore[assignment]
    return found  # type: ignore[return-value]


@pytest.mark.parametrize(("provider", "name"), CASES)
def test_checklist_conventions(provider: str, name: str) -> None:
    text = RENDERED[provider][name]
    enums = set(_ENUM.findall(text))
    assert f'provider = "{provider}"' in text and 'url      = env("DATABASE_URL")' in text
    assert 'output   = "../generated/client"' in text
    parsed = models(text)
    assert parsed
    for model, info in parsed.items():
        fields, body = info["fields"], info["body"]  # type: ignore[index]
        assert fields["id"] == ("String", "", "@id @default(uuid())"), model
        assert fields["createdAt"] == ("DateTime", "", "@default(now())"), model
        assert fields["updatedAt"] == ("DateTime", "", "@updatedAt"), model
        assert fields["deletedAt"] == ("DateTime", "?", ""), model
        table = re.search(r'@@map\("(\w+)"\)', body).group(1)  # type: ignore[union-attr]
        assert table == snake_plural(model), (model, table)  # exactly the vocabulary's plural, not just "some plural"
        for field, (type_name, _modifier, attributes) in fields.items():
            # every relation is declared with @relation and its foreign key is indexed (or unique)
            relation = re.search(r"@relation\((?:\"\w+\", )?fields: \[(\w+)\]", attributes)
            if relation:
                key = relation.group(1)
                assert f"@@index([{key}])" in body or "@unique" in fields[key][2], (model, key)
            # every id-like column is indexed
            if field.endswith("Id") and type_name == "String" and "@unique" not in attributes:
                assert re.search(rf"@@(index|unique)\(\[{field}[,\]]", body), (model, field)
            # status/type fields are enums
            if field in ("status", "type", "kind", "role") or field.endswith("Status"):
                assert type_name in enums, (model, field)
            # money is never a Float; Decimal has native precision where the provider has native types
            assert type_name != "Float", (model, field)
            if type_name == "Decimal" and provider == "sqlite":
                assert "@db." not in attributes
        if provider == "sqlite":
            assert "@db." not in body


def test_money_has_fixed_precision_on_native_type_providers() -> None:
    text = RENDERED["postgresql"]["azora-pay-service"]
    assert re.search(r"\n  amount +Decimal +@db\.Decimal\(19, 4\)\n", text)
    assert re.search(r"\n  amount +Decimal\n", RENDERED["sqlite"]["azora-pay-service"])


def test_references_to_other_services_follow_the_user_reference_pattern() -> None:
    text = RENDERED["sqlite"]["enrollment-service"]
    assert "/// References auth.User (another service's database: no foreign key)\n  studentId " in text
    assert "@@index([studentId])" in text and "@@index([courseId])" in text


def test_self_relations_are_named() -> None:
    text = RENDERED["sqlite"]["file-storage-service"]
    assert '@relation("FolderParent", fields: [parentId], references: [id], onDelete: SetNull)' in text
    assert re.search(r'\n  children +Folder\[\] +@relation\("FolderParent"\)\n', text)


def test_archetypes_cover_every_category() -> None:
    from generate_helpers import repo_manifest

    manifest = repo_manifest()
    archetypes = {name.split(":", 1)[1] for name in RENDERED["sqlite"] if name.startswith("archetype:")}
    assert set(manifest.categories) <= archetypes
    for key in archetypes:
        assert len(models(RENDERED["sqlite"][f"archetype:{key}"])) >= 3, key
