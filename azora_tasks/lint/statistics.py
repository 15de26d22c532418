"""Run-wide lint figures: per-rule totals, ``--statistics`` lines and one-finding-per-line output.

A tree with a thousand findings is read through its totals first (which rule,
how many, in how many services, how many `--fix` can take), so these lines
come from the same finding dicts the JSON output holds: the figures always
add up to what `--lint-json`/`--json` contain.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from azora_tasks.lint.rules import find_rule


@dataclass
class RuleTotal:
    code: str
    name: str
    count: int = 0
    services: set[str] = field(default_factory=set)
    fixable: int = 0  # findings `--fix` applies
    unsafe: int = 0  # findings only `--unsafe-fixes` applies

    @property
    def fixability(self) -> str:
        rule = find_rule(self.code)
        return "fixable" if rule is not None and rule.fixable else "manual"


def rule_totals(items: Mapping[str, Iterable[Mapping[str, Any]]]) -> list[RuleTotal]:
    """Totals per rule (most findings first, then by code) from service -> finding dicts."""
    totals: dict[str, RuleTotal] = {}
    for service, findings in items.items():
        for item in findings:
            total = totals.setdefault(item["code"], RuleTotal(item["code"], item["name"]))
            total.count += 1
            total.services.add(service)
            if item.get("fixable") == "safe":
                total.fixable += 1
            elif item.get("fixable") == "unsafe":
                total.unsafe += 1
    return sorted(totals.values(), key=lambda t: (-t.count, t.code))


def statistics_lines(totals: list[RuleTotal]) -> list[str]:
    """``--statistics``: one line per rule — code, name, count, services, fixable."""
    if not totals:
        return ["no lint findings"]
    name_width = max(len(t.name) for t in totals)
    count_width = max(len(str(t.count)) for t in totals)
    lines = []
    for t in totals:
        fix = f"{t.fixable} fixable" if t.fixable else ""
        if t.unsafe:
            fix += (", " if fix else "") + f"{t.unsafe} with --unsafe-fixes"
        lines.append(
            f"{t.code}  {t.name:<{name_width}}  {t.count:>{count_width}}  in {len(t.services)} service{'s' if len(t.services) != 1 else ''}  {fix or 'manual'}"
        )
    return lines


def totals_line(totals: list[RuleTotal], label: str = "lint") -> str:
    """The end-of-run line: ``lint: 1060 findings in 165 services — AZL002 timestamps 412, ...``."""
    count = sum(t.count for t in totals)
    if not count:
        return f"{label}: no findings"
    services = len(set().union(*(t.services for t in totals)))
    fixable = sum(t.fixable for t in totals)
    parts = ", ".join(f"{t.code} {t.name} {t.count}" for t in totals)
    extra = f"; {fixable} fixable with --fix" if fixable else ""
    return f"{label}: {count} finding{'s' if count != 1 else ''} in {services} service{'s' if services != 1 else ''} — {parts}{extra}"


def finding_line(item: Mapping[str, Any]) -> str:
    """``path:line:col: CODE message`` (``--lint-format lines``), the path relative to the working directory."""
    path = str(item["path"])
    try:
        relative = os.path.relpath(path)
        if not relative.startswith(".."):
            path = relative
    except ValueError:
        pass
    return f"{path}:{item['line']}:{item['column']}: {item['code']} {item['message']}"
