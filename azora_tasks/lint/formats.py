"""Output formats for lint results: human text, JSON, JUnit XML and SARIF 2.1.0.

* human — ``path:line:col: AZL001 [uuid-primary-key] message``, one per line,
  the format editors and terminals already know how to jump to;
* JSON — the findings as plain objects, for scripts;
* JUnit XML — one test case per service × rule, so CI test reports show
  which service fails which rule (errors and warnings fail, info passes);
* SARIF 2.1.0 — for code-scanning UIs (GitHub, Azure DevOps, VS Code).

Functions that cover several services take a mapping ``service → LintResult``.
The JUnit and SARIF building blocks are shared with the migration lint
(:mod:`azora_tasks.rulebook.junit`, :mod:`azora_tasks.rulebook.sarif`).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from azora_tasks.lint.config import LintConfig
from azora_tasks.lint.rules import RULES, Rule
from azora_tasks.rulebook import junit, sarif
from azora_tasks.rulebook.findings import Finding, LintResult, Severity

TOOL_NAME = "azora-lint"

Results = LintResult | Mapping[str, LintResult]


def _as_mapping(results: Results) -> Mapping[str, LintResult]:
    return {"schema": results} if isinstance(results, LintResult) else results


# ----------------------------------------------------------------- human


def format_finding(finding: Finding, *, show_fix: bool = False) -> str:
    """``path:line:col: CODE [name] message`` (plus an indented ``fix:`` line if asked)."""
    line = f"{finding.path}:{finding.line}:{finding.column}: {finding.code} [{finding.name}] {finding.message}"
    if show_fix and finding.fix:
        line += f"\n    fix: {finding.fix}"
    return line


def format_human(result: LintResult, *, show_fix: bool = False) -> str:
    """All findings in the human format, one per line, then nothing else."""
    return "\n".join(format_finding(f, show_fix=show_fix) for f in result.findings)


def summary_line(result: LintResult) -> str:
    """``3 errors, 1 warning, 0 info (2 suppressed)``."""
    counts = {s: len(result.by_severity(s)) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
    return (
        f"{counts[Severity.ERROR]} error{'s' if counts[Severity.ERROR] != 1 else ''}, "
        f"{counts[Severity.WARNING]} warning{'s' if counts[Severity.WARNING] != 1 else ''}, "
        f"{counts[Severity.INFO]} info ({result.suppressed} suppressed)"
    )


# ------------------------------------------------------------------ JSON


def format_json(results: Results, *, indent: int | None = 2, baselined: Mapping[str, set[int]] | None = None) -> str:
    """One result as ``{"findings": [...], "suppressed": n, "counts": {...}}``, or ``{"services": {name: ...}}``."""
    if isinstance(results, LintResult):
        return json.dumps(results.to_dict(), indent=indent)
    payload = {"services": {name: r.to_dict(baselined.get(name, set()) if baselined is not None else None) for name, r in results.items()}}
    return json.dumps(payload, indent=indent)


# ----------------------------------------------------------------- JUnit


def _config_for(configs: LintConfig | Mapping[str, LintConfig] | None, service: str) -> LintConfig:
    if configs is None:
        return LintConfig()
    if isinstance(configs, LintConfig):
        return configs
    return configs.get(service) or LintConfig()


def format_junit(
    results: Results,
    *,
    configs: LintConfig | Mapping[str, LintConfig] | None = None,
    suite_name: str = TOOL_NAME,
) -> str:
    """JUnit XML: a ``<testsuite>`` per service, a ``<testcase>`` per rule.

    Error and warning findings of a rule make its test case fail (all
    findings listed in the failure text); info findings leave it passing
    and go to ``<system-out>``; rules switched off for that service are
    ``<skipped>``.  ``configs`` gives each service's effective config so
    skipped rules are reported truthfully (default: the default config).
    """
    root = ET.Element("testsuites", name=suite_name)
    totals = {"tests": 0, "failed": 0, "skipped": 0}
    for service, result in _as_mapping(results).items():
        config = _config_for(configs, service)
        suite = ET.SubElement(root, "testsuite", name=service)
        outcomes = {"failed": 0, "skipped": 0, "passed": 0}
        for rule in RULES:
            findings = [f for f in result.findings if f.code == rule.code]
            disabled = config.severity(rule) is Severity.OFF
            outcomes[junit.rule_case(suite, f"{suite_name}.{service}", rule, findings, _render_with_fix, disabled=disabled)] += 1
        junit.set_counts(suite, len(RULES), outcomes["failed"], outcomes["skipped"])
        totals["tests"] += len(RULES)
        totals["failed"] += outcomes["failed"]
        totals["skipped"] += outcomes["skipped"]
    junit.set_counts(root, totals["tests"], totals["failed"], totals["skipped"])
    return junit.document(root)


def _render_with_fix(finding: Finding) -> str:
    return format_finding(finding, show_fix=True)


# ----------------------------------------------------------------- SARIF


def _sarif_rule(rule: type[Rule], help_base: str | None) -> dict[str, object]:
    sections = rule.doc_sections()
    level = rule.default_severity if rule.default_severity is not Severity.OFF else Severity.WARNING
    return sarif.rule_descriptor(
        rule,
        help_base,
        full_description=sections["why"] or sections["summary"],
        default_configuration={"enabled": rule.default_severity is not Severity.OFF, "level": sarif.LEVEL[level]},
    )


def to_sarif(
    results: Results,
    *,
    tool_version: str | None = None,
    help_base: str | None = None,
    baselined: Mapping[str, set[int]] | None = None,
) -> dict[str, object]:
    """The SARIF 2.1.0 log as a dict: one run, every rule described, one result per finding.

    With ``baselined`` (service -> indexes of findings the lint baseline knows) each
    result carries SARIF's ``baselineState``: ``"unchanged"`` or ``"new"``.
    """
    driver: dict[str, object] = {"name": TOOL_NAME, "rules": [_sarif_rule(rule, help_base) for rule in RULES]}
    if help_base:
        driver["informationUri"] = help_base
    if tool_version:
        driver["version"] = tool_version
    return sarif.sarif_log([sarif.findings_run(driver, RULES, _as_mapping(results), baselined)])


def format_sarif(
    results: Results,
    *,
    tool_version: str | None = None,
    help_base: str | None = None,
    baselined: Mapping[str, set[int]] | None = None,
) -> str:
    """:func:`to_sarif` serialised as JSON text."""
    return json.dumps(to_sarif(results, tool_version=tool_version, help_base=help_base, baselined=baselined), indent=2)
