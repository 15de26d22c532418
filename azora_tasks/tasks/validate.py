"""`validate`: Prisma's own validation of each service's schema, plus the checklist lint.

Prisma's verdict comes from one of two engines that give the same answers:

* `wasm` (default when `@prisma/prisma-schema-wasm` is installed): one Node
  worker for the whole run, ~1 ms per schema;
* `cli`: `prisma validate` per service, ~0.8 s each -- the fallback, and the
  reference the worker is tested against.

The lint (`azora_tasks.lint`) runs in-process on the same files with the
service's merged config (global → category → service). A service fails when
Prisma rejects its schema or the lint reports an error-severity finding.
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from azora_tasks.manifest import Manifest, Service
from azora_tasks.cache import add_cache_arguments
from azora_tasks.prisma import PrismaCli, find_prisma, service_env
from azora_tasks.prisma_config import config_arguments
from azora_tasks.toolchain import ToolchainResolver
from azora_tasks.results import RunResult, ServiceResult, Status
from azora_tasks.runner import ProcessGroup
from azora_tasks.schema_text import blank_schema_problem, env_variables_used, read_schema_text, schema_provider
from azora_tasks.schema_worker import SchemaWorker, wasm_available
from azora_tasks.atomic import write_text_atomically

if TYPE_CHECKING:
    from azora_tasks.lint import LintConfig, LintResult

# The lint package is imported where it is used: a cached run never needs it.

VALIDATE_TIMEOUT_SECONDS = 120
ENGINES = ("auto", "wasm", "cli")
_ERROR_CODE = re.compile(r"Error code: (P\d{4})")
_FIRST_ERROR = re.compile(r"^error: (.+)$", re.MULTILINE)
_LOCATION = re.compile(r"-->\s+(\S+?):(\d+)")


def add_validate_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("validate")
    group.add_argument("--engine", choices=ENGINES, default="auto", help="Prisma validation: wasm (one Node worker), cli (prisma validate per service); auto = wasm when installed")
    mode = group.add_mutually_exclusive_group()
    mode.add_argument("--no-lint", action="store_true", help="only Prisma's validation")
    mode.add_argument("--lint-only", action="store_true", help="only the checklist lint (no Node needed)")
    group.add_argument("--junit", type=Path, metavar="PATH", help="write lint results as JUnit XML (one test case per service x rule)")
    group.add_argument("--sarif", type=Path, metavar="PATH", help="write lint results as SARIF 2.1.0 (GitHub code scanning)")
    group.add_argument("--lint-json", type=Path, metavar="PATH", help="write lint findings as JSON")
    add_cache_arguments(parser)


def build_validate(manifest: Manifest, processes: ProcessGroup, options: argparse.Namespace) -> ValidateTask:
    prisma = None if options.lint_only else find_prisma(manifest)  # the lint alone needs no Node
    return ValidateTask(manifest, prisma, processes, engine=options.engine, lint=not options.no_lint, prisma_check=not options.lint_only)


def lint_config_for(manifest: Manifest, service: Service) -> LintConfig:
    from azora_tasks.lint import merge_configs

    category = manifest.categories.get(service.category)
    return merge_configs(manifest.lint, category.lint if category else None, service.lint)


def schema_sources(manifest: Manifest, service: Service) -> list[Path]:
    """The schema's files: the file itself, or every .prisma file of a schema folder."""
    schema = manifest.schema_file(service)
    if schema.is_file():
        return [schema]
    if schema.is_dir():
        return sorted(path for path in schema.rglob("*.prisma") if "migrations" not in path.parts)
    return []


@dataclass
class ValidateTask:
    manifest: Manifest
    prisma: PrismaCli | None  # None with --lint-only: the lint needs no Node
    processes: ProcessGroup
    engine: str = "auto"
    lint: bool = True
    prisma_check: bool = True
    _worker: SchemaWorker | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.toolchains = ToolchainResolver(self.manifest)
        if self.engine == "auto":
            self.engine = "wasm" if wasm_available(self.manifest.root) else "cli"

    @property
    def cache_name(self) -> str:
        """Where the cache keeps this run's results: a `--lint-only` run must not replace
        the last result that holds Prisma's verdict (the report reads both)."""
        return "validate" if self.prisma_check else "validate-lint"

    def cache_options(self) -> dict[str, object]:
        """The options that change this task's result (part of the cache key)."""
        return {"engine": self.engine, "lint": self.lint, "prisma": self.prisma_check}

    @property
    def worker(self) -> SchemaWorker:
        if self._worker is None:
            assert self.prisma is not None
            self._worker = SchemaWorker(self.manifest.root, self.prisma.version)
        return self._worker

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()

    def __call__(self, service: Service) -> ServiceResult:
        sources = schema_sources(self.manifest, service)
        if not sources:
            schema = self.manifest.schema_file(service)
            return ServiceResult(
                service.name, Status.MISSING,
                summary=f"no schema at {schema.relative_to(self.manifest.root)} (run `generate` to create one)",
            )
        started = time.monotonic()
        blank = blank_schema_problem(sources)
        if blank:  # Prisma accepts an empty file; an empty schema must not count as implemented
            return ServiceResult(service.name, Status.FAILED, time.monotonic() - started, blank, blank, {"prisma": "invalid"} if self.prisma_check else {})
        outputs: list[str] = []
        problems: list[str] = []
        details: dict[str, Any] = {}
        if self.prisma_check:
            valid, output = self._prisma_verdict(service, sources)
            outputs.append(output)
            details["prisma"] = "valid" if valid else "invalid"
            if not valid:
                problems.append(describe_prisma_error(output))
        if self.lint:
            from azora_tasks.lint import lint_files
            from azora_tasks.lint.formats import format_human

            result = lint_files(sources, config=lint_config_for(self.manifest, service), provider=self._provider(service, sources))
            details["lint"] = lint_details(result)
            if result.findings:
                outputs.append(format_human(result, show_fix=True))
            if result.has_errors:
                problems.append(f"lint: {_count_words(result)}")
        status = Status.FAILED if problems else Status.OK
        summary = "; ".join(problems) if problems else _ok_summary(details)
        return ServiceResult(service.name, status, time.monotonic() - started, "\n".join(outputs), summary, details)

    def _provider(self, service: Service, sources: list[Path]) -> str:
        for path in sources:
            provider = schema_provider(read_schema_text(path, self.manifest.root))
            if provider:
                return provider
        return self.manifest.provider_for(service)

    def _prisma_verdict(self, service: Service, sources: list[Path]) -> tuple[bool, str]:
        service_dir = self.manifest.service_dir(service)
        texts = {path: read_schema_text(path, self.manifest.root) for path in sources}
        env = service_env(self.manifest, service, "\n".join(texts.values()))
        schema_arg = self.manifest.schema_file(service)
        toolchain = self.toolchains.for_service(service)
        if toolchain.major >= 7:  # the pinned schema wasm is Prisma 6's: ask the service's own CLI
            completed = self.processes.run(
                toolchain.cli.command("validate", "--schema", str(schema_arg),
                                      *config_arguments(self.manifest, service, toolchain, schema_arg, "\n".join(texts.values()), env)),
                cwd=service_dir, env=env, timeout=VALIDATE_TIMEOUT_SECONDS,
            )
            return completed.returncode == 0, completed.stdout
        if self.engine == "wasm":
            files = [(_relative(path, service_dir), text) for path, text in texts.items()]
            used = {name: env[name] for name in env_variables_used("\n".join(texts.values())) if name in env}
            verdict = self.worker.validate(files, used)
            return verdict.ok, verdict.output
        completed = self.processes.run(
            toolchain.cli.command("validate", "--schema", str(schema_arg)),
            cwd=service_dir, env=env, timeout=VALIDATE_TIMEOUT_SECONDS,
        )
        return completed.returncode == 0, completed.stdout

    def write_reports(self, run: RunResult, options: argparse.Namespace) -> list[Path]:
        """JUnit / SARIF / JSON lint reports for CI, from this run's (or the cache's) results."""
        if not self.lint or not (options.junit or options.sarif or options.lint_json):
            return []
        from azora_tasks.lint.formats import format_json, format_junit, format_sarif

        results = {r.service: lint_result_from_details(r.details.get("lint")) for r in run.results if "lint" in r.details}
        written = []
        if options.junit:
            configs = {name: lint_config_for(self.manifest, self.manifest.services[name]) for name in results}
            write_text_atomically(options.junit, format_junit(results, configs=configs))
            written.append(options.junit)
        if options.sarif:
            write_text_atomically(options.sarif, format_sarif(results))
            written.append(options.sarif)
        if options.lint_json:
            write_text_atomically(options.lint_json, format_json(results))
            written.append(options.lint_json)
        return written


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
        "items": [finding.to_dict() for finding in result.findings],
    }


def lint_result_from_details(details: dict[str, Any] | None) -> LintResult:
    from azora_tasks.lint import Finding, LintResult, Severity

    if not details:
        return LintResult()
    findings = [Finding(**{**item, "severity": Severity(item["severity"])}) for item in details.get("items", [])]
    return LintResult(findings, details.get("suppressed", 0))


def _count_words(result: LintResult) -> str:
    from azora_tasks.lint import Severity

    parts = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        count = len(result.by_severity(severity))
        if count:
            parts.append(f"{count} {severity.value}{'s' if count != 1 else ''}")
    return ", ".join(parts) or "clean"


def _ok_summary(details: dict[str, Any]) -> str:
    parts = []
    if "prisma" in details:
        parts.append("valid")
    lint = details.get("lint")
    if lint is not None:
        suppressed = f", {lint['suppressed']} suppressed" if lint["suppressed"] else ""
        if lint["findings"]:
            parts.append(f"lint: {lint['warnings']} warnings, {lint['findings'] - lint['warnings']} info{suppressed}")
        else:
            parts.append(f"lint clean{suppressed}")
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
