"""Inline suppressions: scope, reasons, counting, and void suppressions."""

from __future__ import annotations

from lint_helpers import lint_only, positions

BASE = """\
model Course {{
{body}
}}
"""


def lint(body: str, *rules: str):
    return lint_only(BASE.format(body=body), *(rules or ("soft-delete", "money-decimal", "invalid-suppression")))


def test_field_suppression_silences_only_that_field_and_is_counted():
    result = lint("  /// azora-lint-ignore money-decimal prices come from a float feed\n  price Float\n  fee   Float\n  deletedAt DateTime?")
    assert positions(result) == [("AZL008", 4, 9)]
    assert result.suppressed == 1


def test_code_and_name_and_plain_line_comment_are_accepted():
    result = lint(
        "  // azora-lint-ignore AZL008 legacy column\n  price Float\n  fee   Float // azora-lint-ignore money-decimal: legacy too\n  deletedAt DateTime?"
    )
    assert result.findings == [] and result.suppressed == 2


def test_suppression_above_model_applies_to_the_model_and_its_fields():
    text = "/// azora-lint-ignore soft-delete, money-decimal ledger rows are immutable\nmodel Ledger {\n  amount Float\n}\nmodel Other {\n  amount Float\n}\n"
    result = lint_only(text, "soft-delete", "money-decimal", "invalid-suppression")
    assert positions(result) == [("AZL003", 5, 7), ("AZL008", 6, 10)]
    assert result.suppressed == 2


def test_body_comment_not_above_a_field_applies_to_the_model():
    result = lint("  id String @id\n\n  // azora-lint-ignore soft-delete archived through the catalog service\n\n  price Decimal")
    assert result.findings == [] and result.suppressed == 1


def test_ignore_model_above_a_field_still_covers_the_model():
    result = lint("  /// azora-lint-ignore-model soft-delete catalog rows are archived elsewhere\n  price Float")
    assert positions(result) == [("AZL008", 3, 9)]
    assert result.suppressed == 1


def test_field_suppression_does_not_cover_model_level_findings():
    result = lint("  /// azora-lint-ignore soft-delete wrong place\n  price Decimal")
    assert positions(result) == [("AZL003", 1, 7)]
    assert result.suppressed == 0


def test_missing_reason_is_a_finding_and_does_not_suppress():
    result = lint("  /// azora-lint-ignore money-decimal\n  price Float\n  deletedAt DateTime?")
    assert positions(result) == [("AZL090", 2, 3), ("AZL008", 3, 9)]
    assert "needs a reason" in result.findings[0].message
    assert result.suppressed == 0


def test_unknown_rule_and_missing_rule_are_findings():
    result = lint("  /// azora-lint-ignore no-such-rule because\n  price Decimal\n  /// azora-lint-ignore\n  fee Decimal\n  deletedAt DateTime?")
    assert positions(result) == [("AZL090", 2, 3), ("AZL090", 4, 3)]
    assert "unknown rule 'no-such-rule'" in result.findings[0].message
    assert "needs a rule and a reason" in result.findings[1].message


def test_stray_suppression_is_reported():
    text = "// azora-lint-ignore soft-delete floating around\n\nmodel Course {\n  deletedAt DateTime?\n}\n"
    result = lint_only(text, "soft-delete", "invalid-suppression")
    assert positions(result) == [("AZL090", 1, 1)]
    assert "not attached" in result.findings[0].message


def test_blank_line_breaks_attachment_to_the_next_field():
    result = lint("  /// azora-lint-ignore money-decimal gap below\n\n  price Float\n  deletedAt DateTime?")
    # A detached comment inside the body applies to the model, so the field is still covered.
    assert result.findings == [] and result.suppressed == 1


def test_suppressions_in_multi_file_schema_stay_in_their_file(tmp_path):
    from lint_helpers import only

    from azora_tasks.lint import lint_files

    (tmp_path / "a.prisma").write_text("model A {\n  // azora-lint-ignore soft-delete reason a\n}\n")
    (tmp_path / "b.prisma").write_text("\n\nmodel B {\n}\n")
    result = lint_files([tmp_path / "a.prisma", tmp_path / "b.prisma"], config=only("AZL003", "AZL090"))
    assert [(f.path.rsplit("/", 1)[-1], f.code, f.line) for f in result.findings] == [("b.prisma", "AZL003", 3)]
    assert result.suppressed == 1


def test_enum_value_suppression():
    text = "enum Status {\n  /// azora-lint-ignore enum-value-upper-case stored by a partner API\n  active\n  paused\n}\n"
    result = lint_only(text, "AZL017", "AZL090")
    assert positions(result) == [("AZL017", 4, 3)]
    assert result.suppressed == 1


def test_unused_suppressions_are_reported_once_their_rule_runs():
    from azora_tasks.lint import LintConfig, lint_text

    schema = (
        "/// azora-lint-ignore soft-delete archived by the catalog\n"
        "model Course {\n"
        "  id    String @id @default(uuid())\n"
        "  /// azora-lint-ignore money-decimal partner floats\n"
        "  title String\n"
        "}\n"
    )
    result = lint_text(schema, "s.prisma", config=LintConfig.from_mapping({"select": ["AZL003", "AZL008", "AZL091"]}))
    (unused,) = [f for f in result.findings if f.code == "AZL091"]
    assert (unused.line, unused.model, unused.member) == (4, "Course", "title")
    assert "AZL008 money-decimal" in unused.message and result.suppressed == 1
    quiet = lint_text(schema, "s.prisma", config=LintConfig.from_mapping({"select": ["AZL003", "AZL091"]}))
    assert not [f for f in quiet.findings if f.code == "AZL091"]  # money-decimal did not run: not judged
