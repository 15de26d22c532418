"""The engine: parse errors and rule bugs become findings, multi-file linting, API shape."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from lint_helpers import CLEAN_SCHEMA, only

from azora_tasks.lint import Finding, LintResult, Severity, lint_files, lint_text
from azora_tasks.lint.rules.types import MoneyDecimal


def test_parse_error_is_a_finding_with_position():
    result = lint_text("model A {\n  id String @default(uuid()\n}\n", "svc/schema.prisma")
    (finding,) = result.findings
    assert (finding.code, finding.name, finding.severity) == ("AZL000", "parse-error", Severity.ERROR)
    assert (finding.path, finding.line, finding.column) == ("svc/schema.prisma", 3, 1)
    assert finding.message.startswith("cannot parse schema: ")


def test_parse_error_can_be_configured_off():
    result = lint_text("model {", "s.prisma", config=only())
    assert result.findings == []


def test_a_crashing_rule_is_reported_not_raised(monkeypatch):
    def boom(self, ctx):
        raise RuntimeError("kaboom")
        yield  # pragma: no cover

    monkeypatch.setattr(MoneyDecimal, "check", boom)
    result = lint_text(CLEAN_SCHEMA, "s.prisma")
    (finding,) = result.findings
    assert finding.code == "AZL000" and "AZL008 money-decimal" in finding.message and "kaboom" in finding.message


def test_lint_files_keeps_linting_other_files_when_one_does_not_parse(tmp_path: Path):
    good = tmp_path / "course.prisma"
    good.write_text("model Course {\n  id Int @id\n}\n")
    bad = tmp_path / "broken.prisma"
    bad.write_text("model Broken {\n")
    missing = tmp_path / "missing.prisma"
    result = lint_files([good, bad, missing], config=only("AZL000", "AZL001"))
    summary = [(Path(f.path).name, f.code, f.line) for f in result.findings]
    assert ("course.prisma", "AZL001", 2) in summary
    assert ("broken.prisma", "AZL000", 1) in summary
    assert ("missing.prisma", "AZL000", 1) in summary
    assert result.has_errors and result.max_severity is Severity.ERROR


def test_lint_files_accepts_a_schema_folder(tmp_path: Path):
    folder = tmp_path / "prisma" / "schema"
    folder.mkdir(parents=True)
    (folder / "main.prisma").write_text(CLEAN_SCHEMA)
    assert lint_files([folder]).findings == []


def test_provider_argument_overrides_the_datasource():
    text = 'datasource db {\n  provider = "sqlite"\n  url = "file:x"\n}\nmodel P {\n  id String @id\n  b String @db.Text @unique\n}\n'
    assert lint_text(text, "s.prisma", config=only("AZL016")).findings == []
    assert [f.code for f in lint_text(text, "s.prisma", config=only("AZL016"), provider="mysql").findings] == ["AZL016"]


def test_finding_is_frozen_and_result_is_sorted():
    result = lint_text("model B {\n  price Float\n}\nmodel A {\n  fee Float\n}\n", "s.prisma", config=only("AZL008"))
    assert isinstance(result, LintResult)
    assert [f.line for f in result.findings] == [2, 5]
    finding = result.findings[0]
    assert isinstance(finding, Finding)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.line = 3  # type: ignore[misc]
    assert finding.to_dict()["severity"] == "error"
