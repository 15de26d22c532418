"""Rules reported by the engine itself rather than by looking at the schema."""

from __future__ import annotations

from collections.abc import Iterator

from azora_tasks.lint.findings import Severity
from azora_tasks.lint.rules.base import Rule, RuleContext, Violation


class ParseError(Rule):
    """The schema file parses.

    A schema that cannot be read cannot be checked, so instead of crashing
    the run the linter reports the first syntax error at its exact line and
    column.  Other files of a multi-file schema are still linted.

    Bad:

        model Course {
          id String @id @default(uuid()
        }

    Good:

        model Course {
          id String @id @default(uuid())
        }
    """

    code = "AZL000"
    name = "parse-error"
    default_severity = Severity.ERROR

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        return iter(())


class InvalidSuppression(Rule):
    """Inline suppressions name a known rule and give a reason.

    `/// azora-lint-ignore <rule> <reason>` above a model or field (or
    `azora-lint-ignore-model` anywhere in a model) silences one rule there.
    A suppression without a reason, naming an unknown rule, or attached to
    nothing is reported here and does *not* suppress anything, so silenced
    findings always carry an explanation for the next reader.

    Bad:

        /// azora-lint-ignore soft-delete
        model Course {
          id String @id @default(uuid())
        }

    Good:

        /// azora-lint-ignore soft-delete courses are archived by the catalog service
        model Course {
          id String @id @default(uuid())
        }
    """

    code = "AZL090"
    name = "invalid-suppression"
    default_severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Violation]:
        return iter(())
