#!/usr/bin/env python3
"""Benchmark a whole-tree lint run end to end: `azora-tasks validate --lint-only --json` on a foreign tree.

`bench/lint_bench.py` times the lint of one big schema; this times what a platform engineer
runs on day one: every service of a hand-written monorepo (`tests/foreign_monorepo.py`: cuid
ids, no timestamps, copied models, PostgreSQL), linted with the findings printed and written
to `--json`. With thousands of findings, printing the summary and writing the results file
are much of the run, so they are part of the figure.

The figure is the CPU seconds of the whole `azora-tasks` process (the machine's load moves
wall time, not CPU time), median of `--repeat` runs. With `--reference PATH` (another
checkout of azora-tasks, e.g. `git worktree add /tmp/before <commit>`) the same command runs
from that checkout too, alternating with this one, and the record carries the ratio
this/reference; the two runs' JSON results are checked equal (durations aside).

    python bench/tree_lint_bench.py --reference /tmp/before
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.foreign_monorepo import build_foreign_monorepo  # noqa: E402 - after the sys.path line, so the bench runs from a checkout


def lint_tree(code: Path, manifest: Path, results: Path, bytecode: Path) -> float:
    """CPU seconds of one `validate --lint-only --no-cache --json` run of the checkout at `code`.

    Both checkouts' bytecode is cached in `bytecode` (a warm-up run fills it), so neither pays for compiling
    itself (with PYTHONDONTWRITEBYTECODE set, a checkout without .pyc files would compile on every run).
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(code), CI="true", PYTHONPYCACHEPREFIX=str(bytecode))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-m", "azora_tasks.cli", "validate", "--lint-only", "--no-cache", "--manifest", str(manifest), "--json", str(results)]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{code}: exit {completed.returncode}\n{completed.stdout[-2000:]}{completed.stderr[-2000:]}")
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def without_durations(path: Path) -> Any:
    data = json.loads(path.read_text(encoding="utf-8"))
    for run in data["runs"]:
        run["duration"] = 0
        for service in run["services"]:
            service["duration"] = 0
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1]
    )
    parser.add_argument("--services", type=int, default=190, help="services in the foreign tree (default: 190, the Azora OS plan)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per checkout; the figure is the median (default: 5)")
    parser.add_argument("--reference", type=Path, help="another azora-tasks checkout to run the same command from")
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="azora-tree-lint-") as scratch:
        root = Path(scratch)
        build_foreign_monorepo(root, options.services)
        init = subprocess.run(
            [sys.executable, "-m", "azora_tasks.cli", "manifest", "init"], cwd=root, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True
        )
        if init.returncode != 0:
            raise SystemExit(f"manifest init failed:\n{init.stdout}{init.stderr}")
        checkouts = {"this": REPO, **({"reference": options.reference.resolve()} if options.reference else {})}
        samples: dict[str, list[float]] = {name: [] for name in checkouts}
        for run in range(options.repeat + 1):
            for name, code in checkouts.items():  # alternating, so both see the same machine
                seconds = lint_tree(code, root / "services.toml", root / f"results-{name}.json", root / "bytecode")
                if run:  # run 0 is the warm-up
                    samples[name].append(seconds)
        record: dict[str, Any] = {
            "services": options.services,
            "repeat": options.repeat,
            "cpu_seconds": {name: statistics.median(values) for name, values in samples.items()},
        }
        if options.reference:
            record["ratio"] = record["cpu_seconds"]["this"] / record["cpu_seconds"]["reference"]
            record["same_results"] = without_durations(root / "results-this.json") == without_durations(root / "results-reference.json")
    print(json.dumps(record, indent=2))
    return 0 if record.get("same_results", True) else 1


if __name__ == "__main__":
    raise SystemExit(main())
