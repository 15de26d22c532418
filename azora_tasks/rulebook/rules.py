"""What every rule of both linters declares, and the registry that finds rules by code or name.

A rule is one class with a stable ``code``, a kebab-case ``name`` and a default
severity; its docstring is its documentation: a summary line, a "why"
paragraph, then ``Bad:`` and ``Good:`` sections with indented examples. The
docs pages, SARIF rule descriptors and the example tests all read the
docstring through :meth:`RuleDoc.doc_sections`, so each linter only adds what
its rules look at (``check``'s context) and its own class attributes.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, Generic, TypeVar

from azora_tasks.rulebook.findings import Severity


class RuleDoc:
    """The declaration part of a rule: identity, default severity, docstring sections."""

    code: ClassVar[str]
    name: ClassVar[str]
    default_severity: ClassVar[Severity]

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """``summary``, ``why``, ``bad`` and ``good`` parts of the docstring."""
        lines = inspect.cleandoc(cls.__doc__ or "").splitlines()
        buffers: dict[str, list[str]] = {"why": [], "bad": [], "good": []}
        current = "why"
        for line in lines[1:]:
            marker = line.strip().rstrip(":").lower()
            if line.strip().endswith(":") and marker in ("bad", "good"):
                current = marker
                continue
            buffers[current].append(line)
        sections = {"summary": lines[0].strip() if lines else "", "why": "\n".join(buffers["why"]).strip()}
        for key in ("bad", "good"):
            sections[key] = inspect.cleandoc("\n".join(buffers[key])) if buffers[key] else ""
        return sections

    @classmethod
    def summary(cls) -> str:
        return cls.doc_sections()["summary"]

    @classmethod
    def anchor(cls) -> str:
        """The rule's heading anchor on its docs page (``azl003-soft-delete``): docs links and SARIF ``helpUri``."""
        return f"{cls.code.lower()}-{cls.name}"


class ReportedByEngine:
    """Mixin for rules the engine reports itself (parse errors, void suppressions): ``check`` finds nothing.

    They are rules all the same so that they have a code, a severity, a docs
    section and can be configured or suppressed like any other.
    """

    def check(self, ctx: Any) -> Iterator[Any]:
        return iter(())


R = TypeVar("R", bound=type[RuleDoc])


class Registry(Generic[R]):
    """A linter's rules in code order, found by code or name (case-insensitive).

    ``what`` names the linter in the error raised when two rules share an id.
    """

    def __init__(self, rules: Iterable[R], what: str) -> None:
        self.rules: tuple[R, ...] = tuple(sorted(rules, key=lambda rule: rule.code))
        self._by_key: dict[str, R] = {}
        for rule in self.rules:
            for key in (rule.code, rule.name):
                if key.lower() in self._by_key:
                    raise RuntimeError(f"duplicate {what} id {key}")
                self._by_key[key.lower()] = rule

    def find(self, key: str) -> R | None:
        """The rule with that code (``AZL003``, ``DS103``) or name (``soft-delete``), case-insensitive."""
        return self._by_key.get(key.strip().lower())

    def ids(self) -> str:
        """``"AZL000 parse-error, AZL001 uuid-primary-key, ..."`` for error messages."""
        return ", ".join(f"{rule.code} {rule.name}" for rule in self.rules)
