"""Renders `docs/migration-lint.md` from the migration-lint rule registry.

Generated so it cannot drift from the code: each rule's docstring gives the
summary, the why and the bad/good SQL, and a test checks that the committed
page equals `render_markdown()`. Regenerate with
`python -m azora_tasks.migrate_lint.docs > docs/migration-lint.md`.
"""

from __future__ import annotations

from azora_tasks.migrate_lint.rules import RULES, Rule
from azora_tasks.rulebook import docs
from azora_tasks.rulebook.suppressions import MARKER

HEADER = f"""# Migration lint and `migrate --check`

> Generated from the rule docstrings by `azora_tasks.migrate_lint.docs.render_markdown()`.
> Do not edit by hand: run `python -m azora_tasks.migrate_lint.docs > docs/migration-lint.md`.

Two CI gates for Prisma migrations, both per service and with every selection option:

```bash
azora-tasks migrate --check --changed-since origin/main   # schema changes without a committed migration?
azora-tasks migrate --lint --changed-since origin/main    # risky SQL in added or changed migration.sql files?
nox -s migrate -- --check --lint --sarif results/migrations.sarif --junit results/migrations.xml
```

## `migrate --check`

For each selected service, the SQL of `prisma migrate diff --from-migrations <committed folder>
--to-schema-datamodel <schema>` is computed against a **throw-away database**. On SQLite and
PostgreSQL (single-file schemas) the run's one migrate worker does it with Prisma's own WebAssembly
schema engine, without a Prisma CLI process: the folder is replayed into an in-memory SQLite
database, or into a shadow database the worker creates on the service's PostgreSQL server and always
drops. Otherwise (multi-file schemas, MySQL with a native engine, `--engine prisma`, a worker that
cannot start) the Prisma CLI runs against a temporary SQLite file, or a database
`<db>_azcheck_<run>_<hash>` created on the configured server and always dropped afterwards (the
engine's own shadow database is dropped too). The service's real database is never opened. A service whose schema has changes
that no migration covers fails, and its output is the SQL a new migration would contain; a service
with no migrations folder at all fails with its whole `init`. Exit 0 when every selected service is
covered, 1 otherwise, 2 for bad input. `--json` keeps the SQL per service (`details.check.sql`),
`--junit` gives one test case per service, `--sarif` one result per uncovered service at its schema.

## `migrate --lint`

Lints committed `migration.sql` files, Prisma-generated or hand-written: all of them, or with
`--changed-since REF` only those added or changed since REF (committed, staged, unstaged or
untracked). Each migration is read against a model replayed from every migration before it in its
folder, so "existing table" means a table an earlier migration created, which may hold rows; a
table created in the same migration is empty and nothing on it is reported. The provider comes from
`migration_lock.toml`; PostgreSQL-only rules (`PG…`, `AZM201`) run only there. A service fails when
a finding of severity `error` remains; warnings are reported and kept in the reports. Output: text
on the console, `--lint-json PATH`, `--sarif PATH`, `--junit PATH`.

Codes from Atlas's analyzer catalogue (`DS`, `MF`, `CD`, `PG`) are used only where the check is
Atlas's; the tool's own checks are `AZM…`. `migrate` (creating a migration) applies the rules marked
*guard* to the SQL it is about to write and stops unless `--accept-data-loss`.

Prisma's own SQL stays quiet: `init` migrations and new tables raise nothing (the repository's own
53 services are linted in the tests and raise no error), and foreign keys Prisma drops and re-adds
under the same name are not reported as dropped. `squawk-cli` (a PostgreSQL migration linter on PyPI) was
considered for the locking rules and not adopted: on a five-statement Prisma `init` (two tables, two
indexes, one foreign key) squawk-cli 2.70.0 with its defaults reports 13 warnings from 8 rules
(`prefer-robust-stmts`, `require-concurrent-index-creation` and `constraint-missing-not-valid` on
the tables the same file creates, `prefer-timestamp-tz` for Prisma's `TIMESTAMP(3)`,
`require-lock-timeout`, …), and it reads one file at a time, without the earlier migrations, so it
cannot tell an empty new table from a full one. The rules here make that distinction from the
replayed model, keep the tool's codes, suppressions and SARIF in one place, and need no binary.

## Suppressions

`-- {MARKER} <code>[,<code>] <reason>` on its own line silences the rules for the next statement;
at the end of a statement's line, for that statement; `-- {MARKER}-file <code> <reason>`, for
the whole file. Codes or names work. The reason is mandatory: a directive without one, with an
unknown rule, or with no statement after it suppresses nothing and is reported as AZM090.

```sql
-- {MARKER} DS103 nickname unused since v3; column verified empty
ALTER TABLE "User" DROP COLUMN "nickname";
```

## Rules

| Code | Name | Severity | Guard | PostgreSQL only | Checks |
| --- | --- | --- | --- | --- | --- |
"""


def render_rule(rule: type[Rule]) -> str:
    """The markdown section of one rule."""
    badge = f"**Default severity:** {rule.default_severity.value}" + (" · **guard**" if rule.guard else "") + (" · Atlas code" if rule.atlas else "")
    return docs.render_rule(rule, [badge], "sql")


def _row(rule: type[Rule]) -> str:
    postgres_only = "yes" if rule.providers == ("postgresql",) else ""
    return f"| {docs.rule_link(rule)} | `{rule.name}` | {rule.default_severity.value} | {'yes' if rule.guard else ''} | {postgres_only} | {rule.summary()} |"


def render_markdown() -> str:
    """The whole `docs/migration-lint.md` page."""
    return docs.render_page(HEADER, RULES, _row, render_rule)


if __name__ == "__main__":  # pragma: no cover
    print(render_markdown(), end="")
