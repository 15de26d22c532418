"""Result types both linters share: severities, findings, the overall result and its JSON form.

The schema lint (``AZL``) and the migration lint (``AZM``/Atlas codes) report the same
``Finding`` so that the console, the baseline, the cache and every output format treat
them alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


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
    ``model``/``member`` name what the finding is about (the block and the
    field, enum value or missing field) so a baseline can recognise it after
    unrelated edits move it to another line.  ``fixable`` is ``"safe"`` or
    ``"unsafe"`` when ``validate --fix`` (``--unsafe-fixes``) can apply
    ``edits`` mechanically, else None.
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
    model: str | None = None
    member: str | None = None
    fixable: str | None = None
    edits: tuple[Any, ...] = field(default=(), compare=False, repr=False)

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
            "model": self.model,
            "member": self.member,
            "fixable": self.fixable,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """The inverse of :meth:`to_dict` (edits are not kept: a replayed finding is only reported)."""
        known = {k: v for k, v in data.items() if k in _DICT_KEYS}
        return cls(**{**known, "severity": Severity(data["severity"])})


@dataclass
class LintResult:
    """Findings of one lint run (sorted by path, line, column) and the suppression count."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: int = 0
    ignore_hits: dict[int, int] = field(default_factory=dict)  # manifest ignore index -> findings it silenced

    def by_severity(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity is severity]

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def max_severity(self) -> Severity:
        """The worst severity found, ``OFF`` for a clean result."""
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=Severity.OFF)

    def to_dict(self, baselined: set[int] | None = None) -> dict[str, object]:
        """``{"findings": [...], "suppressed": n, "counts": {...}}`` (the ``--lint-json`` and cache form).

        ``baselined``: indexes of findings the lint baseline knows (adds ``"baselined": true/false``).
        """
        findings = [f.to_dict() for f in self.findings]
        if baselined is not None:
            for index, item in enumerate(findings):
                item["baselined"] = index in baselined
        return {
            "findings": findings,
            "suppressed": self.suppressed,
            "counts": {s.value: len(self.by_severity(s)) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> LintResult:
        """The inverse of :meth:`to_dict` (an empty or missing entry is a clean result)."""
        if not data:
            return cls()
        return cls([Finding.from_dict(item) for item in data.get("findings", [])], int(data.get("suppressed", 0)))


_DICT_KEYS = frozenset({"code", "name", "severity", "message", "path", "line", "column", "end_line", "end_column", "fix", "model", "member", "fixable"})
