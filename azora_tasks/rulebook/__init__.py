"""What the schema lint (`lint/`, AZL codes) and the migration lint (`migrate_lint/`, AZM/Atlas codes) share.

Both linters are built the same way: one class per rule whose docstring is its
documentation, one registry, inline `azora-lint-ignore` suppressions, and
text/JSON/JUnit/SARIF output. The parts that are the same live here, once:

* `findings`: `Severity`, `Finding`, `LintResult` and their JSON form;
* `rules`: `RuleDoc` (code, name, default severity, docstring sections), the
  `Registry` that finds rules by code or name, `ReportedByEngine`;
* `suppressions`: the directive grammar (`MARKER`, `parse_directive`);
* `docs`: the rules page skeleton (table, one section per rule);
* `junit`, `sarif`: the report building blocks.

What differs (what a rule looks at, where a suppression applies, each page's
header and columns, the text format) stays in each linter.
"""
