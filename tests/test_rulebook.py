"""The schema lint and the migration lint share one rule base (`azora_tasks.rulebook`): same grammar, same reports."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest

from azora_tasks.lint import lint_text
from azora_tasks.lint.formats import format_junit as schema_junit
from azora_tasks.migrate_lint import lint_sql
from azora_tasks.migrate_lint.formats import format_junit as migration_junit
from azora_tasks.rulebook.findings import Finding, LintResult, Severity
from azora_tasks.rulebook.rules import Registry, RuleDoc

PREVIOUS = 'CREATE TABLE "User" ("id" TEXT NOT NULL, "age" INTEGER);\n'


def _schema_messages(directive: str) -> list[str]:
    text = f"{directive}\nmodel Course {{\n  id String @id @default(uuid())\n}}\n"
    return [f.message for f in lint_text(text, "schema.prisma").findings if f.code == "AZL090"]


def _migration_messages(directive: str) -> list[str]:
    sql = f'{directive}\nALTER TABLE "User" DROP COLUMN "age";\n'
    result = lint_sql(sql, "m/migration.sql", previous=[PREVIOUS], provider="postgresql")
    return [f.message for f in result.findings if f.code == "AZM090"]


@pytest.mark.parametrize("body", ["", " soft-delete", " no-such-rule because"])
def test_a_void_directive_gets_the_same_message_from_both_linters(body: str) -> None:
    # The rule name differs per linter only where it must name a rule of that linter.
    schema = _schema_messages(f"/// azora-lint-ignore{body}")
    migration = _migration_messages(f"-- azora-lint-ignore{body.replace('soft-delete', 'DS103')}")
    assert len(schema) == len(migration) == 1
    assert schema[0].replace("soft-delete", "DS103") == migration[0]


def test_junit_failure_messages_read_alike_in_both_linters() -> None:
    finding = Finding("AZL090", "invalid-suppression", Severity.WARNING, "bad", "s.prisma", 1, 1)
    schema = ET.fromstring(schema_junit({"svc": LintResult([finding, finding])}))
    migration_finding = dataclasses.replace(finding, code="AZM090")
    migration = ET.fromstring(migration_junit({"svc": LintResult([migration_finding, migration_finding])}))
    messages = [root.find(".//failure").get("message") for root in (schema, migration)]  # type: ignore[union-attr]
    assert messages == ["2 findings: bad", "2 findings: bad"]


def test_lint_result_json_round_trips() -> None:
    finding = Finding("DS103", "column-dropped", Severity.ERROR, "gone", "m.sql", 2, 1, 2, 9, fix="keep it")
    data = {**LintResult([finding], suppressed=3).to_dict(), "linted": ["m"]}  # extra keys (gate's) are ignored
    assert LintResult.from_dict(data) == LintResult([finding], suppressed=3)
    assert LintResult.from_dict(None) == LintResult()


def test_a_registry_refuses_two_rules_with_one_id() -> None:
    class One(RuleDoc):
        code, name, default_severity = "X001", "same", Severity.ERROR

    class Two(RuleDoc):
        code, name, default_severity = "X002", "SAME", Severity.ERROR

    with pytest.raises(RuntimeError, match="duplicate test rule id"):
        Registry((One, Two), "test rule")
    registry = Registry((One,), "test rule")
    assert registry.find(" x001 ") is One and registry.find("same") is One and registry.ids() == "X001 same"
