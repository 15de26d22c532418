"""Smoke test of bench/lint_bench.py: it runs end to end on small sizes and writes a complete record.

No timing is asserted (speed is measured by the bench itself, never by a unit test).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "lint_bench.py"


def test_lint_bench_writes_a_record(tmp_path: Path) -> None:
    output = tmp_path / "record.json"
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "0.05,0.1", "--repeat", "1", "--interrupt-mb", "0", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    record = json.loads(output.read_text(encoding="utf-8"))
    assert record["format"] == "azora-tasks-lint-bench/1"
    assert [e["megabytes"] for e in record["series"]] == [0.05, 0.1]
    for entry in record["series"]:
        assert entry["findings"] > 0 and entry["median_cpu_seconds"] > 0 and entry["bytes"] >= entry["megabytes"] * 1e6
    assert record["linearity"] > 0 and set(record["targets"]) == {"cpu_seconds_at_5mb", "linearity", "ctrl_c_seconds"}
    assert record["targets"]["ctrl_c_seconds"]["status"] == "n/a"  # --interrupt-mb 0 skips it
