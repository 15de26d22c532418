"""Output formats, checked by real consumers: junitparser and the SARIF 2.1.0 JSON schema."""

from __future__ import annotations

import json

import jsonschema
import pytest
from junitparser import Failure, JUnitXml, Skipped
from lint_helpers import CLEAN_SCHEMA, DATA

from azora_tasks.lint import RULES, LintConfig, lint_text
from azora_tasks.lint.formats import (
    format_human,
    format_json,
    format_junit,
    format_sarif,
    summary_line,
    to_sarif,
)

BROKEN = "model Course {\n  id Int @id\n  price Float\n  /// azora-lint-ignore soft-delete not needed here\n}\n"
SYNTAX_ERROR = "model Course {\n  id String @default(\n"


@pytest.fixture
def results():
    return {
        "billing": lint_text(BROKEN, "services/billing/prisma/schema.prisma"),
        "catalog": lint_text(CLEAN_SCHEMA, "services/catalog/prisma/schema.prisma"),
        "broken": lint_text(SYNTAX_ERROR, "services/broken/prisma/schema.prisma"),
    }


def test_human_format(results):
    lines = format_human(results["billing"]).splitlines()
    assert lines[0] == ("services/billing/prisma/schema.prisma:1:7: AZL002 [timestamps] model `Course` has no `createdAt`/`updatedAt` timestamps")
    assert any(line.startswith("services/billing/prisma/schema.prisma:2:6: AZL001 [uuid-primary-key] ") for line in lines)
    with_fix = format_human(results["billing"], show_fix=True)
    assert "\n    fix: " in with_fix
    assert summary_line(results["billing"]) == "3 errors, 1 warning, 0 info (1 suppressed)"
    assert format_human(results["catalog"]) == ""


def test_json_format_round_trips(results):
    single = json.loads(format_json(results["billing"]))
    assert single["suppressed"] == 1
    assert single["findings"][0] == {
        "code": "AZL002",
        "name": "timestamps",
        "severity": "error",
        "message": "model `Course` has no `createdAt`/`updatedAt` timestamps",
        "path": "services/billing/prisma/schema.prisma",
        "line": 1,
        "column": 7,
        "end_line": 1,
        "end_column": 13,
        "fix": "createdAt DateTime @default(now()) and updatedAt DateTime @updatedAt",
        "model": "Course",
        "member": None,
        "fixable": "safe",
    }
    many = json.loads(format_json(results))
    assert set(many["services"]) == {"billing", "catalog", "broken"}
    assert many["services"]["broken"]["findings"][0]["code"] == "AZL000"


def test_junit_parsed_by_junitparser_one_case_per_service_and_rule(results, tmp_path):
    configs = {"catalog": LintConfig.from_mapping({"soft-delete": "off"})}
    path = tmp_path / "lint.xml"
    path.write_text(format_junit(results, configs=configs))
    xml = JUnitXml.fromfile(str(path))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"billing", "catalog", "broken"}
    for suite in suites.values():
        cases = list(suite)
        assert [c.name for c in cases] == [f"{r.code} {r.name}" for r in RULES]
    billing = {case.name: case for case in suites["billing"]}
    failed = {name for name, case in billing.items() if any(isinstance(r, Failure) for r in case.result)}
    assert failed == {"AZL001 uuid-primary-key", "AZL002 timestamps", "AZL007 table-map", "AZL008 money-decimal"}
    failure = next(r for r in billing["AZL008 money-decimal"].result if isinstance(r, Failure))
    assert failure.type == "error" and "3:9" in failure.text
    assert suites["billing"].failures == 4 and suites["billing"].tests == len(RULES)
    catalog = {case.name: case for case in suites["catalog"]}
    assert any(isinstance(r, Skipped) for r in catalog["AZL003 soft-delete"].result)
    assert any(isinstance(r, Skipped) for r in catalog["AZL015 unbounded-string"].result)
    assert all(case.is_passed or case.is_skipped for case in catalog.values())
    broken = {case.name: case for case in suites["broken"]}
    assert not broken["AZL000 parse-error"].is_passed
    assert xml.tests == 3 * len(RULES)


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def test_sarif_validates_against_the_official_schema(results, sarif_validator):
    log = json.loads(format_sarif(results, tool_version="1.0.0", help_base="docs/lint-rules.md"))
    errors = sorted(sarif_validator.iter_errors(log), key=lambda e: list(e.path))
    assert errors == [], [e.message for e in errors]
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.code for r in RULES]
    assert run["tool"]["driver"]["rules"][1]["shortDescription"]["text"].startswith("Models use a UUID primary key")
    first = run["results"][0]
    assert first["ruleId"] == "AZL002" and first["level"] == "error"
    assert first["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert first["locations"][0]["physicalLocation"]["region"]["startColumn"] == 7
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "services/billing/prisma/schema.prisma"
    levels = {r["level"] for r in run["results"]}
    assert levels <= {"error", "warning", "note"}
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_levels_map_info_to_note(sarif_validator):
    info = lint_text(BROKEN, "s.prisma", config=LintConfig.from_mapping({"money-decimal": "info"}))
    log = to_sarif(info)
    assert sarif_validator.is_valid(log)
    levels = {r["ruleId"]: r["level"] for r in log["runs"][0]["results"]}
    assert levels["AZL008"] == "note" and levels["AZL002"] == "error"


def test_sarif_for_empty_and_absolute_paths(sarif_validator, tmp_path):
    empty = to_sarif({})
    assert sarif_validator.is_valid(empty) and empty["runs"][0]["results"] == []
    absolute = to_sarif(lint_text(BROKEN, str(tmp_path / "schema.prisma")))
    uri = absolute["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("file://") and sarif_validator.is_valid(absolute)
