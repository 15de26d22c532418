"""The lint baseline: known findings a tree may keep while new ones fail ("fail only on new").

Like detekt's and phpstan's baselines and eslint's bulk suppressions, the file
is committed next to the manifest (``lint-baseline.json``) and written by
``validate --update-baseline``.  Findings are keyed by service + rule + model
+ member (field, enum value or missing field), never by line number, so
editing another part of a schema does not invalidate the file; a key holds a
count, so two identical findings need two entries' worth.  Entries are sorted,
so a regenerated file diffs cleanly, and the file only shrinks as people fix
things: ``validate`` names the entries that are gone.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azora_tasks.atomic import write_text_atomically

BASELINE_NAME = "lint-baseline.json"
FORMAT = "azora-tasks-lint-baseline/1"


class BaselineError(Exception):
    """The baseline file exists but cannot be read; names the file and the fix."""


@dataclass(frozen=True, order=True)
class Key:
    """What identifies a finding across edits: service, rule code, model and member ("" when none)."""

    service: str
    rule: str
    model: str = ""
    member: str = ""

    def describe(self) -> str:
        where = ".".join(part for part in (self.model, self.member) if part) or "(schema)"
        return f"{self.service}: {self.rule} {where}"


def finding_key(service: str, item: Mapping[str, Any]) -> Key:
    """The key of one finding given as its JSON dict (``Finding.to_dict()``)."""
    return Key(service, str(item["code"]), item.get("model") or "", item.get("member") or "")


@dataclass
class Baseline:
    """Counts of known findings per key, plus the rule names for a readable file."""

    counts: Counter[Key] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        """Read ``path``; a missing file is an empty baseline, a broken one a :class:`BaselineError`."""
        if not path.is_file():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["findings"]
            baseline = cls()
            for entry in entries:
                key = Key(entry["service"], entry["rule"], entry.get("model") or "", entry.get("member") or "")
                baseline.counts[key] += int(entry.get("count", 1))
                if entry.get("name"):
                    baseline.names[key.rule] = entry["name"]
            return baseline
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise BaselineError(
                f"{path}: cannot read the lint baseline ({type(error).__name__}: {error})\n"
                "  fix: restore it from version control, or rewrite it with `azora-tasks validate --update-baseline`"
            ) from None

    @classmethod
    def from_findings(cls, findings: Mapping[str, Iterable[Mapping[str, Any]]]) -> Baseline:
        """A baseline holding every finding of every service given (service -> finding dicts)."""
        baseline = cls()
        for service, items in findings.items():
            for item in items:
                baseline.counts[finding_key(service, item)] += 1
                baseline.names[str(item["code"])] = str(item.get("name", ""))
        return baseline

    def services(self) -> set[str]:
        return {key.service for key in self.counts}

    def without(self, judged: set[tuple[str, str]]) -> Baseline:
        """The entries of (service, rule) pairs a run did *not* check (kept by --update-baseline)."""
        return Baseline(Counter({k: n for k, n in self.counts.items() if (k.service, k.rule) not in judged}), dict(self.names))

    def merged(self, other: Baseline) -> Baseline:
        return Baseline(self.counts + other.counts, {**self.names, **other.names})

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_text(self) -> str:
        """The file's text: entries sorted by service, rule, model, member (stable diffs)."""
        entries = [
            {"service": k.service, "rule": k.rule, "name": self.names.get(k.rule, ""), "model": k.model or None, "member": k.member or None, "count": n}
            for k, n in sorted(self.counts.items())
            if n > 0
        ]
        payload = {
            "format": FORMAT,
            "note": "Known lint findings that do not fail `validate`. Written by `azora-tasks validate "
            "--update-baseline`; fix findings and re-run it to shrink this file.",
            "total": sum(int(e["count"] or 0) for e in entries),
            "findings": entries,
        }
        return json.dumps(payload, indent=2) + "\n"

    def digest(self) -> str:
        """A hash of the entries (part of `validate`'s cache key: the baseline decides verdicts)."""
        return hashlib.sha256(self.to_text().encode("utf-8")).hexdigest()

    def write(self, path: Path) -> None:
        write_text_atomically(path, self.to_text())


@dataclass
class Matcher:
    """Consumes a baseline's counts while a run's findings are matched against it."""

    remaining: Counter[Key]

    @classmethod
    def of(cls, baseline: Baseline) -> Matcher:
        return cls(Counter(baseline.counts))

    def take(self, key: Key) -> bool:
        """True (and one count used) when ``key`` is still baselined."""
        if self.remaining[key] > 0:
            self.remaining[key] -= 1
            return True
        return False

    def gone(self, judged: set[tuple[str, str]]) -> list[tuple[Key, int]]:
        """Entries not matched by any finding, for (service, rule) pairs this run really checked."""
        return sorted((k, n) for k, n in self.remaining.items() if n > 0 and (k.service, k.rule) in judged)
