"""Result types of a lint run: severities, findings and the overall result."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    """How much a finding matters; ``OFF`` disables a rule entirely."""

    OFF = "off"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __str__(self) -> str:
        return self.value


_RANK = {Severity.OFF: 0, Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


@dataclass(frozen=True)
class Finding:
    """One problem in a schema, pointing at an exact 1-based line and column.

    ``fix`` is a short hint of what to write instead, when a rule knows it.
    """

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None
    fix: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "fix": self.fix,
        }


@dataclass
class LintResult:
    """Findings of one lint run (sorted by path, line, column) and the suppression count."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: int = 0

    def by_severity(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity is severity]

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def max_severity(self) -> Severity:
        """The worst severity found, ``OFF`` for a clean result."""
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=Severity.OFF)
