"""Output of `migrate --lint` and `migrate --check`: text, JSON, JUnit XML and SARIF 2.1.0.

Lint results come as a mapping `service -> LintResult`; check results as a
mapping `service -> uncovered SQL` (empty when the migrations cover the
schema). SARIF holds one run per tool that ran, so GitHub code scanning shows
lint findings at their `migration.sql` line and uncovered schema changes at
the service's schema file.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from azora_tasks.lint.findings import Finding, LintResult, Severity
from azora_tasks.migrate_lint.rules import RULES, Rule

LINT_TOOL = "azora-migrate-lint"
CHECK_TOOL = "azora-migrate-check"
CHECK_RULE = "schema-change-without-migration"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.OFF: "none"}


def format_finding(finding: Finding) -> str:
    """`path:line:col: CODE [name] message` (and a `fix:` line when the rule knows one)."""
    text = f"{finding.path}:{finding.line}:{finding.column}: {finding.code} [{finding.name}] {finding.severity.value}: {finding.message}"
    return text + (f"\n    fix: {finding.fix}" if finding.fix else "")


def format_text(result: LintResult) -> str:
    return "\n".join(format_finding(finding) for finding in result.findings)


def result_to_dict(result: LintResult) -> dict[str, object]:
    return {
        "findings": [finding.to_dict() for finding in result.findings],
        "suppressed": result.suppressed,
        "counts": {s.value: len(result.by_severity(s)) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)},
    }


def result_from_dict(data: Mapping[str, object] | None) -> LintResult:
    if not data:
        return LintResult()
    items: Any = data.get("findings", [])
    suppressed: Any = data.get("suppressed", 0)
    return LintResult([Finding(**{**item, "severity": Severity(item["severity"])}) for item in items], int(suppressed))


def format_json(lint: Mapping[str, LintResult], check: Mapping[str, str] | None = None) -> str:
    payload: dict[str, object] = {"lint": {name: result_to_dict(result) for name, result in lint.items()}}
    if check is not None:
        payload["check"] = {name: {"covered": not sql.strip(), "sql": sql} for name, sql in check.items()}
    return json.dumps(payload, indent=2) + "\n"


def format_junit(lint: Mapping[str, LintResult], check: Mapping[str, tuple[str, str]] | None = None) -> str:
    """A `<testsuite>` per service: one case for the check (SQL in the failure), one per lint rule.

    `check` maps service -> (schema path, uncovered SQL). Error and warning
    findings fail their rule's case; info findings go to `<system-out>`.
    """
    root = ET.Element("testsuites", name="azora-migrate")
    totals = {"tests": 0, "failures": 0}
    for service in sorted(set(lint) | set(check or {})):
        suite = ET.SubElement(root, "testsuite", name=service)
        tests = failures = 0
        if check is not None and service in check:
            schema, sql = check[service]
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=f"{CHECK_TOOL}.{service}", name="migrations cover the schema")
            if sql.strip():
                failures += 1
                failure = ET.SubElement(case, "failure", message=f"{schema}: schema changes not covered by a migration", type="error")
                failure.text = sql
        if service in lint:
            for rule in RULES:
                tests += 1
                case = ET.SubElement(suite, "testcase", classname=f"{LINT_TOOL}.{service}", name=f"{rule.code} {rule.name}")
                findings = [f for f in lint[service].findings if f.code == rule.code]
                failing = [f for f in findings if f.severity in (Severity.ERROR, Severity.WARNING)]
                if failing:
                    failures += 1
                    worst = max((f.severity for f in failing), key=lambda s: s.rank)
                    failure = ET.SubElement(case, "failure", message=f"{len(failing)} finding(s): {failing[0].message}", type=worst.value)
                    failure.text = "\n".join(format_finding(f) for f in findings)
                elif findings:
                    ET.SubElement(case, "system-out").text = "\n".join(format_finding(f) for f in findings)
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        totals["tests"] += tests
        totals["failures"] += failures
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _uri(path: str) -> str:
    candidate = Path(path)
    return candidate.as_uri() if candidate.is_absolute() else str(PurePosixPath(path.replace("\\", "/")))


def _rule_descriptor(rule: type[Rule], help_base: str | None) -> dict[str, object]:
    sections = rule.doc_sections()
    descriptor: dict[str, object] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": sections["summary"]},
        "fullDescription": {"text": " ".join((sections["why"] or sections["summary"]).split())},
        "defaultConfiguration": {"level": _LEVEL[rule.default_severity]},
    }
    if help_base:
        descriptor["helpUri"] = f"{help_base}#{rule.code.lower()}-{rule.name}"
    return descriptor


def to_sarif(lint: Mapping[str, LintResult] | None, check: Mapping[str, tuple[str, str]] | None = None, *, help_base: str | None = None) -> dict[str, object]:
    """A SARIF 2.1.0 log: a run for the lint (every rule described) and/or one for the check."""
    runs: list[dict[str, object]] = []
    if lint is not None:
        index = {rule.code: i for i, rule in enumerate(RULES)}
        results = []
        for service, result in lint.items():
            for f in result.findings:
                region: dict[str, int] = {"startLine": f.line, "startColumn": f.column}
                if f.end_line is not None and f.end_column is not None and (f.end_line, f.end_column) >= (f.line, f.column):
                    region.update(endLine=f.end_line, endColumn=f.end_column)
                results.append(
                    {
                        "ruleId": f.code,
                        "ruleIndex": index[f.code],
                        "level": _LEVEL[f.severity],
                        "message": {"text": f.message + (f" (fix: {f.fix})" if f.fix else "")},
                        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(f.path)}, "region": region}}],
                        "properties": {"service": service, "ruleName": f.name},
                    }
                )
        driver = {"name": LINT_TOOL, "rules": [_rule_descriptor(rule, help_base) for rule in RULES]}
        runs.append({"tool": {"driver": driver}, "results": results, "columnKind": "unicodeCodePoints"})
    if check is not None:
        results = []
        for service, (schema, sql) in check.items():
            if not sql.strip():
                continue
            results.append(
                {
                    "ruleId": CHECK_RULE,
                    "ruleIndex": 0,
                    "level": "error",
                    "message": {
                        "text": f"{service}: the schema has changes no committed migration covers; run `azora-tasks migrate {service}`"
                        f" and commit the new migration. It would contain:\n{sql.strip()}"
                    },
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(schema)}, "region": {"startLine": 1}}}],
                    "properties": {"service": service},
                }
            )
        rule = {
            "id": CHECK_RULE,
            "name": CHECK_RULE,
            "shortDescription": {"text": "Every schema change is covered by a committed migration."},
            "defaultConfiguration": {"level": "error"},
        }
        runs.append({"tool": {"driver": {"name": CHECK_TOOL, "rules": [rule]}}, "results": results})
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}


def format_sarif(lint: Mapping[str, LintResult] | None, check: Mapping[str, tuple[str, str]] | None = None, *, help_base: str | None = None) -> str:
    return json.dumps(to_sarif(lint, check, help_base=help_base), indent=2) + "\n"
