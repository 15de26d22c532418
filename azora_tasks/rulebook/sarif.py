"""SARIF 2.1.0 pieces both linters' reports are built from (GitHub code scanning, VS Code, Azure DevOps).

One place decides how a finding becomes a SARIF result (level, region, message
with its fix hint, the service as a property) and how a rule is described, so
the schema lint's and the migration lint's logs read alike; each linter keeps
its own driver (name, version, extra runs such as `migrate --check`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from azora_tasks.rulebook.findings import Finding, LintResult, Severity
from azora_tasks.rulebook.rules import RuleDoc

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.OFF: "none"}


def artifact_uri(path: str) -> str:
    """A relative path as POSIX text (SARIF resolves it against the checkout), an absolute one as a ``file:`` URI."""
    candidate = Path(path)
    return candidate.as_uri() if candidate.is_absolute() else str(PurePosixPath(path.replace("\\", "/")))


def rule_descriptor(rule: type[RuleDoc], help_base: str | None, *, full_description: str, default_configuration: dict[str, object]) -> dict[str, object]:
    """A ``reportingDescriptor``: id, name, the docstring's summary, ``helpUri`` at the rule's docs section."""
    descriptor: dict[str, object] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": full_description},
        "defaultConfiguration": default_configuration,
    }
    if help_base:
        descriptor["helpUri"] = f"{help_base}#{rule.anchor()}"
    return descriptor


def finding_result(finding: Finding, rule_index: int, service: str) -> dict[str, object]:
    """One SARIF ``result`` at the finding's region (its end only when it is not before its start)."""
    f = finding
    region: dict[str, int] = {"startLine": f.line, "startColumn": f.column}
    if f.end_line is not None and f.end_column is not None and (f.end_line, f.end_column) >= (f.line, f.column):
        region.update(endLine=f.end_line, endColumn=f.end_column)
    return {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": f.message + (f" (fix: {f.fix})" if f.fix else "")},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(f.path)}, "region": region}}],
        "properties": {"service": service, "ruleName": f.name},
    }


def findings_run(
    driver: Mapping[str, object],
    rules: Sequence[type[RuleDoc]],
    results: Mapping[str, LintResult],
    baselined: Mapping[str, set[int]] | None = None,
) -> dict[str, object]:
    """A run with one result per finding of every service, in order.

    With ``baselined`` (service -> indexes of findings the lint baseline knows)
    each result carries SARIF's ``baselineState``: ``"unchanged"`` or ``"new"``.
    """
    index = {rule.code: i for i, rule in enumerate(rules)}
    entries: list[dict[str, object]] = []
    for service, result in results.items():
        known = baselined.get(service, set()) if baselined is not None else None
        for position, finding in enumerate(result.findings):
            entry = finding_result(finding, index[finding.code], service)
            if known is not None:
                entry["baselineState"] = "unchanged" if position in known else "new"
            entries.append(entry)
    return {"tool": {"driver": driver}, "results": entries, "columnKind": "unicodeCodePoints"}


def sarif_log(runs: list[dict[str, object]]) -> dict[str, object]:
    """The log around the runs."""
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}
