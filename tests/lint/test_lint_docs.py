"""The committed rules page is exactly what the registry renders."""

from __future__ import annotations

from pathlib import Path

from azora_tasks.lint import RULES
from azora_tasks.lint.docs import render_rules_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "lint-rules.md"


def test_committed_rules_page_matches_the_registry():
    assert DOC.read_text(encoding="utf-8") == render_rules_markdown(), "docs/lint-rules.md is stale: run `python -m azora_tasks.lint.docs > docs/lint-rules.md`"


def test_every_rule_has_a_section_with_severity_and_examples():
    page = render_rules_markdown()
    for rule in RULES:
        assert f"### {rule.code} {rule.name}" in page
        assert f"`{rule.name}` | {rule.default_severity.value} |" in page
    assert page.count("```prisma") >= 2 * len(RULES)


def test_suppression_example_on_the_page_works():
    import re

    from azora_tasks.lint import LintConfig, lint_text

    page = render_rules_markdown()
    example = re.search(r"## Suppressions.*?```prisma\n(.*?)```", page, re.S).group(1)
    config = LintConfig.from_mapping({"soft-delete": "error", "money-decimal": "error"})
    result = lint_text(example, "example.prisma", config=config)
    assert not [f for f in result.findings if f.code in ("AZL003", "AZL008", "AZL090")]
    assert result.suppressed == 2


def test_the_page_says_per_rule_whether_it_is_fixable():
    from azora_tasks.lint.docs import fixable_label

    page = render_rules_markdown()
    for rule in RULES:
        section = page.split(f"### {rule.code} {rule.name}", 1)[1].split("\n### ", 1)[0]
        assert "**Fixable:** " + (rule.fixable or "no") in section
        assert f"| `{rule.name}` | {rule.default_severity.value} | {fixable_label(rule)} |" in page
    labels = {r.code: fixable_label(r) for r in RULES}
    assert labels["AZL002"] == labels["AZL001"] == "partly" and labels["AZL006"] == "yes"
    assert labels["AZL007"] == "unsafe" and labels["AZL008"] == "no"
