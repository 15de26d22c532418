"""Renders ``docs/lint-rules.md`` from the rule registry.

The page is generated so it cannot drift from the code: each rule's
docstring supplies the summary, the "why" and the bad/good examples, and a
test checks that the committed page equals :func:`render_rules_markdown`.
Regenerate with ``python -m azora_tasks.lint.docs > docs/lint-rules.md``.
"""

from __future__ import annotations

from azora_tasks.lint.rules import RULES, Rule
from azora_tasks.lint.suppressions import MARKER

HEADER = f"""# Schema lint rules

> Generated from the rule docstrings by `azora_tasks.lint.docs.render_rules_markdown()`.
> Do not edit by hand: run `python -m azora_tasks.lint.docs > docs/lint-rules.md`.

The linter checks every service's Prisma schema against the spec's Schema
Quality Checklist. Each rule has a stable code and a kebab-case name; either
can be used in configuration and suppressions.

## Configuration

Severities are `off`, `info`, `warning` and `error`. Set them per rule in the
manifest; later tables win, rule by rule:

```toml
[lint]                       # every service
soft-delete = "warning"

[categories.core.lint]       # services of one category
AZL015 = "error"

[services.audit-log.lint]    # one service
soft-delete = "off"
```

An unknown rule id is a configuration error.

## Suppressions

A comment `/// {MARKER} <rule> <reason>` (or `//`) directly above a field,
or at the end of its line, silences that rule for the field. Directly above a
model, or on its own line inside the model body, it silences the rule for the
whole model; `{MARKER}-model` always means the whole model. Several rules
may be given comma-separated. The reason is mandatory: a suppression without a
reason, with an unknown rule or attached to nothing does not suppress and is
reported as AZL090. Suppressed findings are counted in the lint summary.

```prisma
/// {MARKER} soft-delete audit events are immutable by law
model AuditEvent {{
  id      String @id @default(uuid())
  /// {MARKER} money-decimal the partner API sends binary floats
  amount  Float
}}
```

## Rules

| Code | Name | Default severity | Checks |
| --- | --- | --- | --- |
"""


def _anchor(rule: type[Rule]) -> str:
    return f"{rule.code.lower()}-{rule.name}"


def render_rule(rule: type[Rule]) -> str:
    """The markdown section of one rule."""
    sections = rule.doc_sections()
    parts = [
        f"### {rule.code} {rule.name}",
        "",
        f"**Default severity:** {rule.default_severity.value}",
        "",
        sections["summary"],
        "",
    ]
    if sections["why"]:
        parts += ["**Why:** " + " ".join(sections["why"].split("\n\n")[0].split())]
        for paragraph in sections["why"].split("\n\n")[1:]:
            parts += ["", " ".join(paragraph.split())]
        parts.append("")
    for label in ("bad", "good"):
        if sections[label]:
            parts += [f"**{label.capitalize()}:**", "", "```prisma", sections[label], "```", ""]
    return "\n".join(parts)


def render_rules_markdown() -> str:
    """The whole ``docs/lint-rules.md`` page."""
    table = "\n".join(
        f"| [{r.code}](#{_anchor(r)}) | `{r.name}` | {r.default_severity.value} | {r.summary()} |" for r in RULES
    )
    body = "\n".join(render_rule(r) for r in RULES)
    return HEADER + table + "\n\n" + body.rstrip("\n") + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(render_rules_markdown(), end="")
