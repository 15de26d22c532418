"""The results file `--json PATH` writes (`results.py`): the runs' JSON, one line per service."""

from __future__ import annotations

import json
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest

from azora_tasks.results import RunResult, ServiceResult, Status, write_results


def test_the_results_file_is_the_runs_json_with_one_line_per_service(tmp_path: Path) -> None:
    """`--json`: the same data as `RunResult.to_json`, written compactly one service per line (C encoder)."""
    findings = {"lint": {"items": [{"code": "AZ101", "line": 3, "message": 'a "quoted"\nmessage'}] * 50}}
    runs = [
        RunResult("validate", [ServiceResult("a", Status.OK, 1.5, "out", "valid", findings), ServiceResult("b", Status.FAILED, summary="P1012")], 2.0),
        RunResult("migrate", [], 0.0, interrupted=True, signal=signal.SIGTERM),
    ]
    path = tmp_path / "results.json"
    write_results(path, runs)
    text = path.read_text()
    assert json.loads(text) == {"version": 1, "runs": [run.to_json() for run in runs]}
    service_lines = [line for line in text.splitlines() if line.lstrip().startswith('{"service": ')]
    assert [json.loads(line.rstrip(","))["service"] for line in service_lines] == ["a", "b"]

    # A dataclass left in the details is written as its fields (as `asdict` did), anything else is refused.
    @dataclass
    class Finding:
        code: str
        line: int

    write_results(path, [RunResult("validate", [ServiceResult("a", Status.OK, details={"items": [Finding("AZ101", 3)]})], 0.1)])
    assert json.loads(path.read_text())["runs"][0]["services"][0]["details"] == {"items": [{"code": "AZ101", "line": 3}]}
    with pytest.raises(TypeError, match="object in a result is not JSON"):
        write_results(tmp_path / "other.json", [RunResult("validate", [ServiceResult("a", Status.OK, details={"x": object()})], 0.1)])
    assert not (tmp_path / "other.json").exists()  # nothing half-written
