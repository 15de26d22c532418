"""Rules reported by the engine itself rather than by looking at the schema."""

from __future__ import annotations

from azora_tasks.lint.rules.base import Rule
from azora_tasks.rulebook.findings import Severity
from azora_tasks.rulebook.rules import ReportedByEngine


class ParseError(ReportedByEngine, Rule):
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


class InvalidSuppression(ReportedByEngine, Rule):
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


class UnusedSuppression(ReportedByEngine, Rule):
    """Suppressions and manifest ignores silence something; unused ones are removed.

    Like ruff's RUF100: a `/// azora-lint-ignore <rule> <reason>` that no
    longer silences any finding (the model was fixed, the field renamed) only
    misleads the next reader, and would hide a real finding that appears there
    later.  Rules switched off for the service are not judged, since their
    findings are not computed.  Unused `[[lint.ignores]]` entries of the
    manifest are reported at the end of `validate`.

    Bad:

        model Course {
          id        String    @id @default(uuid())
          /// azora-lint-ignore money-decimal the partner sends floats
          title     String
          createdAt DateTime  @default(now())
          updatedAt DateTime  @updatedAt
          deletedAt DateTime?

          @@map("courses")
        }

    Good:

        model Course {
          id        String    @id @default(uuid())
          title     String
          createdAt DateTime  @default(now())
          updatedAt DateTime  @updatedAt
          deletedAt DateTime?

          @@map("courses")
        }
    """

    code = "AZL091"
    name = "unused-suppression"
    default_severity = Severity.WARNING
