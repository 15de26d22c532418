"""The baseline file: keyed without line numbers, counted, sorted, and readable errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from azora_tasks.lint import lint_text
from azora_tasks.lint.baseline import Baseline, BaselineError, Key, Matcher, finding_key
from azora_tasks.lint.synthetic import foreign_schema


def findings(text: str) -> list[dict]:
    return [f.to_dict() for f in lint_text(text, "s.prisma").findings]


def test_keys_survive_moved_lines_and_count_duplicates(tmp_path: Path) -> None:
    text = foreign_schema(4)
    baseline = Baseline.from_findings({"svc": findings(text)})
    moved = "// a new first line\n\n" + text
    matcher = Matcher.of(baseline)
    assert all(matcher.take(finding_key("svc", item)) for item in findings(moved))
    assert not any(matcher.remaining.values())  # every entry was used exactly
    assert not Matcher.of(baseline).take(Key("other-svc", "AZL002", "User"))


def test_file_is_sorted_stable_and_round_trips(tmp_path: Path) -> None:
    baseline = Baseline.from_findings({"b": findings(foreign_schema(2)), "a": findings(foreign_schema(3))})
    path = tmp_path / "lint-baseline.json"
    baseline.write(path)
    data = json.loads(path.read_text())
    keys = [(e["service"], e["rule"], e["model"] or "", e["member"] or "") for e in data["findings"]]
    assert keys == sorted(keys) and data["total"] == baseline.total
    assert "line" not in json.dumps(data["findings"])
    assert Baseline.load(path).counts == baseline.counts and Baseline.load(path).to_text() == path.read_text()


def test_broken_file_names_the_file_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "lint-baseline.json"
    path.write_text(json.dumps({"findings": [{"rule": "AZL002"}]}))
    with pytest.raises(BaselineError, match=r"lint-baseline\.json: cannot read the lint baseline.*\n  fix: .*--update-baseline"):
        Baseline.load(path)
    assert Baseline.load(tmp_path / "missing.json").total == 0
