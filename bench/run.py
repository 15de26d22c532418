#!/usr/bin/env python3
"""Benchmark azora-tasks against the seed's bash loops, in the same run, on a synthetic monorepo.

What it does, in order:

1. builds a throw-away monorepo under a temp dir: a `services.toml` with N services
   (`svc-0001`...) spread over the real manifest's categories in proportion to their
   targets (N=190 gives exactly the plan's 60/35/25/15/20/10/15/10), the real manifest's
   settings, phases and categories, and `node_modules` symlinked to this repo's (a hoisted
   monorepo install);
2. runs `azora-tasks generate` -- the project's own generator -- to write every schema;
3. per scenario, times the seed's loop (the bash text of the seed, verbatim) and our
   command(s), each as a whole process (wall time with `time.perf_counter`), and samples
   the peak memory of the command's whole process tree;
4. prints a table (median, min-max, ratio to the seed loop, peak memory, target, PASS/MISS)
   and writes a JSON record (git sha, machine, every sample) to compare across commits.

Scenarios (`--scenarios`):

  validate   seed `npx prisma validate` loop | `validate` cold (fresh cache) | warm (cache hit)
             | `validate --engine cli --no-cache` (one `prisma validate` per service, reference)
  clients    seed `npx prisma generate` loop | `clients` cold (no cache, no clients) | warm
  migrate    seed `npx prisma migrate dev --name init` loop | `migrate` fresh (new SQLite
             files, no migrations) | no-op (second run: nothing to do)
             With `--provider postgresql` (one database per service on --pg-server, created
             empty before and dropped after the run): seed loop | fresh | no-op | `--status` |
             second migration (one model changed in 10 services) against the seed loop run
             again on the same change.

The seed loops run with DATABASE_URL=file:./dev.db and the offline engine variables
(PRISMA_SCHEMA_ENGINE_BINARY / PRISMA_QUERY_ENGINE_LIBRARY -> an existing file,
CHECKPOINT_DISABLE=1, PRISMA_HIDE_UPDATE_MESSAGE=1): without them every `prisma validate`
fails at once with P1012 and the loop would time nothing real. The seed's migrate loop also
gets `--config <azora_tasks/toolchain/node/prisma.config.cjs>` (our own JS-engine config), the only way
the plain CLI can migrate offline. Each `npx` exit code is counted: a loop with failures is
reported as such.

Peak memory: a thread reads /proc/<pid>/stat of every process every 20 ms and sums the RSS
of the command's process and all its descendants (children run in their own process
groups, so the tree is followed by parent pid, not by group).

Examples:

  python bench/run.py --services 10                       # quick look while developing
  python bench/run.py                                     # the issue's run: 190 services
  python bench/run.py --services 1000 --scenarios validate --seed-repeat 0 --reference-repeat 0
  nox -s bench -- --services 50 --scenarios clients
  python bench/run.py --provider postgresql --scenarios migrate   # the PostgreSQL monorepo
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
RECORD_FORMAT = "azora-tasks-bench/1"
SCENARIOS = ("validate", "clients", "migrate")
# Where the loops below come from: the project seed, by name (no machine path goes into records).
SEED_SOURCE = 'seed 000_f8944fa8dedd8f0b.txt, section "Automation Tools"'
SEED_DATABASE_URL = "file:./dev.db"
POLL_SECONDS = 0.02
COMMAND_TIMEOUT = 4 * 3600

# --- the seed's loops, verbatim ------------------------------------------------------------
# "Validate All Schemas" and "Generate All Clients" are copied character for character from the
# seed. Its migrate step is written for one service (`cd services/[service-name]` then
# `npx prisma migrate dev --name init`); the loop applies it to every service in the same shape
# as the other two. {config} is filled in with ` --config <our prisma.config.cjs>`.
SEED_VALIDATE_LOOP = """\
for dir in services/*/; do
  if [ -f "${dir}prisma/schema.prisma" ]; then
    echo "Validating ${dir}"
    cd "$dir"
    npx prisma validate
    cd ../..
  fi
done
"""
SEED_GENERATE_LOOP = """\
for dir in services/*/; do
  if [ -f "${dir}prisma/schema.prisma" ]; then
    cd "$dir"
    npx prisma generate
    cd ../..
  fi
done
"""
SEED_MIGRATE_LOOP = """\
for dir in services/*/; do
  if [ -f "${dir}prisma/schema.prisma" ]; then
    cd "$dir"
    npx prisma migrate dev --name init{config}
    cd ../..
  fi
done
"""
# Instrumentation only: count every `npx` call and its failures without touching the loop text.
NPX_COUNTER = """\
__bench_calls=0; __bench_failures=0
__bench_npx() { command npx "$@"; local rc=$?; __bench_calls=$((__bench_calls + 1)); if [ $rc -ne 0 ]; then __bench_failures=$((__bench_failures + 1)); echo "bench: npx failed (exit $rc) in $PWD" >&2; fi; return $rc; }
npx() { __bench_npx "$@"; }
"""
# Our prisma.config.cjs takes its database as `Target.node_env()` gives it (provider, URL, SQLite file); with
# DATABASE_URL alone it asks `python -m azora_tasks.database` (~0.2 s a call) -- our cost, not Prisma's, so the
# instrumentation hands it over the way the tool does: SQLite's ./dev.db is the schema folder's (prisma/).
NPX_SQLITE_TARGET = """\
npx() { AZORA_DATABASE_PROVIDER=sqlite AZORA_MIGRATE_DATABASE_URL="file:$PWD/prisma/dev.db" AZORA_DATABASE_FILE="$PWD/prisma/dev.db" __bench_npx "$@"; }
"""
# PostgreSQL: each service has its own database, as a per-service `.env` would give it. The URL is set
# per call by the same instrumentation function, from the service folder name, so the loop text stays verbatim.
NPX_PG_URL = """\
npx() { local __svc=${PWD##*/}; local __url="$__bench_pg_base${__svc//[-.]/_}"; DATABASE_URL="$__url" AZORA_DATABASE_PROVIDER=postgresql AZORA_MIGRATE_DATABASE_URL="$__url" __bench_npx "$@"; }
"""
NPX_REPORT = """\
echo "bench-npx-calls=${__bench_calls} failures=${__bench_failures}" >&2
"""


# --- targets of issue #5 ---------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    measurement: str
    kind: str  # "ratio" (x faster than the seed loop, at least), "seconds" (at most), "memory" (bytes, at most)
    threshold: float
    services: int  # the N the target is stated for

    def describe(self) -> str:
        if self.kind == "ratio":
            return f"≥ {self.threshold:g}× (N={self.services})"
        if self.kind == "seconds":
            return f"< {self.threshold:g} s (N={self.services})"
        return f"< {human_bytes(self.threshold)} (N={self.services})"


GIB = 1024**3
TARGETS = (
    Target("validate cold", "ratio", 50, 190),
    Target("validate warm", "seconds", 0.5, 190),
    Target("validate cold", "seconds", 15, 1000),
    Target("validate cold", "memory", GIB, 1000),
    Target("clients cold", "ratio", 3, 190),
    Target("clients warm", "seconds", 0.5, 190),
    Target("migrate fresh", "ratio", 5, 190),
    Target("migrate no-op", "seconds", 2, 190),
    # --provider postgresql (issue #11)
    Target("pg migrate fresh", "ratio", 20, 190),
    Target("pg migrate fresh", "memory", GIB, 190),
    Target("pg migrate status", "seconds", 5, 190),
    Target("pg migrate no-op", "seconds", 1, 190),
    Target("pg migrate second", "ratio", 10, 190),
    Target("pg migrate second", "memory", GIB, 190),
)
PG_CHANGED_SERVICES = 10  # the second-migration scenario changes one model in this many services
PG_CHANGE_FIELD = "  benchNote String?\n"


# --- measuring one command -----------------------------------------------------------------


def _process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, RSS in pages), from /proc/*/stat."""
    table: dict[int, tuple[int, int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        table[int(name)] = (int(fields[1]), int(fields[21]))
    return table


class TreeMemorySampler:
    """Peak summed RSS of a process and its descendants, polled every POLL_SECONDS."""

    PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_tree = 0
        self.peak_process = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.available = os.path.isdir("/proc")

    def __enter__(self) -> TreeMemorySampler:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()

    def _loop(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(POLL_SECONDS):
                return

    def sample(self) -> None:
        table = _process_table()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _rss) in table.items():
            children.setdefault(ppid, []).append(pid)
        total, biggest, todo = 0, 0, [self.pid] if self.pid in table else []
        while todo:
            pid = todo.pop()
            rss = table[pid][1] * self.PAGE
            total += rss
            biggest = max(biggest, rss)
            todo.extend(children.get(pid, ()))
        self.samples += 1
        self.peak_tree = max(self.peak_tree, total)
        self.peak_process = max(self.peak_process, biggest)


def _stop(process: subprocess.Popen[Any]) -> None:
    """Ctrl-C to the command's process group (azora-tasks then stops its own children), KILL after 10 s."""
    for sig, grace in ((signal.SIGINT, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class Sample:
    seconds: float
    exit_code: int
    peak_rss_bytes: int  # whole process tree, summed
    max_process_rss_bytes: int  # the largest single process of the tree
    memory_samples: int
    services_run: int | None = None  # services (or npx calls) the command handled
    failures: int | None = None  # failed services (or failed npx calls)
    cached: int | None = None  # services replayed from the cache (our commands)
    load_average: list[float] = field(default_factory=list)  # 1/5/15-min load when the run ended: other work on the machine skews timings
    details: dict[str, Any] = field(default_factory=dict)


def run_measured(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> Sample:
    """Run one command to completion; wall time, exit code and peak tree memory. Output goes to `log`."""
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        # Own session: an interrupted bench stops the command's whole process group (see _stop).
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        with TreeMemorySampler(process.pid) as sampler:
            try:
                exit_code = process.wait(timeout=COMMAND_TIMEOUT)
            except subprocess.TimeoutExpired:
                _stop(process)
                exit_code = process.wait()
            except BaseException:
                _stop(process)
                raise
        seconds = time.perf_counter() - started
    load = [round(value, 2) for value in os.getloadavg()] if hasattr(os, "getloadavg") else []
    return Sample(round(seconds, 4), exit_code, sampler.peak_tree, sampler.peak_process, sampler.samples, load_average=load)


# --- the synthetic monorepo ----------------------------------------------------------------


def spread(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split `total` over the keys in proportion to `weights` (largest remainders), in key order."""
    weight_sum = sum(weights.values()) or 1
    exact = {key: total * weight / weight_sum for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def synthesise_manifest(source: Path, services: int, postgres_url: str | None = None) -> str:
    """The source manifest without its services, plus `services` archetype-generated services.

    `postgres_url` (a template with `{db}`): every service on PostgreSQL, one database each.
    """
    import tomlkit

    raw = tomllib.loads(source.read_text(encoding="utf-8"))
    if postgres_url:
        raw.setdefault("settings", {})["provider"] = "postgresql"
        raw["settings"].setdefault("database_urls", {})["postgresql"] = postgres_url
    document = tomlkit.document()
    document.add(tomlkit.comment(f"synthetic monorepo for bench/run.py: {services} services over the categories of {source.name}"))
    for key, value in raw.items():
        if key != "services":
            document[key] = value
    categories = {key: int(value.get("target", 1)) for key, value in raw.get("categories", {}).items()}
    if not categories:
        raise SystemExit(f"bench: {source} has no [categories] to spread services over")
    lines = [tomlkit.dumps(document).rstrip(), ""]
    number = 0
    for category, count in spread(services, categories).items():
        for _ in range(count):
            number += 1
            lines += [
                f"[services.svc-{number:04d}]",
                f'category = "{category}"',
                f'description = "Synthetic {category} service {number} (category archetype)"',
                "",
            ]
    return "\n".join(lines)


def azora_tasks_command() -> list[str]:
    script = Path(sys.executable).parent / "azora-tasks"
    if script.is_file():
        return [str(script)]
    found = shutil.which("azora-tasks")
    return [found] if found else [sys.executable, "-m", "azora_tasks.cli"]


def build_tree(root: Path, services: int, source_manifest: Path, postgres_url: str | None = None) -> Path:
    (root / "services").mkdir(parents=True)
    manifest = root / "services.toml"
    manifest.write_text(synthesise_manifest(source_manifest, services, postgres_url), encoding="utf-8")
    node_modules = REPO_ROOT / "node_modules"
    if not node_modules.is_dir():
        raise SystemExit(f"bench: {node_modules} is missing: run `npm ci` in {REPO_ROOT} first")
    (root / "node_modules").symlink_to(node_modules, target_is_directory=True)
    # The Prisma CLI's engine look-up only needs *an existing file* (see docs/bench.md).
    (root / ".bench-engine-placeholder").write_text("not an engine: satisfies Prisma's offline engine look-up\n")
    completed = subprocess.run(
        [*azora_tasks_command(), "generate", "--manifest", str(manifest)], cwd=root, env=our_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    schemas = sorted((root / "services").glob("*/prisma/schema.prisma"))
    if completed.returncode != 0 or len(schemas) != services:
        raise SystemExit(f"bench: `azora-tasks generate` made {len(schemas)} of {services} schemas (exit {completed.returncode}):\n{completed.stdout[-3000:]}")
    return manifest


def compile_bytecode() -> None:
    """Byte-compile the azora_tasks being timed, as an installed package always is.

    A source checkout run with PYTHONDONTWRITEBYTECODE set (as on these machines) would otherwise
    compile every module it imports on every command timed: ~50 ms of each run that no user
    installing the package pays. Existing `.pyc` files are read even with that variable set.
    """
    import compileall

    import azora_tasks

    compileall.compile_dir(str(Path(azora_tasks.__file__).parent), quiet=1)


def our_env() -> dict[str, str]:
    """Our commands get the user's environment minus DATABASE_URL: the tool sets every URL itself."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["CI"] = "1"  # plain lines, no live progress bar (output goes to a log file anyway)
    return env


def seed_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    placeholder = str(root / ".bench-engine-placeholder")
    env.update(
        {
            "DATABASE_URL": SEED_DATABASE_URL,
            "PRISMA_SCHEMA_ENGINE_BINARY": placeholder,
            "PRISMA_QUERY_ENGINE_LIBRARY": placeholder,
            "CHECKPOINT_DISABLE": "1",
            "PRISMA_HIDE_UPDATE_MESSAGE": "1",
        }
    )
    return env


SEED_ENV_NOTE = (
    f"seed loops run with DATABASE_URL={SEED_DATABASE_URL}, PRISMA_SCHEMA_ENGINE_BINARY and PRISMA_QUERY_ENGINE_LIBRARY"
    " pointing to an existing placeholder file, CHECKPOINT_DISABLE=1, PRISMA_HIDE_UPDATE_MESSAGE=1: without DATABASE_URL"
    " `prisma validate` fails at once with P1012 on every schema, and without the engine variables Prisma tries to"
    " download engines (no internet here), so the loops would time nothing real; each npx call also gets"
    " AZORA_DATABASE_PROVIDER, AZORA_MIGRATE_DATABASE_URL (and AZORA_DATABASE_FILE) as the tool hands them to its Prisma config"
)


# --- cleaning state between runs ---------------------------------------------------------------


def service_dirs(root: Path) -> list[Path]:
    return sorted(path for path in (root / "services").iterdir() if path.is_dir())


def clear_cache(root: Path, task: str) -> None:
    shutil.rmtree(root / ".azora-cache" / task, ignore_errors=True)


def clear_clients(root: Path) -> None:
    for service in service_dirs(root):
        shutil.rmtree(service / "generated", ignore_errors=True)


def clear_migrations(root: Path) -> None:
    clear_cache(root, "migrate-state")  # the no-op fingerprints describe migrations that are gone
    for service in service_dirs(root):
        prisma = service / "prisma"
        shutil.rmtree(prisma / "migrations", ignore_errors=True)
        for pattern in ("*.db", "*.db-journal", "*.db-wal", "*.db-shm"):
            for path in prisma.glob(pattern):
                path.unlink()


# --- measurements ---------------------------------------------------------------------------


@dataclass
class Measurement:
    name: str
    scenario: str
    kind: str  # seed | ours | reference
    command: str
    samples: list[Sample] = field(default_factory=list)
    baseline: str | None = None  # the seed measurement a ratio is taken against
    notes: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> list[float]:
        return [sample.seconds for sample in self.samples]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_rss(self) -> int:
        return max(sample.peak_rss_bytes for sample in self.samples)

    @property
    def failures(self) -> int:
        return sum(sample.failures or 0 for sample in self.samples) + sum(sample.exit_code != 0 for sample in self.samples if sample.failures is None)

    def to_json(self, ratio: float | None) -> dict[str, Any]:
        return {
            "name": self.name,
            "scenario": self.scenario,
            "kind": self.kind,
            "command": self.command,
            "runs": len(self.samples),
            "median_seconds": round(self.median, 4),
            "min_seconds": min(self.seconds),
            "max_seconds": max(self.seconds),
            "peak_rss_bytes": self.peak_rss,
            "ratio_vs_seed": None if ratio is None else round(ratio, 2),
            "baseline": self.baseline,
            "failures": self.failures,
            "ok": self.failures == 0,
            "notes": self.notes,
            "samples": [asdict(sample) for sample in self.samples],
        }


class Bench:
    def __init__(self, options: argparse.Namespace, root: Path, manifest: Path) -> None:
        self.options = options
        self.root = root
        self.manifest = manifest
        self.logs = root / "bench-logs"
        self.logs.mkdir()
        self.measurements: dict[str, Measurement] = {}
        self.pg: PgDatabases | None = None  # --provider postgresql
        self.skipped: list[dict[str, str]] = []
        self.notes: list[str] = []
        self._log_counter = 0

    def progress(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def _log(self, name: str) -> Path:
        self._log_counter += 1
        return self.logs / f"{self._log_counter:03d}-{name.replace(' ', '_').replace('/', '_')}.log"

    def measurement(self, name: str, scenario: str, kind: str, command: str, baseline: str | None = None) -> Measurement:
        return self.measurements.setdefault(name, Measurement(name, scenario, kind, command, baseline=baseline))

    # --- the seed side ---

    def seed_loop(self, name: str, scenario: str, loop: str, prepare: Any, note: str | None = None) -> None:
        if self.options.seed_repeat <= 0:
            self.skipped.append({"measurement": name, "reason": "--seed-repeat 0: seed loop not run (no ratios)"})
            return
        measurement = self.measurement(name, scenario, "seed", loop)
        if note:
            measurement.notes.append(note)
        measurement.notes.append(SEED_ENV_NOTE)
        env = seed_env(self.root)
        script = NPX_COUNTER + NPX_SQLITE_TARGET + loop + NPX_REPORT
        if self.pg is not None:
            script = NPX_COUNTER + NPX_PG_URL + loop + NPX_REPORT
            env["__bench_pg_base"] = self.pg.url_base
        for run in range(1, self.options.seed_repeat + 1):
            prepare()
            log = self._log(name)
            sample = run_measured(["bash", "-c", script], self.root, env, log)
            calls, failures = _npx_counts(log)
            sample.services_run, sample.failures = calls, failures
            if calls is None or calls == 0:
                sample.failures = max(1, sample.failures or 0)
            measurement.samples.append(sample)
            status = "ok" if not sample.failures else f"{sample.failures} of {calls} npx calls FAILED (log: {log})"
            self.progress(f"  {name} run {run}/{self.options.seed_repeat}: {sample.seconds:.2f} s, {status}")

    # --- our side ---

    def ours(self, name: str, scenario: str, args: list[str], prepare: Any, runs: int, kind: str = "ours", baseline: str | None = None) -> Measurement | None:
        if runs <= 0:
            self.skipped.append({"measurement": name, "reason": "0 runs requested"})
            return None
        command = [*azora_tasks_command(), *args, "--manifest", str(self.manifest)]
        if self.options.jobs:
            command += ["-j", str(self.options.jobs)]
        shown = "azora-tasks " + " ".join(args) + (f" -j {self.options.jobs}" if self.options.jobs else "")
        measurement = self.measurement(name, scenario, kind, shown, baseline=baseline)
        for _ in range(runs):
            self.run_ours(measurement, command, prepare)
        return measurement

    def run_ours(self, measurement: Measurement, command: list[str], prepare: Any) -> None:
        prepare()
        results = self.logs / f"{self._log_counter + 1:03d}-results.json"
        log = self._log(measurement.name)
        sample = run_measured([*command, "--json", str(results)], self.root, our_env(), log)
        _read_results(sample, results)
        measurement.samples.append(sample)
        status = "ok" if sample.exit_code == 0 and not sample.failures else f"exit {sample.exit_code}, {sample.failures} services failed (log: {log})"
        cached = f", {sample.cached} from cache" if sample.cached else ""
        self.progress(f"  {measurement.name} run {len(measurement.samples)}: {sample.seconds:.2f} s{cached}, {status}")

    def cold_warm(self, scenario: str, args: list[str], cold_name: str, warm_name: str, seed: str | None, clear: Any) -> None:
        """K rounds of (cold run after `clear`, then warm run on the state the cold run left)."""
        command = [*azora_tasks_command(), *args, "--manifest", str(self.manifest)] + (["-j", str(self.options.jobs)] if self.options.jobs else [])
        shown = "azora-tasks " + " ".join(args)
        cold = self.measurement(cold_name, scenario, "ours", shown, baseline=seed)
        warm = self.measurement(warm_name, scenario, "ours", shown + "  (again)", baseline=seed)
        for _ in range(self.options.repeat):
            self.run_ours(cold, command, clear)
            self.run_ours(warm, command, lambda: None)

    # --- scenarios ---

    def validate(self) -> None:
        self.progress("validate:")
        self.seed_loop("seed validate loop", "validate", SEED_VALIDATE_LOOP, lambda: None)
        self.cold_warm("validate", ["validate"], "validate cold", "validate warm", "seed validate loop", lambda: clear_cache(self.root, "validate"))
        self.measurements["validate cold"].notes.append("cold = the validate cache folder removed before the run (the run writes it)")
        self.measurements["validate warm"].notes.append("warm = the same command again: every service replayed from the content-hash cache")
        reference = self.ours(
            "validate --engine cli",
            "validate",
            ["validate", "--engine", "cli", "--no-cache"],
            lambda: None,
            self.options.reference_repeat,
            kind="reference",
            baseline="seed validate loop",
        )
        if reference:
            reference.notes.append("reference: one `prisma validate` process per service, in parallel, no cache")

    def clients(self) -> None:
        self.progress("clients:")
        self.seed_loop("seed generate loop", "clients", SEED_GENERATE_LOOP, lambda: clear_clients(self.root))

        def clear() -> None:
            clear_cache(self.root, "clients")
            clear_clients(self.root)

        self.cold_warm("clients", ["clients"], "clients cold", "clients warm", "seed generate loop", clear)
        self.measurements["clients cold"].notes.append("cold = no generated clients and no clients cache")

    def migrate(self) -> None:
        if self.pg is not None:
            self.migrate_postgres()
            return
        self.progress("migrate:")
        if not command_exists("migrate"):
            reason = "`azora-tasks migrate` does not exist in this checkout (not registered yet)"
            self.progress(f"  skipped: {reason}")
            self.skipped.append({"measurement": "migrate", "reason": reason})
            return
        config = migrate_config()
        if config is None:
            self.skipped.append(
                {
                    "measurement": "seed migrate loop",
                    "reason": "baseline unavailable: no prisma.config shipped with the migrate task,"
                    " and the plain Prisma CLI cannot migrate offline (no native schema engine)",
                }
            )
            self.progress("  seed migrate loop: baseline unavailable (no Prisma config for the JS engine)")
        else:
            loop = SEED_MIGRATE_LOOP.replace("{config}", f" --config {shlex.quote(str(config))}")
            self.seed_loop(
                "seed migrate loop",
                "migrate",
                loop,
                lambda: clear_migrations(self.root),
                note=f"with --config {config} (the JS-engine Prisma config our migrate task passes): the plain CLI has no native schema"
                " engine offline; `migrate dev` also runs `prisma generate` after applying, as the seed's command does",
            )
        self.cold_warm("migrate", ["migrate"], "migrate fresh", "migrate no-op", "seed migrate loop" if config else None, lambda: clear_migrations(self.root))
        self.measurements["migrate fresh"].notes.append("fresh = no migrations folder and no SQLite file: creates `init` and applies it")
        self.measurements["migrate no-op"].notes.append("no-op = the same command again: nothing to create or apply")

    def migrate_postgres(self) -> None:
        """Seed loop vs fresh, no-op, --status and a second migration, one PostgreSQL database per service."""
        assert self.pg is not None
        pg = self.pg
        self.progress(f"migrate (postgresql, {len(pg.names)} databases on {pg.server_shown}):")
        config = migrate_config()
        if config is None:
            self.skipped.append({"measurement": "pg seed migrate loop", "reason": "no Prisma config for the JS engine in this checkout"})
            return
        loop = SEED_MIGRATE_LOOP.replace("{config}", f" --config {shlex.quote(str(config))}")
        schemas = {path: path.read_text(encoding="utf-8") for path in sorted((self.root / "services").glob("*/prisma/schema.prisma"))}

        def empty() -> None:
            """Every database exists and is empty; no migrations folder, no migrate cache; original schemas."""
            for path, text in schemas.items():
                path.write_text(text, encoding="utf-8")
            pg.reset()
            clear_migrations(self.root)

        seed_note = (
            f"with --config {config}; DATABASE_URL per service (its own database) set by the npx instrumentation function;"
            " the databases exist and are empty before each run (Prisma's driver-adapter `migrate dev` cannot create one)"
        )
        self.seed_loop("pg seed migrate loop", "migrate", loop, empty, note=seed_note)
        self.cold_warm("migrate", ["migrate"], "pg migrate fresh", "pg migrate no-op", "pg seed migrate loop", empty)
        self.measurements["pg migrate fresh"].notes.append(
            "fresh = empty databases (created before, untimed, as for the seed loop), no migrations: creates and applies `init`"
        )
        self.measurements["pg migrate no-op"].notes.append("no-op = the same command again: nothing to create or apply")
        status = self.ours("pg migrate status", "migrate", ["migrate", "--status"], lambda: None, self.options.repeat)
        if status:
            status.notes.append("--status on the state fresh + no-op left: every service up to date")

        changed = list(schemas)[:PG_CHANGED_SERVICES]

        def one_change() -> None:
            """The state after `init` everywhere, then one model changed in PG_CHANGED_SERVICES services."""
            empty()
            completed = subprocess.run(
                [*azora_tasks_command(), "migrate", "--manifest", str(self.manifest)],
                cwd=self.root,
                env=our_env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if completed.returncode != 0:
                raise SystemExit("bench: preparing the second-migration state (`azora-tasks migrate`) failed")
            for path in changed:
                path.write_text(add_field_to_first_model(schemas[path]), encoding="utf-8")

        self.seed_loop(
            "pg seed migrate loop (second)",
            "migrate",
            loop,
            one_change,
            note=seed_note + f"; state: `init` applied everywhere, one model changed in {len(changed)} services; the seed loop runs over every service",
        )
        second = self.ours(
            "pg migrate second", "migrate", ["migrate", "--name", "change"], one_change, self.options.repeat, baseline="pg seed migrate loop (second)"
        )
        if second:
            second.notes.append(f"second = `init` applied everywhere, one model changed in {len(changed)} services: creates and applies one migration each")
        for path, text in schemas.items():
            path.write_text(text, encoding="utf-8")

    # --- report ---

    def ratio(self, measurement: Measurement) -> float | None:
        seed = self.measurements.get(measurement.baseline or "")
        if measurement.kind == "seed" or seed is None or not seed.samples or not measurement.samples or measurement.median <= 0:
            return None
        return seed.median / measurement.median

    def target_rows(self) -> list[dict[str, Any]]:
        rows = []
        for target in TARGETS:
            measurement = self.measurements.get(target.measurement)
            row: dict[str, Any] = {
                "measurement": target.measurement,
                "kind": target.kind,
                "threshold": target.threshold,
                "services": target.services,
                "target": target.describe(),
                "value": None,
                "status": "n/a",
            }
            if measurement is None or not measurement.samples:
                row["note"] = "not measured in this run"
            elif target.kind == "ratio":
                row["value"] = self.ratio(measurement)
                if row["value"] is None:
                    row["note"] = "no seed loop in this run"
            elif target.kind == "seconds":
                row["value"] = measurement.median
            else:
                row["value"] = measurement.peak_rss
            if row["value"] is not None:
                if self.options.services != target.services:
                    row["note"] = f"target is for N={target.services}"
                elif measurement is not None and measurement.failures:
                    row["status"], row["note"] = "MISS", "the command failed"
                else:
                    passed = row["value"] >= target.threshold if target.kind == "ratio" else row["value"] < target.threshold
                    row["status"] = "PASS" if passed else "MISS"
            rows.append(row)
        return rows


# --- PostgreSQL databases for --provider postgresql -------------------------------------------

PG_ADMIN_JS = r"""
const { Client } = require("pg");
const [action, server, names, prefix] = [process.argv[1], process.argv[2], JSON.parse(process.argv[3]), process.argv[4]];
const quote = (name) => '"' + name.replace(/"/g, '""') + '"';
// DROP DATABASE waits for a checkpoint: several at once share them, so every action runs 6 wide.
async function each(items, work, width = 6) {
  const queue = items.slice();
  await Promise.all(Array.from({ length: width }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}
async function on(database, fn) {
  const client = new Client({ connectionString: server + "/" + database });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
(async () => {
  if (action === "create") {
    // An existing database of that name (an earlier, interrupted run with the same --pg-prefix) is emptied,
    // not dropped and created again: DROP DATABASE forces a checkpoint, slow on a busy server.
    const existing = await on("postgres", (admin) => admin.query("SELECT datname FROM pg_database WHERE datname = ANY($1)", [names]));
    const found = new Set(existing.rows.map((row) => row.datname));
    await each(names.filter((name) => !found.has(name)), (name) => on("postgres", (admin) => admin.query("CREATE DATABASE " + quote(name))), 2);
    await each(names.filter((name) => found.has(name)), (name) => on(name, (client) => client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")));
  } else if (action === "reset") {
    await each(names, (name) => on(name, (client) => client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")));
  } else if (action === "drop") {
    const left = await on("postgres", (admin) => admin.query("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [prefix]));
    const all = [...new Set([...names, ...left.rows.map((row) => row.datname)])];
    await each(all, (name) => on("postgres", (admin) => admin.query("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)")));
  }
})().catch((error) => { console.error(error.message); process.exit(1); });
"""


@dataclass
class PgDatabases:
    """One database per service, `<prefix>_azora_<service>`: created empty, emptied between runs, dropped at the end."""

    server: str  # postgresql://user[:password]@host:port
    prefix: str
    names: list[str] = field(default_factory=list)

    @property
    def url_base(self) -> str:
        """The seed loop's DATABASE_URL without the service part (`<server>/<prefix>_azora_`)."""
        return f"{self.server}/{self.prefix}_azora_"

    @property
    def template(self) -> str:
        return f"{self.server}/{self.prefix}_{{db}}"

    @property
    def server_shown(self) -> str:
        import re

        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1****@", self.server)

    def _run(self, action: str, names: list[str]) -> None:
        completed = subprocess.run(
            ["node", "-e", PG_ADMIN_JS, action, self.server, json.dumps(names), self.prefix + "_"],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=3600,
        )
        if completed.returncode != 0:
            raise SystemExit(f"bench: PostgreSQL {action} failed: {completed.stdout.strip()[-500:]}")

    def create(self, services: list[str]) -> None:
        self.names = ["{}_azora_{}".format(self.prefix, service.replace("-", "_").replace(".", "_")) for service in services]
        self._run("create", self.names)

    def reset(self) -> None:
        self._run("reset", self.names)

    def drop(self) -> None:
        self._run("drop", self.names)


def add_field_to_first_model(schema: str) -> str:
    """One changed model: a nullable column added to the schema's first model."""
    import re

    match = re.search(r"^model \w+ \{\n", schema, re.MULTILINE)
    if match is None:
        raise SystemExit("bench: a generated schema has no model to change")
    return schema[: match.end()] + PG_CHANGE_FIELD + schema[match.end() :]


def _npx_counts(log: Path) -> tuple[int | None, int | None]:
    for line in reversed(log.read_text(encoding="utf-8", errors="replace").splitlines()):
        if line.startswith("bench-npx-calls="):
            calls, failures = line.split()
            return int(calls.split("=")[1]), int(failures.split("=")[1])
    return None, None


def _read_results(sample: Sample, results: Path) -> None:
    try:
        run = json.loads(results.read_text(encoding="utf-8"))["runs"][0]
    except (OSError, ValueError, KeyError, IndexError):
        sample.failures = None
        return
    counts = run.get("counts", {})
    services = run.get("services", [])
    sample.services_run = len(services)
    sample.failures = sum(counts.get(key, 0) for key in ("failed", "missing", "cancelled"))
    sample.cached = sum(1 for service in services if service.get("cached"))
    sample.details = {"counts": counts, "reported_duration": run.get("duration")}


def command_exists(name: str) -> bool:
    completed = subprocess.run([*azora_tasks_command(), name, "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return completed.returncode == 0


def migrate_config() -> Path | None:
    """The Prisma config our migrate task passes with --config (JS schema engine + driver adapter)."""
    try:
        from azora_tasks.migrate.engine import CONFIG  # type: ignore[attr-defined]

        if Path(CONFIG).is_file():
            return Path(CONFIG)
    except Exception:  # noqa: BLE001 - an unfinished migrate module must not stop the bench
        pass
    for candidate in sorted((REPO_ROOT / "azora_tasks").glob("**/prisma.config.*")):
        return candidate
    return None


# --- output ---------------------------------------------------------------------------------


def human_bytes(value: float | None) -> str:
    if value is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit in ("B", "KiB") else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def format_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    return f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"


def print_table(bench: Bench, targets: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=False, width=max(150, shutil.get_terminal_size((150, 20)).columns))
    by_measurement: dict[str, list[dict[str, Any]]] = {}
    for row in targets:
        by_measurement.setdefault(row["measurement"], []).append(row)
    table = Table(
        title=f"azora-tasks bench: {bench.options.services} services, median of {bench.options.repeat} (ours) / {bench.options.seed_repeat} (seed)",
        title_justify="left",
    )
    for column in ("scenario", "median s", "min–max s", "vs seed loop", "peak memory", "failures", "target", "result"):
        table.add_column(column, justify="right" if column in ("median s", "min–max s", "peak memory", "failures") else "left")
    for name, measurement in bench.measurements.items():
        if not measurement.samples:
            continue
        rows = by_measurement.get(name) or [None]
        for index, row in enumerate(rows):
            first = index == 0
            target = row["target"] if row else ""
            result = (row["status"] + (f" ({row['note']})" if row.get("note") and row["status"] == "n/a" else "")) if row else ""
            table.add_row(
                name if first else "",
                f"{measurement.median:.2f}" if first else "",
                f"{min(measurement.seconds):.2f}–{max(measurement.seconds):.2f}" if first else "",
                format_ratio(bench.ratio(measurement)) if first else "",
                human_bytes(measurement.peak_rss) if first else "",
                str(measurement.failures) if first else "",
                target,
                result,
            )
    console.print(table)
    for skipped in bench.skipped:
        console.print(f"skipped {skipped['measurement']}: {skipped['reason']}")
    console.print(f"note: {SEED_ENV_NOTE}", highlight=False)
    console.print("note: peak memory = largest sum of RSS over the command's whole process tree, sampled every 20 ms from /proc", highlight=False)
    console.print("note: azora_tasks is byte-compiled before anything is timed, as an installed package is", highlight=False)


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def tool_version(command: list[str]) -> str:
    try:
        return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def machine_info() -> dict[str, Any]:
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        memory = int(Path("/proc/meminfo").read_text().split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    prisma_package = REPO_ROOT / "node_modules" / "prisma" / "package.json"
    from azora_tasks import __version__
    from azora_tasks.toolchain.node_command import node_executable

    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_bytes": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "node": tool_version([node_executable(REPO_ROOT), "--version"]),  # the Node the tool runs Prisma on
        "npx": tool_version(["npx", "--version"]),
        "prisma": json.loads(prisma_package.read_text())["version"] if prisma_package.is_file() else "not installed",
        "azora_tasks": __version__,
        "load_average_at_end": [round(value, 2) for value in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


def build_record(bench: Bench, targets: list[dict[str, Any]], started: datetime.datetime, total_seconds: float, sha: str) -> dict[str, Any]:
    """`sha` is HEAD when the run started; `sha_at_end` differs when someone committed during the run."""
    return {
        "format": RECORD_FORMAT,
        "date": started.isoformat(timespec="seconds"),
        "git": {
            "sha": sha,
            "short": sha[:9],
            "sha_at_end": git("rev-parse", "HEAD"),
            "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        },
        "machine": machine_info(),
        "config": {
            "services": bench.options.services,
            "repeat": bench.options.repeat,
            "seed_repeat": bench.options.seed_repeat,
            "reference_repeat": bench.options.reference_repeat,
            "scenarios": bench.options.scenarios,
            "jobs": bench.options.jobs,
            "provider": bench.options.provider,
            "postgresql": {
                "server": bench.pg.server_shown,
                "databases": len(bench.pg.names),
                "prefix": bench.pg.prefix,
                "changed_services": PG_CHANGED_SERVICES,
            }
            if bench.pg is not None
            else None,
            "statistic": "median",
            "timer": "time.perf_counter around the whole process (wall time)",
            "memory": f"peak of the summed RSS of the command's process tree (parent-pid walk of /proc/*/stat every {POLL_SECONDS * 1000:.0f} ms)",
            "seed": SEED_SOURCE,
            "seed_environment": SEED_ENV_NOTE,
        },
        "measurements": [m.to_json(bench.ratio(m)) for m in bench.measurements.values() if m.samples],
        "targets": targets,
        "skipped": bench.skipped,
        "total_seconds": round(total_seconds, 2),
    }


# --- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description=__doc__.split("\n\n", 1)[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--services",
        type=int,
        default=190,
        metavar="N",
        help="services in the synthetic monorepo (default: 190, the Azora OS plan; the issue also asks for 1000)",
    )
    parser.add_argument("--repeat", type=int, default=3, metavar="K", help="runs of each of our commands; figures are medians (default: 3)")
    parser.add_argument(
        "--seed-repeat",
        type=int,
        default=1,
        metavar="K",
        help="runs of each seed loop (slow: ~1.3 s per service); 0 = skip the seed loops and report absolute figures only (default: 1)",
    )
    parser.add_argument(
        "--reference-repeat", type=int, default=1, metavar="K", help="runs of `validate --engine cli` (one prisma process per service); 0 = skip (default: 1)"
    )
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), metavar="LIST", help=f"comma-separated, from {', '.join(SCENARIOS)} (default: all)")
    parser.add_argument(
        "-j", "--jobs", type=int, default=None, metavar="N", help="pass -j N to our commands (default: the manifest's concurrency, one per CPU)"
    )
    parser.add_argument("--output", type=Path, metavar="PATH", help="JSON record (default: bench/results/<UTC timestamp>-<git sha>.json)")
    parser.add_argument(
        "--source-manifest",
        type=Path,
        default=REPO_ROOT / "services.toml",
        metavar="PATH",
        help="manifest whose settings and categories the synthetic one copies (default: the repo's services.toml)",
    )
    parser.add_argument(
        "--provider",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the services' database: sqlite (a file each) or postgresql (a database each on --pg-server, dropped after the run)",
    )
    parser.add_argument(
        "--pg-server",
        default=os.environ.get("AZORA_BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432"),
        metavar="URL",
        help="PostgreSQL server for --provider postgresql (default: $AZORA_BENCH_PG_SERVER or postgresql://postgres@127.0.0.1:5432)",
    )
    parser.add_argument("--pg-prefix", default=None, metavar="NAME", help="database name prefix for --provider postgresql (default: azbench_<random>)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary monorepo (with every command's log under bench-logs/) and print its path")
    options = parser.parse_args(argv)
    options.scenarios = [name.strip() for name in options.scenarios.split(",") if name.strip()]
    unknown = [name for name in options.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}: choose from {', '.join(SCENARIOS)}")
    if options.services < 1:
        parser.error("--services must be at least 1")
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")
    if options.seed_repeat < 0 or options.reference_repeat < 0:
        parser.error("--seed-repeat and --reference-repeat must be 0 or more")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a TERM stops the running command and cleans up too
    started = datetime.datetime.now(datetime.UTC)
    clock = time.perf_counter()
    sha = git("rev-parse", "HEAD")
    output = options.output or RESULTS_DIR / f"{started.strftime('%Y%m%dT%H%M%SZ')}-{sha[:9] or 'nogit'}.json"
    root = Path(tempfile.mkdtemp(prefix=f"azora-bench-{options.services}-"))
    pg: PgDatabases | None = None
    try:
        print(f"bench: synthesising {options.services} services in {root} (azora-tasks generate)...", file=sys.stderr, flush=True)
        generate_started = time.perf_counter()
        if options.provider == "postgresql":
            pg = PgDatabases(options.pg_server.rstrip("/"), options.pg_prefix or f"azbench_{os.urandom(3).hex()}")
        manifest = build_tree(root, options.services, options.source_manifest, pg.template if pg else None)
        print(f"bench: {options.services} schemas generated in {time.perf_counter() - generate_started:.1f} s", file=sys.stderr, flush=True)
        compile_bytecode()
        bench = Bench(options, root, manifest)
        if pg is not None:
            print(f"bench: creating {options.services} empty databases on {pg.server_shown} ({pg.prefix}_*)...", file=sys.stderr, flush=True)
            bench.pg = pg
            pg.create([path.name for path in service_dirs(root)])
        for scenario in options.scenarios:
            getattr(bench, scenario)()
        targets = bench.target_rows()
        print_table(bench, targets)
        record = build_record(bench, targets, started, time.perf_counter() - clock, sha)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"bench: record written to {output}")
        failed = [m.name for m in bench.measurements.values() if m.samples and m.failures]
        if failed:
            print(f"bench: these measurements had failures (see logs with --keep): {', '.join(failed)}", file=sys.stderr)
        return 0
    finally:
        if pg is not None and pg.names:
            print(f"bench: dropping the {len(pg.names)} databases {pg.prefix}_*...", file=sys.stderr, flush=True)
            pg.drop()
        if options.keep:
            print(f"bench: kept the temporary monorepo at {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
