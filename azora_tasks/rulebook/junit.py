"""JUnit XML pieces both linters' reports are built from: a test case per rule, counts, the document.

CI test reports then show which service fails which rule, for the schema lint
and the migration lint alike: error and warning findings fail their rule's
case (every finding of the rule listed in the failure text), info findings
leave it passing and go to ``<system-out>``, a rule switched off is skipped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

from azora_tasks.rulebook.findings import Finding, Severity
from azora_tasks.rulebook.rules import RuleDoc


def rule_case(
    suite: ET.Element,
    classname: str,
    rule: type[RuleDoc],
    findings: Sequence[Finding],
    render: Callable[[Finding], str],
    *,
    disabled: bool = False,
) -> str:
    """Add ``rule``'s test case (``findings``: that rule's) to ``suite``; returns ``failed``, ``skipped`` or ``passed``."""
    case = ET.SubElement(suite, "testcase", classname=classname, name=f"{rule.code} {rule.name}")
    failing = [f for f in findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    if failing:
        worst = max((f.severity for f in failing), key=lambda s: s.rank)
        message = f"{len(failing)} finding{'s' if len(failing) != 1 else ''}: {failing[0].message}"
        failure = ET.SubElement(case, "failure", message=message, type=worst.value)
        failure.text = "\n".join(render(f) for f in findings)
        return "failed"
    if disabled and not findings:
        ET.SubElement(case, "skipped", message="rule disabled by configuration")
        return "skipped"
    if findings:
        ET.SubElement(case, "system-out").text = "\n".join(render(f) for f in findings)
    return "passed"


def set_counts(element: ET.Element, tests: int, failures: int, skipped: int | None = None) -> None:
    """The ``tests``/``failures``/``errors`` (and ``skipped``) attributes of a suite or of the root."""
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    if skipped is not None:
        element.set("skipped", str(skipped))


def document(root: ET.Element) -> str:
    """The indented XML text with its declaration."""
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
