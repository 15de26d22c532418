#!/usr/bin/env python3
"""Benchmark the schema lint: cost against schema size (linear?), and how fast Ctrl-C stops it.

What it measures, in one run on one machine:

1. **Size series**: one synthetic hand-written-style schema per size (default 0.5, 1, 2 and
   5 MB; `azora_tasks.lint.synthetic.big_schema`: a chain of models with cuid ids, String
   statuses, Float money, relations, a suppression every 50 models), linted in-process with
   every default rule, `--repeat` times; the figure is the median.  Both wall time and the
   process's CPU time are recorded: on a shared machine wall time swings with the load, CPU
   time does not, so linearity is judged on CPU time.  Linear cost means the CPU seconds per
   MB stay flat: the record's `linearity` is (CPU s/MB at the largest size) / (CPU s/MB at
   the smallest), 1.0 for perfectly linear, 10 for quadratic over 0.5 → 5 MB.
2. **Ctrl-C**: `azora-tasks validate --lint-only` on a schema of `--interrupt-mb` MB,
   SIGINT after `--interrupt-after` seconds; the figure is the time from the signal to the
   process's exit (exit code 130 and a `cancelled` service are checked).
3. **Reference** (optional, `--reference PATH`): the same size series, up to
   `--reference-max-mb`, run against another checkout of azora-tasks (e.g. the main branch
   before this change) in a subprocess, so "how much faster" is a ratio measured in the same run.

Writes `bench/results/lint/<UTC time>-<git sha>.json` (or `--output`) and prints a table.

    python bench/lint_bench.py
    python bench/lint_bench.py --sizes 0.5,5 --repeat 1 --reference /work/main --reference-max-mb 0.5
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from azora_tasks.lint import lint_text  # noqa: E402 - after the sys.path line, so the bench runs from a checkout
from azora_tasks.lint.synthetic import big_schema  # noqa: E402

MB = 1_000_000
TARGETS = {"cpu_seconds_at_5mb": 10.0, "linearity": 1.5, "ctrl_c_seconds": 1.0}

_REFERENCE_SCRIPT = """
import sys, time, json
sys.path.insert(0, sys.argv[1])
from azora_tasks.lint import lint_text
text = open(sys.argv[2], encoding="utf-8").read()
started, cpu = time.perf_counter(), time.process_time()
result = lint_text(text, "big.prisma")
print(json.dumps({"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
                  "findings": len(result.findings)}))
"""


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def measure_size(megabytes: float, repeat: int) -> dict[str, Any]:
    text = big_schema(int(megabytes * MB))
    samples, cpu_samples = [], []
    findings = 0
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = lint_text(text, "big.prisma")
        samples.append(time.perf_counter() - started)
        cpu_samples.append(time.process_time() - cpu)
        findings = len(result.findings)
    median, cpu_median = statistics.median(samples), statistics.median(cpu_samples)
    size_mb = len(text.encode("utf-8")) / MB
    return {
        "megabytes": megabytes,
        "bytes": len(text.encode("utf-8")),
        "models": text.count("\nmodel "),
        "findings": findings,
        "samples": samples,
        "cpu_samples": cpu_samples,
        "median_seconds": median,
        "median_cpu_seconds": cpu_median,
        "seconds_per_mb": median / size_mb,
        "cpu_seconds_per_mb": cpu_median / size_mb,
    }


def measure_reference(path: Path, megabytes: float, work: Path) -> dict[str, Any]:
    schema = work / f"reference-{megabytes}.prisma"
    schema.write_text(big_schema(int(megabytes * MB)), encoding="utf-8")
    completed = subprocess.run([sys.executable, "-c", _REFERENCE_SCRIPT, str(path), str(schema)], capture_output=True, text=True, timeout=3600, check=False)
    if completed.returncode != 0:
        return {"megabytes": megabytes, "error": completed.stderr[-2000:]}
    return {"megabytes": megabytes, **json.loads(completed.stdout)}


def measure_ctrl_c(megabytes: float, after: float, work: Path) -> dict[str, Any]:
    root = work / "interrupt"
    schema = root / "services" / "big" / "prisma" / "schema.prisma"
    schema.parent.mkdir(parents=True, exist_ok=True)
    schema.write_text(big_schema(int(megabytes * MB)), encoding="utf-8")
    (root / "services.toml").write_text('[categories.core]\ntitle = "Core"\ntarget = 1\n\n[services.big]\ncategory = "core"\n', encoding="utf-8")
    results = root / "results.json"
    env = {**os.environ, "PYTHONPATH": str(REPO), "CI": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "azora_tasks.cli", "validate", "--lint-only", "--no-cache", "--manifest", str(root / "services.toml"), "--json", str(results)],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(after)
    still_running = process.poll() is None
    signalled = time.perf_counter()
    process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
    stopped = time.perf_counter() - signalled
    status = None
    if results.is_file():
        status = json.loads(results.read_text())["runs"][0]["services"][0]["status"]
    return {
        "megabytes": megabytes,
        "signal_after_seconds": after,
        "running_when_signalled": still_running,
        "stop_seconds": stopped,
        "exit_code": process.returncode,
        "service_status": status,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0.5,1,2,5", help="schema sizes in MB, comma separated (default: 0.5,1,2,5)")
    parser.add_argument("--repeat", type=int, default=3, help="lints per size; the figure is the median (default: 3)")
    parser.add_argument("--interrupt-mb", type=float, default=8.0, help="schema size for the Ctrl-C measurement (0 skips it)")
    parser.add_argument("--interrupt-after", type=float, default=3.0, help="seconds before SIGINT (default: 3)")
    parser.add_argument("--reference", type=Path, help="another azora-tasks checkout to time the same lint against")
    parser.add_argument("--reference-max-mb", type=float, default=1.0, help="largest size run against --reference")
    parser.add_argument("--output", type=Path, help="record path (default: bench/results/lint/<time>-<sha>.json)")
    options = parser.parse_args(argv)
    try:
        sizes = sorted(float(part) for part in options.sizes.split(",") if part.strip())
    except ValueError:
        parser.error(f"--sizes: {options.sizes!r} is not a comma-separated list of numbers")
    started = time.perf_counter()
    series = [measure_size(size, options.repeat) for size in sizes]
    for entry in series:
        print(
            f"lint {entry['megabytes']:>5} MB ({entry['models']} models, {entry['findings']} findings): "
            f"{entry['median_seconds']:.2f} s wall, {entry['median_cpu_seconds']:.2f} s CPU median, "
            f"{entry['cpu_seconds_per_mb']:.2f} CPU s/MB"
        )
    linearity = series[-1]["cpu_seconds_per_mb"] / series[0]["cpu_seconds_per_mb"] if len(series) > 1 else None
    if linearity is not None:
        print(f"linearity (CPU s/MB at {sizes[-1]} MB / at {sizes[0]} MB): {linearity:.2f} (1.0 = linear)")
    with tempfile.TemporaryDirectory(prefix="azora-lint-bench-") as folder:
        work = Path(folder)
        reference = []
        if options.reference:
            for size in [s for s in sizes if s <= options.reference_max_mb]:
                entry = measure_reference(options.reference, size, work)
                ours = next(e for e in series if e["megabytes"] == size)
                if "seconds" in entry:
                    entry["ratio_ours_faster"] = entry["cpu_seconds"] / ours["median_cpu_seconds"]
                    print(
                        f"reference {size} MB: {entry['cpu_seconds']:.2f} CPU s, ours {ours['median_cpu_seconds']:.2f} CPU s "
                        f"({entry['ratio_ours_faster']:.1f}x less)"
                    )
                reference.append(entry)
        ctrl_c = measure_ctrl_c(options.interrupt_mb, options.interrupt_after, work) if options.interrupt_mb > 0 else None
    if ctrl_c:
        print(
            f"Ctrl-C during a {ctrl_c['megabytes']} MB lint: stopped after {ctrl_c['stop_seconds']:.2f} s "
            f"(exit {ctrl_c['exit_code']}, service {ctrl_c['service_status']})"
        )
    at_5 = next((e["median_cpu_seconds"] for e in series if e["megabytes"] == 5), None)
    targets = {
        "cpu_seconds_at_5mb": {
            "value": at_5,
            "target": TARGETS["cpu_seconds_at_5mb"],
            "status": "n/a" if at_5 is None else ("PASS" if at_5 <= TARGETS["cpu_seconds_at_5mb"] else "MISS"),
        },
        "linearity": {
            "value": linearity,
            "target": TARGETS["linearity"],
            "status": "n/a" if linearity is None else ("PASS" if linearity <= TARGETS["linearity"] else "MISS"),
        },
        "ctrl_c_seconds": {
            "value": ctrl_c and ctrl_c["stop_seconds"],
            "target": TARGETS["ctrl_c_seconds"],
            "status": "n/a" if not ctrl_c else ("PASS" if ctrl_c["stop_seconds"] <= TARGETS["ctrl_c_seconds"] and ctrl_c["exit_code"] == 130 else "MISS"),
        },
    }
    for name, target in targets.items():
        print(f"target {name} <= {target['target']}: {target['status']}")
    sha = git("rev-parse", "HEAD")
    record = {
        "format": "azora-tasks-lint-bench/1",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "git": {"sha": sha, "short": sha[:9], "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))},
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_at_end": os.getloadavg() if hasattr(os, "getloadavg") else None,
        },
        "config": {
            "sizes_mb": sizes,
            "repeat": options.repeat,
            "interrupt_mb": options.interrupt_mb,
            "interrupt_after": options.interrupt_after,
            "reference": str(options.reference or ""),
        },
        "series": series,
        "linearity": linearity,
        "reference": reference,
        "ctrl_c": ctrl_c,
        "targets": targets,
        "total_seconds": time.perf_counter() - started,
    }
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    output = options.output or REPO / "bench" / "results" / "lint" / f"{stamp}-{sha[:9] or 'nogit'}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    from azora_tasks.atomic import write_text_atomically

    write_text_atomically(output, json.dumps(record, indent=2) + "\n")
    print(f"record written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
