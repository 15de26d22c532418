"""`validate`: Prisma's own validation of each service's schema, plus the checklist lint.

Prisma's verdict comes from one of two engines that give the same answers:

* `wasm` (default when `@prisma/prisma-schema-wasm` is installed): one Node
  worker for the whole run, ~1 ms per schema;
* `cli`: `prisma validate` per service, ~0.8 s each -- the fallback, and the
  reference the worker is tested against.

The lint (`azora_tasks.lint`) runs in-process on the same files with the
service's merged config (global → category → service, then the command line's
`--select/--extend-select/--ignore`). A service fails when Prisma rejects its
schema or the lint reports an error-severity finding that is not in the
baseline (`lint-baseline.json`, written by `--update-baseline`).

`--fix` (`--unsafe-fixes`, `--diff` to preview) applies the mechanical edits
findings carry before Prisma validates the result. After the run, `finish`
matches findings against the baseline and prints the run-wide lint figures
(`--statistics`, `--lint-format lines`, per-rule totals, gone baseline entries,
unused manifest ignores): see `azora_tasks.lint.baseline` and `.statistics`.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from azora_tasks.atomic import write_text_atomically
from azora_tasks.cache import add_cache_arguments
from azora_tasks.manifest import Manifest, Service
from azora_tasks.process import Cancelled, ProcessGroup
from azora_tasks.results import RunResult, ServiceResult, Status
from azora_tasks.schema_text import blank_schema_problem, env_variables_used, read_schema_text, schema_provider
from azora_tasks.selection import SelectionError
from azora_tasks.service_files import schema_sources
from azora_tasks.tasks.spec import CacheKey, TaskHooks
from azora_tasks.toolchain.prisma_cli import PrismaCli, find_prisma, service_env
from azora_tasks.toolchain.prisma_config import config_arguments
from azora_tasks.toolchain.schema_worker import SchemaWorker, wasm_available
from azora_tasks.toolchain.versions import ToolchainResolver

if TYPE_CHECKING:
    from rich.console import Console

    from azora_tasks.lint import LintConfig, LintResult
    from azora_tasks.lint.baseline import Baseline

# The lint package is imported where it is used: a cached run never needs it.

VALIDATE_TIMEOUT_SECONDS = 120
BASELINE_NAME = "lint-baseline.json"  # = azora_tasks.lint.baseline.BASELINE_NAME (not imported: cached runs skip the lint package)
ENGINES = ("auto", "wasm", "cli")
_ERROR_CODE = re.compile(r"Error code: (P\d{4})")
_FIRST_ERROR = re.compile(r"^error: (.+)$", re.MULTILINE)
_LOCATION = re.compile(r"-->\s+(\S+?):(\d+)")


def add_validate_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("validate")
    group.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="Prisma validation: wasm (one Node worker), cli (prisma validate per service); auto = wasm when installed",
    )
    mode = group.add_mutually_exclusive_group()
    mode.add_argument("--no-lint", action="store_true", help="only Prisma's validation")
    mode.add_argument("--lint-only", action="store_true", help="only the checklist lint (no Node needed)")
    group.add_argument("--junit", type=Path, metavar="PATH", help="write lint results as JUnit XML (one test case per service x rule)")
    group.add_argument("--sarif", type=Path, metavar="PATH", help="write lint results as SARIF 2.1.0 (GitHub code scanning)")
    group.add_argument("--lint-json", type=Path, metavar="PATH", help="write lint findings as JSON")
    lint = parser.add_argument_group("lint selection, baseline and fixes")
    lint.add_argument(
        "--select",
        type=_codes,
        action="extend",
        metavar="CODES",
        help="only these rules: codes, prefixes (AZL00) or names, comma separated; replaces the manifest's [lint] select",
    )
    lint.add_argument("--extend-select", type=_codes, action="extend", default=[], metavar="CODES", help="rules to add to the selection")
    lint.add_argument("--ignore", type=_codes, action="extend", default=[], dest="lint_ignore", metavar="CODES", help="rules to switch off")
    lint.add_argument("--statistics", action="store_true", help="print one line per rule: code, name, count, services, fixable")
    lint.add_argument(
        "--lint-format",
        choices=("full", "lines"),
        default="full",
        help="full: findings in each failing service's output (default); lines: every finding as `path:line:col: CODE message`, never truncated",
    )
    lint.add_argument("--baseline", type=Path, metavar="PATH", help="baseline file (default: [lint] baseline, else lint-baseline.json next to the manifest)")
    lint.add_argument("--no-baseline", action="store_true", help="ignore the baseline: every finding counts")
    lint.add_argument("--update-baseline", action="store_true", help="write every current finding to the baseline (so only new ones fail)")
    lint.add_argument("--fix", action="store_true", help="apply the safe mechanical fixes, then validate the result")
    lint.add_argument("--unsafe-fixes", action="store_true", help="with --fix/--diff: also apply unsafe fixes (table renames by @@map)")
    lint.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    add_cache_arguments(parser)


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def build_validate(manifest: Manifest, processes: ProcessGroup, options: argparse.Namespace) -> ValidateTask:
    prisma = None if options.lint_only else find_prisma(manifest)  # the lint alone needs no Node
    selection = lint_selection(options)
    fix = "unsafe" if getattr(options, "unsafe_fixes", False) else "safe"
    mode = "diff" if getattr(options, "diff", False) else ("fix" if getattr(options, "fix", False) else None)
    if mode:
        options.no_cache = True  # a fix writes files: a replayed result would skip the writing
    task = ValidateTask(
        manifest,
        prisma,
        processes,
        engine=options.engine,
        lint=not options.no_lint,
        prisma_check=not options.lint_only,
        selection=selection,
        fix_mode=mode,
        fix_level=fix,
        lint_format=getattr(options, "lint_format", "full"),
    )
    if task.lint and not getattr(options, "no_baseline", False) and task.baseline_path(options).is_file():
        from azora_tasks.lint.baseline import Baseline, BaselineError

        try:
            task.baseline = Baseline.load(task.baseline_path(options))
        except BaselineError as error:
            raise SelectionError(str(error)) from None
    return task


def lint_selection(options: argparse.Namespace) -> tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...]]:
    """`--select`, `--extend-select`, `--ignore`, checked: an unknown code is a usage error (exit 2)."""
    from azora_tasks.lint.config import LintConfigError, resolve_selectors

    try:
        select = resolve_selectors(getattr(options, "select", None) or (), "--select") or None
        extend = resolve_selectors(getattr(options, "extend_select", None) or (), "--extend-select")
        ignore = resolve_selectors(getattr(options, "lint_ignore", None) or (), "--ignore")
    except LintConfigError as error:
        raise SelectionError(str(error)) from None
    return select, extend, ignore


def lint_config_for(manifest: Manifest, service: Service, selection: tuple[Any, ...] | None = None) -> LintConfig:
    from azora_tasks.lint import LintConfig, merge_configs

    category = manifest.categories.get(service.category)
    config = merge_configs(LintConfig.from_mapping(manifest.lint, scope="global"), category.lint if category else None, service.lint)
    if selection is not None:
        config = config.with_selection(*selection)
    return config.for_service(service.name, service.category)


@dataclass
class ValidateTask(TaskHooks):
    manifest: Manifest
    prisma: PrismaCli | None  # None with --lint-only: the lint needs no Node
    processes: ProcessGroup
    engine: str = "auto"
    lint: bool = True
    prisma_check: bool = True
    selection: tuple[Any, ...] = (None, (), ())
    fix_mode: str | None = None  # "fix" writes, "diff" previews
    fix_level: str = "safe"  # "unsafe" with --unsafe-fixes
    lint_format: str = "full"
    baseline: Baseline | None = None  # known findings that do not fail (see azora_tasks.lint.baseline)
    _worker: SchemaWorker | None = field(default=None, init=False, repr=False)
    _lint_configs: dict[str, LintConfig] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.toolchains = ToolchainResolver(self.manifest)
        if self.engine == "auto":
            self.engine = "wasm" if wasm_available(self.manifest.root) else "cli"

    @property
    def cache_name(self) -> str:
        """Where the cache keeps this run's results: a `--lint-only` run must not replace
        the last result that holds Prisma's verdict (the report reads both)."""
        return "validate" if self.prisma_check else "validate-lint"

    def cache_key(self) -> CacheKey:
        return CacheKey(self.cache_name, self.cache_options(), self.prisma.version if self.prisma else "not used")

    def cache_inputs(self, service: Service) -> dict[str, str]:
        return {"service prisma": self.toolchains.cache_key(service)}  # the service's own Prisma (toolchain/versions.py)

    def cache_options(self) -> dict[str, object]:
        """The options that change this task's result (part of the cache key)."""
        options: dict[str, object] = {"engine": self.engine, "lint": self.lint, "prisma": self.prisma_check}
        if self.selection != (None, (), ()):
            options["selection"] = [list(part) if part is not None else None for part in self.selection]
        if self.lint_format != "full":
            options["lint_format"] = self.lint_format
        if self.baseline is not None and self.baseline.counts:
            options["baseline"] = self.baseline.digest()  # a baselined finding changes a service's verdict
        return options

    @property
    def worker(self) -> SchemaWorker:
        if self._worker is None:
            assert self.prisma is not None
            self._worker = SchemaWorker(self.manifest.root, self.prisma.version, processes=self.processes)
        return self._worker

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()

    def lint_config(self, service: Service) -> LintConfig:
        """The service's merged lint config, computed once per run: the lint, the baseline's judged
        rules, the unused-ignore check and the JUnit report all ask for it."""
        config = self._lint_configs.get(service.name)
        if config is None:
            config = self._lint_configs[service.name] = lint_config_for(self.manifest, service, self.selection)
        return config

    def __call__(self, service: Service) -> ServiceResult:
        sources = schema_sources(self.manifest, service)
        if not sources:
            schema = self.manifest.schema_file(service)
            return ServiceResult(
                service.name,
                Status.MISSING,
                summary=f"no schema at {schema.relative_to(self.manifest.root)} (run `generate` to create one)",
            )
        started = time.monotonic()
        texts = {path: read_schema_text(path, self.manifest.root) for path in sources}  # the one read of the files
        blank = blank_schema_problem(texts)
        if blank:  # Prisma accepts an empty file; an empty schema must not count as implemented
            return ServiceResult(service.name, Status.FAILED, time.monotonic() - started, blank, blank, {"prisma": "invalid"} if self.prisma_check else {})
        outputs: list[str] = []
        problems: list[str] = []
        details: dict[str, Any] = {}
        originals: dict[str, str] = {}
        if self.lint and self.fix_mode:
            details["fix"], originals, written = self._fix(service, texts)
            texts = {path: written.get(str(path), text) for path, text in texts.items()}  # what is on disk now
            if details["fix"].get("diff"):
                outputs.append(details["fix"]["diff"])
        if self.prisma_check:
            valid, output = self._prisma_verdict(service, texts)
            if not valid and self.fix_mode == "fix" and details["fix"]["files"]:
                valid, output, texts = self._revert_if_fix_broke(service, texts, originals, details["fix"], output)
            outputs.append(output)
            details["prisma"] = "valid" if valid else "invalid"
            if not valid:
                problems.append(describe_prisma_error(output))
        if self.lint:
            from azora_tasks.lint import LintResult
            from azora_tasks.lint.formats import format_human

            result = self._lint(service, {str(path): text for path, text in texts.items()})
            details["lint"] = lint = lint_details(result)
            fresh = mark_baselined(service.name, lint, self.baseline)
            if fresh and self.lint_format == "full":
                shown = [f for f, item in zip(result.findings, lint["items"], strict=True) if not item["baselined"]]
                outputs.append(format_human(LintResult(shown), show_fix=True))
            if any(item["severity"] == "error" for item in fresh):
                problems.append(f"lint: {_count_items(fresh)}" + (f" new ({lint['baselined']} baselined)" if lint["baselined"] else ""))
        status = Status.FAILED if problems else Status.OK
        summary = "; ".join(problems) if problems else _ok_summary(details)
        return ServiceResult(service.name, status, time.monotonic() - started, "\n".join(outputs), summary, details)

    def _lint(self, service: Service, texts: Mapping[str, str]) -> LintResult:
        """Lint the service's files (path -> text); Ctrl-C (the runner's cancel flag) stops it
        within a fraction of a second."""
        from azora_tasks.lint import lint_sources
        from azora_tasks.lint.cancel import LintCancelled

        try:
            return lint_sources(
                texts.items(), config=self.lint_config(service), provider=self._provider(service, texts.values()), cancel=self.processes.cancelled
            )
        except LintCancelled:
            raise Cancelled() from None

    def _fix(self, service: Service, sources: Mapping[Path, str]) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
        """Apply (or, with --diff, preview) the mechanical fixes; passes until nothing is left to fix.

        Returns the report, the original texts and the texts written (path -> last text written)."""
        from azora_tasks.lint.fixer import FixResult, fix_sources

        # The fixer works on universal newlines (what the files held when read as text).
        originals = {str(path): text.replace("\r\n", "\n").replace("\r", "\n") for path, text in sources.items()}
        texts = dict(originals)
        written: dict[str, str] = {}
        fixed = unsafe_skipped = 0
        failed: list[str] = []
        for _ in range(3):  # one pass fixes everything today; the loop guards against a fix enabling another
            change = fix_sources(texts, self._lint(service, texts).findings, unsafe=self.fix_level == "unsafe")
            failed, unsafe_skipped = change.failed, len(change.unsafe_skipped)
            if not change.texts:
                break
            fixed += len(change.fixed)
            texts.update(change.texts)
            if self.fix_mode == "fix":
                for path, text in change.texts.items():
                    write_text_atomically(Path(path), text)
                    written[path] = text
        changed = sorted(path for path in texts if texts[path] != originals[path])
        report: dict[str, Any] = {"fixed": fixed, "files": changed, "unsafe_skipped": unsafe_skipped, "skipped_models": failed}
        if self.fix_mode == "diff":
            report["diff"] = FixResult({p: texts[p] for p in changed}).diff(originals)
        return report, originals, written

    def _revert_if_fix_broke(
        self, service: Service, texts: dict[Path, str], originals: dict[str, str], report: dict[str, Any], output: str
    ) -> tuple[bool, str, dict[Path, str]]:
        """Prisma rejects the fixed schema: if it accepted the original, put the original back.

        A fix must never turn a valid schema into an invalid one (e.g. a new `createdAt`
        colliding with a legacy field mapped to the column "createdAt"); the findings stay.
        Returns the verdict, Prisma's output and the texts now on disk.
        """
        fixed = {Path(path): texts[Path(path)] for path in report["files"]}
        for path in fixed:
            write_text_atomically(path, originals[str(path)])
        reverted = {path: originals[str(path)] if path in fixed else text for path, text in texts.items()}
        valid, original_output = self._prisma_verdict(service, reverted)
        if valid:
            report["reverted"] = describe_prisma_error(output)
            report["skipped_models"] = [*report["skipped_models"], f"{service.name}: fix reverted, Prisma rejected it: {report['reverted']}"]
            report["fixed"], report["files"] = 0, []
            return True, original_output, reverted
        for path, text in fixed.items():  # the original was invalid too: the fix broke nothing, keep it
            write_text_atomically(path, text)
        return False, output, texts

    def _provider(self, service: Service, texts: Iterable[str]) -> str:
        for text in texts:
            provider = schema_provider(text)
            if provider:
                return provider
        return self.manifest.provider_for(service)

    def _prisma_verdict(self, service: Service, texts: Mapping[Path, str]) -> tuple[bool, str]:
        """Prisma's verdict on the files as they are on disk (`texts`: their content)."""
        service_dir = self.manifest.service_dir(service)
        text = "\n".join(texts.values())
        env = service_env(self.manifest, service, text)
        schema_arg = self.manifest.schema_file(service)
        toolchain = self.toolchains.for_service(service)
        if toolchain.major >= 7:  # the pinned schema wasm is Prisma 6's: ask the service's own CLI
            completed = self.processes.run(
                toolchain.cli.command("validate", "--schema", str(schema_arg), *config_arguments(self.manifest, service, toolchain, schema_arg, text, env)),
                cwd=service_dir,
                env=env,
                timeout=VALIDATE_TIMEOUT_SECONDS,
            )
            return completed.returncode == 0, completed.stdout
        if self.engine == "wasm":
            files = [(_relative(path, service_dir), text) for path, text in texts.items()]
            used = {name: env[name] for name in env_variables_used(text) if name in env}
            verdict = self.worker.validate(files, used)
            return verdict.ok, verdict.output
        completed = self.processes.run(
            toolchain.cli.command("validate", "--schema", str(schema_arg)),
            cwd=service_dir,
            env=env,
            timeout=VALIDATE_TIMEOUT_SECONDS,
        )
        return completed.returncode == 0, completed.stdout

    # --- after the run: baseline, run-wide figures ---------------------------------------

    def baseline_path(self, options: argparse.Namespace) -> Path:
        explicit = getattr(options, "baseline", None)
        if explicit is not None:
            return explicit
        configured = self.manifest.lint.get("baseline")
        return self.manifest.root / (configured if isinstance(configured, str) else BASELINE_NAME)

    def finish(self, run: RunResult, options: argparse.Namespace, console: Console) -> RunResult:
        """After the run: write the baseline with --update-baseline (then every current finding is
        known, so services re-pass), find gone baseline entries, and print what comes before the
        summary (diffs, `--lint-format lines`, `--statistics`)."""
        if not self.lint:
            return run
        from azora_tasks.lint.baseline import Baseline, BaselineError, Matcher, finding_key
        from azora_tasks.lint.statistics import (
            finding_line,
            rule_totals,
            statistics_lines,
        )

        linted = {r.service: r for r in run.results if "lint" in r.details}
        path = self.baseline_path(options)
        self._notes: list[str] = []
        judged = {(name, rule.code) for name in linted for rule in self.lint_config(self.manifest.services[name]).enabled_rules()}
        if getattr(options, "update_baseline", False):
            try:  # keep what this run did not check: other services, rules left out by --select
                kept = Baseline.load(path).without(judged)
            except BaselineError:
                kept = Baseline()  # rewriting a broken file is the fix
            fresh = Baseline.from_findings({name: r.details["lint"]["items"] for name, r in linted.items()})
            self.baseline = kept.merged(fresh)
            self.baseline.write(path)
            self._notes.append(
                f"baseline {_shown(path, self.manifest.root)}: wrote {fresh.total} findings of {len(linted)} services ({self.baseline.total} in the file)"
            )
            for result in linted.values():
                fresh_items = mark_baselined(result.service, result.details["lint"], self.baseline)
                if result.status is Status.FAILED and result.details.get("prisma", "valid") == "valid" and not fresh_items:
                    result.status = Status.OK
                    result.summary = _ok_summary(result.details)
        if self.baseline is not None and self.baseline.counts:
            matched = Counter(finding_key(name, item) for name, r in linted.items() for item in r.details["lint"]["items"] if item.get("baselined"))
            gone = Matcher(Counter(self.baseline.counts) - matched).gone(judged)
            remaining = sum(matched.values())
            self._notes.append(
                f"baseline {_shown(path, self.manifest.root)}: {remaining} baselined finding{'s' if remaining != 1 else ''} remain"
                + (f", {sum(n for _, n in gone)} gone (fixed): run `validate --update-baseline` to shrink the file" if gone else "")
            )
            self._notes += [f"  gone: {key.describe()}" + (f" (x{count})" if count > 1 else "") for key, count in gone]
        self._notes += self._unused_ignores(linted)
        shown = {name: [i for i in r.details["lint"]["items"] if not i.get("baselined")] for name, r in linted.items()}
        self._totals = rule_totals(shown)
        for result in run.results:
            diff = result.details.get("fix", {}).get("diff")
            if diff:
                console.file.write(diff)
        if getattr(options, "lint_format", "full") == "lines":
            for name in sorted(shown):
                for item in shown[name]:
                    console.file.write(finding_line(item) + "\n")
        if getattr(options, "statistics", False):
            for line in statistics_lines(self._totals):
                console.file.write(line + "\n")
        return run

    def epilogue(self, run: RunResult, options: argparse.Namespace) -> list[str]:
        """Lines after the summary: per-rule totals (always), fixes, baseline state, unused ignores."""
        if not self.lint or not hasattr(self, "_totals"):
            return []
        from azora_tasks.lint.statistics import totals_line

        baselined = sum(r.details["lint"].get("baselined", 0) for r in run.results if "lint" in r.details)
        lines = [totals_line(self._totals) + (f" ({baselined} more baselined)" if baselined else "")]
        fixes = [r.details["fix"] for r in run.results if "fix" in r.details]
        if fixes:
            verb = "would fix" if self.fix_mode == "diff" else "fixed"
            files = sum(len(f["files"]) for f in fixes)
            line = f"{verb} {sum(f['fixed'] for f in fixes)} findings in {files} file{'s' if files != 1 else ''}"
            unsafe = sum(f["unsafe_skipped"] for f in fixes)
            if unsafe:
                line += f"; {unsafe} more with --unsafe-fixes (they rename tables: migrate with a rename)"
            lines.append(line)
            lines += [f"  not fixed: {reason}" for f in fixes for reason in f["skipped_models"]]
        return lines + self._notes

    def _unused_ignores(self, linted: dict[str, ServiceResult]) -> list[str]:
        """`[[lint.ignores]]` entries that silenced nothing in the services this run linted (like RUF100)."""
        from azora_tasks.lint import LintConfig
        from azora_tasks.toml_positions import locate_key

        ignores = LintConfig.from_mapping(self.manifest.lint, scope="global").ignores
        if not ignores or not linted:
            return []
        hits: dict[int, int] = {}
        applies: dict[int, bool] = {}
        for name, result in linted.items():
            service = self.manifest.services[name]
            config = self.lint_config(service)
            enabled = {rule.code for rule in config.enabled_rules()}
            for ignore in config.ignores:
                applies[ignore.index] = applies.get(ignore.index, False) or bool(ignore.rules & enabled)
            for index, count in result.details["lint"].get("ignore_hits", {}).items():
                hits[int(index)] = hits.get(int(index), 0) + count
        text = self.manifest.path.read_text(encoding="utf-8")
        notes = []
        for ignore in ignores:
            if applies.get(ignore.index) and not hits.get(ignore.index):
                line = locate_key(text, ("lint", "ignores", ignore.index))
                where = f"{self.manifest.path.name}:{line}" if line else self.manifest.path.name
                notes.append(f"unused ignore {where}: {ignore.describe()} silences nothing in the {len(linted)} linted services; remove it")
            elif hits.get(ignore.index):
                notes.append(f"ignored by {ignore.describe()}: {hits[ignore.index]} findings ({ignore.reason})")
        return notes

    def write_reports(self, run: RunResult, options: argparse.Namespace) -> list[Path]:
        """JUnit / SARIF / JSON lint reports for CI, from this run's (or the cache's) results."""
        if not self.lint or not (options.junit or options.sarif or options.lint_json):
            return []
        from azora_tasks.lint.formats import format_json, format_junit, format_sarif

        linted = [r for r in run.results if "lint" in r.details]
        results = {r.service: lint_result_from_details(r.details.get("lint")) for r in linted}
        baselined = {r.service: {i for i, item in enumerate(r.details["lint"]["items"]) if item.get("baselined")} for r in linted}
        written = []
        if options.junit:  # baselined findings do not fail validate, so they do not fail a test case either
            fresh = {
                name: lint_result_from_details({**r.details["lint"], "items": [i for i in r.details["lint"]["items"] if not i.get("baselined")]})
                for name, r in ((r.service, r) for r in linted)
            }
            configs = {name: self.lint_config(self.manifest.services[name]) for name in results}
            write_text_atomically(options.junit, format_junit(fresh, configs=configs))
            written.append(options.junit)
        if options.sarif:  # every finding, with SARIF's baselineState: "new" or "unchanged"
            write_text_atomically(options.sarif, format_sarif(results, baselined=baselined))
            written.append(options.sarif)
        if options.lint_json:
            write_text_atomically(options.lint_json, format_json(results, baselined=baselined))
            written.append(options.lint_json)
        return written


def mark_baselined(service: str, lint: dict[str, Any], baseline: Baseline | None) -> list[dict[str, Any]]:
    """Flag each finding dict `baselined` (its key still has a count in the baseline); returns the new ones."""
    from azora_tasks.lint.baseline import Matcher, finding_key

    matcher = Matcher.of(baseline) if baseline is not None else None
    fresh = []
    for item in lint["items"]:
        item["baselined"] = bool(matcher and matcher.take(finding_key(service, item)))
        if not item["baselined"]:
            fresh.append(item)
    lint["baselined"] = len(lint["items"]) - len(fresh)
    return fresh


def _count_items(items: list[dict[str, Any]]) -> str:
    parts = []
    for severity in ("error", "warning", "info"):
        count = sum(1 for item in items if item["severity"] == severity)
        if count:
            parts.append(f"{count} {severity}{'s' if count != 1 else ''}")
    return ", ".join(parts) or "clean"


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


def lint_details(result: LintResult) -> dict[str, Any]:
    from azora_tasks.lint import Severity

    return {
        "findings": len(result.findings),
        "errors": len(result.by_severity(Severity.ERROR)),
        "warnings": len(result.by_severity(Severity.WARNING)),
        "suppressed": result.suppressed,
        "ignored": sum(result.ignore_hits.values()),
        "ignore_hits": {str(index): count for index, count in sorted(result.ignore_hits.items())},
        "items": [finding.to_dict() for finding in result.findings],
    }


def lint_result_from_details(details: dict[str, Any] | None) -> LintResult:
    from azora_tasks.lint import Finding, LintResult

    if not details:
        return LintResult()
    findings = [Finding.from_dict(item) for item in details.get("items", [])]
    return LintResult(findings, details.get("suppressed", 0))


def _ok_summary(details: dict[str, Any]) -> str:
    parts = []
    if "prisma" in details:
        parts.append("valid")
    lint = details.get("lint")
    if lint is not None:
        fresh = [item for item in lint["items"] if not item.get("baselined")]
        extras = [f"{lint['suppressed']} suppressed" if lint["suppressed"] else "", f"{lint.get('baselined', 0)} baselined" if lint.get("baselined") else ""]
        extra = "".join(f", {e}" for e in extras if e)
        parts.append(f"lint: {_count_items(fresh)}{extra}" if fresh else f"lint clean{extra}")
    return ", ".join(parts)


def describe_prisma_error(output: str) -> str:
    """One line for the summary table: `P1012: line 14: Type "Strin" is neither ...`."""
    code = _ERROR_CODE.search(output)
    first = _FIRST_ERROR.search(output)
    where = _LOCATION.search(output)
    parts = [code.group(1) if code else "invalid"]
    if where:
        parts.append(f"line {where.group(2)}")
    if first:
        parts.append(first.group(1).strip())
    return ": ".join(parts)
