"""Output formats for lint results: human text, JSON, JUnit XML and SARIF 2.1.0.

* human — ``path:line:col: AZL001 [uuid-primary-key] message``, one per line,
  the format editors and terminals already know how to jump to;
* JSON — the findings as plain objects, for scripts;
* JUnit XML — one test case per service × rule, so CI test reports show
  which service fails which rule (errors and warnings fail, info passes);
* SARIF 2.1.0 — for code-scanning UIs (GitHub, Azure DevOps, VS Code).

Functions that cover several services take a mapping ``service → LintResult``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from azora_tasks.lint.config import LintConfig
from azora_tasks.lint.findings import Finding, LintResult, Severity
from azora_tasks.lint.rules import RULES, Rule

TOOL_NAME = "azora-lint"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.OFF: "none"}

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


def result_to_dict(result: LintResult, baselined: set[int] | None = None) -> dict[str, object]:
    """``baselined``: indexes of findings the baseline knows (adds ``"baselined": true/false``)."""
    findings = [f.to_dict() for f in result.findings]
    if baselined is not None:
        for index, item in enumerate(findings):
            item["baselined"] = index in baselined
    return {
        "findings": findings,
        "suppressed": result.suppressed,
        "counts": {s.value: len(result.by_severity(s)) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)},
    }


def format_json(results: Results, *, indent: int | None = 2, baselined: Mapping[str, set[int]] | None = None) -> str:
    """One result as ``{"findings": [...], "suppressed": n, "counts": {...}}``, or ``{"services": {name: ...}}``."""
    if isinstance(results, LintResult):
        return json.dumps(result_to_dict(results), indent=indent)
    payload = {"services": {name: result_to_dict(r, baselined.get(name, set()) if baselined is not None else None) for name, r in results.items()}}
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
    mapping = _as_mapping(results)
    root = ET.Element("testsuites", name=suite_name)
    total_tests = total_failures = total_skipped = 0
    for service, result in mapping.items():
        config = _config_for(configs, service)
        suite = ET.SubElement(root, "testsuite", name=service)
        failures = skipped = 0
        for rule in RULES:
            case = ET.SubElement(suite, "testcase", classname=f"{suite_name}.{service}", name=f"{rule.code} {rule.name}")
            findings = [f for f in result.findings if f.code == rule.code]
            failing = [f for f in findings if f.severity in (Severity.ERROR, Severity.WARNING)]
            if failing:
                failures += 1
                worst = max((f.severity for f in failing), key=lambda s: s.rank)
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=f"{len(failing)} finding{'s' if len(failing) != 1 else ''}: {failing[0].message}",
                    type=worst.value,
                )
                failure.text = "\n".join(format_finding(f, show_fix=True) for f in findings)
            elif config.severity(rule) is Severity.OFF and not findings:
                skipped += 1
                ET.SubElement(case, "skipped", message="rule disabled by configuration")
            elif findings:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(format_finding(f, show_fix=True) for f in findings)
        suite.set("tests", str(len(RULES)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        total_tests += len(RULES)
        total_failures += failures
        total_skipped += skipped
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    root.set("skipped", str(total_skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# ----------------------------------------------------------------- SARIF


def _artifact_uri(path: str) -> str:
    posix = path.replace("\\", "/")
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate.as_uri()
    return str(PurePosixPath(posix))


def _sarif_rule(rule: type[Rule], help_base: str | None) -> dict[str, object]:
    sections = rule.doc_sections()
    level = rule.default_severity if rule.default_severity is not Severity.OFF else Severity.WARNING
    descriptor: dict[str, object] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": sections["summary"]},
        "fullDescription": {"text": sections["why"] or sections["summary"]},
        "defaultConfiguration": {
            "enabled": rule.default_severity is not Severity.OFF,
            "level": _SARIF_LEVEL[level],
        },
    }
    if help_base:
        descriptor["helpUri"] = f"{help_base}#{rule.code.lower()}-{rule.name}"
    return descriptor


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
    index = {rule.code: i for i, rule in enumerate(RULES)}
    driver: dict[str, object] = {"name": TOOL_NAME, "rules": [_sarif_rule(rule, help_base) for rule in RULES]}
    if help_base:
        driver["informationUri"] = help_base
    if tool_version:
        driver["version"] = tool_version
    sarif_results: list[dict[str, object]] = []
    for service, result in _as_mapping(results).items():
        known = baselined.get(service, set()) if baselined is not None else None
        for position, f in enumerate(result.findings):
            region: dict[str, int] = {"startLine": f.line, "startColumn": f.column}
            if f.end_line is not None and f.end_column is not None and (f.end_line, f.end_column) >= (f.line, f.column):
                region.update(endLine=f.end_line, endColumn=f.end_column)
            entry: dict[str, object] = {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f.message + (f" (fix: {f.fix})" if f.fix else "")},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": _artifact_uri(f.path)}, "region": region}}],
                "properties": {"service": service, "ruleName": f.name},
            }
            if known is not None:
                entry["baselineState"] = "unchanged" if position in known else "new"
            sarif_results.append(entry)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": sarif_results, "columnKind": "unicodeCodePoints"}],
    }


def format_sarif(
    results: Results,
    *,
    tool_version: str | None = None,
    help_base: str | None = None,
    baselined: Mapping[str, set[int]] | None = None,
) -> str:
    """:func:`to_sarif` serialised as JSON text."""
    return json.dumps(to_sarif(results, tool_version=tool_version, help_base=help_base, baselined=baselined), indent=2)
