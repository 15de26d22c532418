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

from azora_tasks.migrate_lint.rules import RULES, Rule
from azora_tasks.rulebook import junit, sarif
from azora_tasks.rulebook.findings import Finding, LintResult

LINT_TOOL = "azora-migrate-lint"
CHECK_TOOL = "azora-migrate-check"
CHECK_RULE = "schema-change-without-migration"


def format_finding(finding: Finding) -> str:
    """`path:line:col: CODE [name] message` (and a `fix:` line when the rule knows one)."""
    text = f"{finding.path}:{finding.line}:{finding.column}: {finding.code} [{finding.name}] {finding.severity.value}: {finding.message}"
    return text + (f"\n    fix: {finding.fix}" if finding.fix else "")


def format_text(result: LintResult) -> str:
    return "\n".join(format_finding(finding) for finding in result.findings)


def format_json(lint: Mapping[str, LintResult], check: Mapping[str, str] | None = None) -> str:
    payload: dict[str, object] = {"lint": {name: result.to_dict() for name, result in lint.items()}}
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
                findings = [f for f in lint[service].findings if f.code == rule.code]
                failures += junit.rule_case(suite, f"{LINT_TOOL}.{service}", rule, findings, format_finding) == "failed"
        junit.set_counts(suite, tests, failures)
        totals["tests"] += tests
        totals["failures"] += failures
    junit.set_counts(root, totals["tests"], totals["failures"])
    return junit.document(root)


def _rule_descriptor(rule: type[Rule], help_base: str | None) -> dict[str, object]:
    sections = rule.doc_sections()
    full = " ".join((sections["why"] or sections["summary"]).split())
    return sarif.rule_descriptor(rule, help_base, full_description=full, default_configuration={"level": sarif.LEVEL[rule.default_severity]})


def to_sarif(lint: Mapping[str, LintResult] | None, check: Mapping[str, tuple[str, str]] | None = None, *, help_base: str | None = None) -> dict[str, object]:
    """A SARIF 2.1.0 log: a run for the lint (every rule described) and/or one for the check."""
    runs: list[dict[str, object]] = []
    if lint is not None:
        driver = {"name": LINT_TOOL, "rules": [_rule_descriptor(rule, help_base) for rule in RULES]}
        runs.append(sarif.findings_run(driver, RULES, lint))
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
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": sarif.artifact_uri(schema)}, "region": {"startLine": 1}}}],
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
    return sarif.sarif_log(runs)


def format_sarif(lint: Mapping[str, LintResult] | None, check: Mapping[str, tuple[str, str]] | None = None, *, help_base: str | None = None) -> str:
    return json.dumps(to_sarif(lint, check, help_base=help_base), indent=2) + "\n"
