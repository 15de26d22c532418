"""Renders ``docs/lint-rules.md`` from the rule registry.

The page is generated so it cannot drift from the code: each rule's
docstring supplies the summary, the "why" and the bad/good examples, and a
test checks that the committed page equals :func:`render_rules_markdown`.
Regenerate with ``python -m azora_tasks.lint.docs > docs/lint-rules.md``.
"""

from __future__ import annotations

from azora_tasks.lint.rules import RULES, Rule
from azora_tasks.rulebook import docs
from azora_tasks.rulebook.suppressions import MARKER

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

## Choosing rules: select, extend-select, ignore

Like ruff, rules can be chosen by code, by code prefix (`AZL00` = AZL000–AZL009)
or by name, in the manifest's top-level `[lint]` table or on the command line:

```toml
[lint]
select = ["AZL00"]           # only these rules (a prefix does not switch on off-by-default rules)
extend-select = ["AZL015"]   # naming an off-by-default rule switches it on (at warning)
ignore = ["soft-delete"]     # never these
```

`azora-tasks validate --select AZL00,table-map --ignore AZL003` does the same; `--select`
replaces the manifest's selection, `--extend-select` and `--ignore` add to it. A selector that
matches no rule is an error (exit 2).

## Seeing a big tree's findings

Every `validate` ends with the per-rule totals (`lint: 1060 findings in 165 services — AZL002
timestamps 412, ...`). `--statistics` prints one line per rule (code, name, count, services,
how many `--fix` can take); `--lint-format lines` prints every finding as
`path:line:col: CODE message`, one per line and never truncated (editors and CI annotations
read it); `--lint-json PATH`, `--junit`, `--sarif` write files.

## Baseline: fail only on new findings

`azora-tasks validate --update-baseline` writes every current finding to `lint-baseline.json`
next to the manifest (or `[lint] baseline = "path"`, or `--baseline PATH`). Commit it. From
then on `validate` fails only on findings that are not in it, says how many baselined
findings remain, and names the baselined findings that are gone (fixed) so the file can be
shrunk with another `--update-baseline`. Entries are keyed by service, rule, model and
field (never by line number), so unrelated edits do not invalidate them, and sorted, so the
file diffs cleanly. `--no-baseline` shows everything.

## Ignoring rules for copy-pasted models or a category

One manifest entry instead of a comment in every copy; the reason is mandatory:

```toml
[[lint.ignores]]
models = ["User", "AuditLog"]      # in every service (globs allowed: "Audit*")
rules = ["timestamps", "AZL007"]
reason = "copied from the auth template; fixed there (PLAT-12)"

[[lint.ignores]]
categories = ["ai-ml"]             # or services = [...]; without models: every model
rules = ["money-decimal"]
reason = "prices are model scores, not money"
```

An entry that silences nothing in the services a run linted is reported with its line in the
manifest, and an inline suppression that silences nothing is an AZL091 finding (like ruff's
RUF100).

## Fixes

`azora-tasks validate --fix` applies the mechanical fixes below (see each rule's **Fixable**
line), then validates the result with Prisma; `--diff` prints them as a unified diff and
writes nothing. Edited models are laid out exactly like `prisma format`; nothing else in the
file moves, and a second `--fix` changes nothing. If Prisma rejects a fixed schema that it
accepted before (say a new `createdAt` clashes with a legacy field mapped to that column), the
file is put back and the findings stay for a human. Fixes that rename a table (`@@map`) are
*unsafe*: they need `--unsafe-fixes`, and the migration must rename the table (Prisma would
drop and re-create it). Rules whose fix changes stored data (id generators, money types,
column types) stay manual.

## Rules

| Code | Name | Default severity | Fixable | Checks |
| --- | --- | --- | --- | --- |
"""


def fixable_label(rule: type[Rule]) -> str:
    """The rules table's Fixable column: no, yes, partly (some cases stay manual) or unsafe."""
    if not rule.fixable:
        return "no"
    if "*unsafe*" in rule.fixable:
        return "unsafe"
    return "partly" if "manual" in rule.fixable else "yes"


def render_rule(rule: type[Rule]) -> str:
    """The markdown section of one rule."""
    badges = [f"**Default severity:** {rule.default_severity.value}", f"**Fixable:** {rule.fixable or 'no — fix it by hand'}"]
    return docs.render_rule(rule, badges, "prisma")


def _row(rule: type[Rule]) -> str:
    return f"| {docs.rule_link(rule)} | `{rule.name}` | {rule.default_severity.value} | {fixable_label(rule)} | {rule.summary()} |"


def render_rules_markdown() -> str:
    """The whole ``docs/lint-rules.md`` page."""
    return docs.render_page(HEADER, RULES, _row, render_rule)


if __name__ == "__main__":  # pragma: no cover
    print(render_rules_markdown(), end="")
