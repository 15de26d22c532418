"""One vocabulary: what the generator writes, the linter accepts, with the same words."""

from __future__ import annotations

import pytest
from generate_helpers import PROVIDERS, render_all

from azora_tasks import vocabulary
from azora_tasks.generate import naming, spec
from azora_tasks.generate.render import render_schema
from azora_tasks.generate.spec import SpecError, parse_spec
from azora_tasks.lint import RULES, LintConfig, lint_text
from azora_tasks.lint import words as lint_words
from azora_tasks.lint.rules import types as lint_types

EVERY_RULE = LintConfig.from_mapping({r.code: "error" for r in RULES if r.code != "AZL015"})  # unbounded-string is opt-in


@pytest.mark.parametrize(
    ("model", "table", "back"),
    [
        ("Quiz", "quizzes", "quizzes"),
        ("Curriculum", "curricula", "curricula"),
        ("ModuleProgress", "module_progress", "moduleProgress"),
        ("Category", "categories", "categories"),
        ("Address", "addresses", "addresses"),
        ("Person", "people", "people"),
        ("SearchIndex", "search_indexes", "searchIndexes"),
        ("Media", "media", "media"),
        ("Status", "statuses", "statuses"),
    ],
)
def test_generator_and_linter_pluralise_the_same_way(model: str, table: str, back: str) -> None:
    assert naming.snake_plural(model) == lint_words.snake_plural(model) == table
    assert vocabulary.lower_first(naming.plural(model)) == back
    assert not vocabulary.is_plural_word(vocabulary.split_words(model)[-1])  # model names read singular


def test_one_copy_of_the_word_lists() -> None:
    assert spec.MONEY_WORDS is lint_words.MONEY_WORDS is vocabulary.MONEY_WORDS
    assert spec.STATE_WORDS is lint_types.STATE_WORDS is vocabulary.STATE_WORDS
    assert spec.is_money_name is lint_types.is_money_name
    assert "tuition" in vocabulary.MONEY_WORDS  # once only in the generator's copy


def test_tricky_nouns_render_lint_clean() -> None:
    parsed = parse_spec(
        {
            "Quiz": {"fields": {"title": "String", "curriculum": "-> Curriculum"}},
            "Curriculum": {"fields": {"title": "String", "tuition": "Money"}},
            "ModuleProgress": {"fields": {"quiz": "-> Quiz", "percent": "Int = 0", "state": "ProgressState"}},
            "Person": {"fields": {"name": "String"}},
            "SearchIndex": {"fields": {"term": "String unique"}},
        },
        {"ProgressState": ["STARTED", "DONE"]},
        ("services", "demo"),
    )
    for provider in PROVIDERS:
        text = render_schema(parsed, service="demo", description="tricky nouns", provider=provider)
        assert '@@map("quizzes")' in text and '@@map("curricula")' in text and '@@map("module_progress")' in text
        assert lint_text(text, "demo.prisma", config=EVERY_RULE).findings == []


def test_generator_refuses_what_the_linter_flags() -> None:
    with pytest.raises(SpecError, match="holds money"):
        parse_spec({"Course": {"fields": {"tuition": "Float"}}}, {}, ("services", "demo"))
    assert [
        f.code
        for f in lint_text(
            "model C {\n  id String @id @default(uuid())\n  tuition Float\n}\n", "c.prisma", config=LintConfig.from_mapping({"select": ["money-decimal"]})
        ).findings
    ] == ["AZL008"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_archetype_and_described_service_lints_clean(provider: str) -> None:
    rendered = render_all(provider)
    assert any(name.startswith("archetype:") for name in rendered)
    for name, text in rendered.items():
        findings = lint_text(text, f"{name}.prisma", config=EVERY_RULE, provider=provider).findings
        assert findings == [], (name, [(f.code, f.message) for f in findings])
