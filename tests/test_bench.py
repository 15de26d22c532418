"""Smoke test of bench/run.py: it runs end to end on a tiny monorepo and writes a well-formed record.

No timing is asserted here (speed is measured by the bench itself, never by a unit test), so the
monorepos are as small as the assertions allow: 2 services for the SQLite record (enough to see
per-service counts add up), 1 for PostgreSQL (every migrate step and the drop, each seed loop's
`npx prisma migrate dev` being the expensive part).

The SQLite record runs with `--reference-repeat 0`: the reference `validate --engine cli --no-cache` would cost one
Prisma CLI process per service and checks nothing the suite does not check elsewhere -- a measurement run through
`Bench.ours` with its baseline ratio is the PostgreSQL run's `pg migrate status` / `pg migrate second`, and
`validate --engine cli` and `--no-cache` are exercised by tests/test_faults.py, tests/test_validate_engines.py and
tests/test_report_ci.py. What the SQLite record checks instead is that the option skips it and says so.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from migrate.conftest import RUN_PREFIX, pg_databases, postgres_server  # noqa: F401 - the PostgreSQL fixture (local or throwaway server)

pytestmark = pytest.mark.prisma

BENCH = REPO_ROOT / "bench" / "run.py"
SERVICES = 2  # the SQLite record's monorepo
PG_SERVICES = 1  # the PostgreSQL run's


def _positive(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def test_help_explains_the_options() -> None:
    completed = subprocess.run([sys.executable, str(BENCH), "--help"], capture_output=True, text=True, check=True)
    for option in ("--services", "--repeat", "--seed-repeat", "--reference-repeat", "--scenarios", "--output", "--keep"):
        assert option in completed.stdout


def test_unknown_scenario_is_a_usage_error() -> None:
    completed = subprocess.run([sys.executable, str(BENCH), "--scenarios", "nope"], capture_output=True, text=True)
    assert completed.returncode == 2
    assert "unknown scenario" in completed.stderr


def test_bench_writes_a_complete_record(tmp_path: Path) -> None:
    output = tmp_path / "record.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--services",
            str(SERVICES),
            "--repeat",
            "1",
            "--seed-repeat",
            "1",
            "--reference-repeat",
            "0",
            "--scenarios",
            "validate",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "seed validate loop" in completed.stdout  # the table

    record = json.loads(output.read_text(encoding="utf-8"))
    assert record["format"] == "azora-tasks-bench/1"
    assert record["config"]["services"] == SERVICES
    assert record["config"]["scenarios"] == ["validate"]
    assert _positive(record["machine"]["cpu_count"])
    for key in ("python", "node", "prisma"):
        assert record["machine"][key]
    assert "sha" in record["git"] and "date" in record

    measurements = {m["name"]: m for m in record["measurements"]}
    assert set(measurements) == {"seed validate loop", "validate cold", "validate warm"}
    assert record["config"]["reference_repeat"] == 0
    assert record["skipped"] == [{"measurement": "validate --engine cli", "reason": "0 runs requested"}]
    for measurement in measurements.values():
        assert measurement["ok"], measurement
        assert measurement["failures"] == 0
        assert measurement["runs"] == len(measurement["samples"]) == 1
        for key in ("median_seconds", "min_seconds", "max_seconds", "peak_rss_bytes"):
            assert _positive(measurement[key]), (measurement["name"], key, measurement[key])
        for sample in measurement["samples"]:
            assert _positive(sample["seconds"]) and _positive(sample["peak_rss_bytes"])
            assert sample["exit_code"] == 0
            assert sample["services_run"] == SERVICES  # one npx call per service in the seed loop, every service in ours
    assert measurements["seed validate loop"]["ratio_vs_seed"] is None
    for name in ("validate cold", "validate warm"):
        assert _positive(measurements[name]["ratio_vs_seed"]), name
    assert measurements["validate warm"]["samples"][0]["cached"] == SERVICES  # the warm run really replayed the cache

    targets = {(t["measurement"], t["kind"], t["services"]): t for t in record["targets"]}
    assert len(targets) == 14  # 8 of issue #5, 6 of issue #11 (--provider postgresql)
    # Every target is for N >= 190: at this N none may claim PASS or MISS, and each says why.
    for key, target in targets.items():
        assert target["services"] != SERVICES, key
        assert target["status"] == "n/a", (key, target)
        if target["measurement"] in measurements:  # validate's, with the seed loop in the same run
            assert target["value"] is not None and target["note"] == f"target is for N={target['services']}", (key, target)
        else:
            assert target["value"] is None and target["note"] == "not measured in this run", (key, target)

    summary = subprocess.run([sys.executable, str(REPO_ROOT / "bench" / "summary.py"), str(output)], capture_output=True, text=True, check=True)
    assert "| `validate cold` |" in summary.stdout and f"N = {SERVICES}" in summary.stdout


def test_postgres_bench_measures_every_migrate_step_and_drops_its_databases(tmp_path: Path, postgres_server: str) -> None:  # noqa: F811
    """`--provider postgresql`: seed loops, fresh, no-op, --status, second migration; nothing left behind."""
    server = postgres_server
    prefix = f"{RUN_PREFIX}_bench"
    output = tmp_path / "record.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--services",
            str(PG_SERVICES),
            "--repeat",
            "1",
            "--provider",
            "postgresql",
            "--pg-server",
            server,
            "--pg-prefix",
            prefix,
            "--scenarios",
            "migrate",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    record = json.loads(output.read_text(encoding="utf-8"))
    assert record["config"]["provider"] == "postgresql" and record["config"]["postgresql"]["databases"] == PG_SERVICES
    measurements = {m["name"]: m for m in record["measurements"]}
    assert set(measurements) == {
        "pg seed migrate loop",
        "pg migrate fresh",
        "pg migrate no-op",
        "pg migrate status",
        "pg seed migrate loop (second)",
        "pg migrate second",
    }
    for measurement in measurements.values():
        assert measurement["ok"], measurement
    assert _positive(measurements["pg migrate fresh"]["ratio_vs_seed"])
    assert measurements["pg migrate second"]["baseline"] == "pg seed migrate loop (second)"
    assert not [name for name in pg_databases(server) if name.startswith(prefix)]
