"""The whole run as plain steps, each taking the previous one's result:

    load_manifest -> select_services -> prepare task -> run_services -> summarise

Like nox's own `workflow.py`, nothing here loops back: a step gets what it
needs as arguments and returns what the next step needs. Commands that are not
per-service tasks (`list`, `manifest discover`) reuse the first steps only.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from azora_tasks import discover
from azora_tasks.atomic import write_text_atomically
from azora_tasks.cache import (
    CachedWork,
    CacheStore,
    SharedInputs,
    service_inputs,
)
from azora_tasks.console import make_console, print_summary, progress_for, prompt_for, sink_for
from azora_tasks.manifest import (
    Manifest,
    ManifestError,
    Service,
    find_manifest,
    load_manifest,
)
from azora_tasks.process import ProcessGroup
from azora_tasks.results import RunResult, ServiceResult, write_results
from azora_tasks.runner import Progress, run_services
from azora_tasks.schema_text import env_variables_used, read_schema_text
from azora_tasks.selection import Criteria, SelectionError, Shard, changed_files, select_services
from azora_tasks.tasks.registry import SHARDABLE, TASKS
from azora_tasks.tasks.spec import Task, TaskSpec
from azora_tasks.toolchain.prisma_cli import PrismaError

Work = Callable[[Service], ServiceResult]
USAGE_ERROR = 2


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[argparse.Namespace, Manifest, Console], int]
    selects: bool = True  # takes the selection options
    add_arguments: Callable[[argparse.ArgumentParser], None] = lambda parser: None  # called only for the command being run
    epilog: str | None = None
    run_without_manifest: Callable[[argparse.Namespace, Console], int] | None = None  # for runs that need no manifest
    without_manifest_if: Callable[[argparse.Namespace], bool] = lambda options: True  # which runs those are (`manifest init` only)

    def runs_without_manifest(self, options: argparse.Namespace) -> bool:
        """Whether this run happens before any manifest exists (`doctor`, `node`, `manifest init`)."""
        return self.run_without_manifest is not None and self.without_manifest_if(options)


def write_json_step(options: argparse.Namespace, console: Console, data: Any) -> None:
    """`--json PATH` for commands that are not per-service tasks: the same data as printed."""
    path = getattr(options, "json_path", None)
    if path:
        write_text_atomically(path, json.dumps(data, indent=2) + "\n")
        console.print(f"results written to {escape(str(path))}")


# --- the steps ------------------------------------------------------------------


def load_manifest_step(options: argparse.Namespace) -> Manifest:
    return load_manifest(options.manifest or find_manifest())


def select_step(options: argparse.Namespace, manifest: Manifest) -> list[Service]:
    criteria = Criteria(
        patterns=tuple(options.services),
        phases=tuple(options.phase),
        categories=tuple(options.category),
        changed_since=options.changed_since,
        shard=Shard.parse(options.shard) if options.shard else None,
    )
    changed = changed_files(manifest.root, options.changed_since) if options.changed_since else None
    options.changed_files = changed  # tasks that look at files (`migrate --lint --changed-since`) reuse this answer
    return select_services(manifest, criteria, changed)


def run_step(
    task: str,
    options: argparse.Namespace,
    manifest: Manifest,
    services: list[Service],
    work: Work,
    processes: ProcessGroup,
    console: Console,
    progress: Progress | None = None,
    settle: Callable[[Sequence[Service]], Mapping[str, ServiceResult]] | None = None,
) -> RunResult:
    jobs = options.jobs or manifest.settings.concurrency
    known = work.lookup if isinstance(work, CachedWork) else None
    run = run_services(task, services, work, processes=processes, jobs=jobs, progress=progress or progress_for(console), known=known, settle=settle)
    if isinstance(work, CachedWork) and work.write_error:
        console.print(f"[yellow]warning:[/] cache not updated: {escape(work.write_error)}; the results above are correct, the next run will redo this work")
    return run


def summarise_step(options: argparse.Namespace, run: RunResult, console: Console) -> int:
    print_summary(console, run, verbose=getattr(options, "verbose", False))
    if options.json_path:
        write_results(options.json_path, [run])
        console.print(f"results written to {escape(str(options.json_path))}")
    return run.exit_code


def cache_step(options: argparse.Namespace, manifest: Manifest, task: Task) -> Work:
    """Wrap a cacheable task (its `cache_key()` is not None) in the content-hash cache."""
    key = task.cache_key()
    if getattr(options, "no_cache", True) or key is None:
        return task
    shared = SharedInputs.compute(manifest, key.toolchain, key.options)

    def inputs(service: Service) -> dict[str, str]:
        schema = manifest.schema_file(service)
        names = env_variables_used(read_schema_text(schema, manifest.root)) if schema.is_file() else []
        return {**service_inputs(manifest, service, shared, env_names=names), **task.cache_inputs(service)}

    return CachedWork(key.name, task, CacheStore(manifest.root), inputs, task.outputs)


def explain_step(name: str, services: list[Service], work: Work, console: Console) -> int:
    """`--dry-run`: say per service whether it would run or hit the cache, and why; run nothing."""
    table = Table(title=f"{name} --dry-run: {len(services)} services", title_justify="left")
    for column in ("service", "would", "why"):
        table.add_column(column)
    would_run = 0
    for service in services:
        if isinstance(work, CachedWork):
            verdict = work.explain(service)
            would_run += not verdict.hit
            table.add_row(service.name, "use cache" if verdict.hit else "run", verdict.reason)
        else:
            would_run += 1
            table.add_row(service.name, "run", "cache disabled (--no-cache)")
    console.print(table)
    console.print(f"{would_run} would run, {len(services) - would_run} from cache; nothing was run")
    return 0


def task_command(spec: TaskSpec) -> Callable[[argparse.Namespace, Manifest, Console], int]:
    """Chain the steps for a per-service task, calling the `Task` hooks (see `tasks/spec.py`) in order."""
    name = spec.name

    def run(options: argparse.Namespace, manifest: Manifest, console: Console) -> int:
        services = select_step(options, manifest)
        processes = ProcessGroup()
        progress = progress_for(console)
        options.ask = prompt_for(progress)  # tasks that ask (migrate's guard) get a prompt that pauses the bar
        options.show = sink_for(progress, console)  # tasks that print (generate --dry-run) get a sink
        task = spec.load().build(manifest, processes, options)
        task.check_selection(services)  # refuse bad input before anything runs
        work = cache_step(options, manifest, task)
        try:
            if getattr(options, "explain", False):
                return explain_step(name, services, work, console)
            result = run_step(name, options, manifest, services, work, processes, console, progress, settle=task.settle)
            result = task.finish(result, options, console)  # after the run, workers still up (lint baseline, migrate's positions)
        finally:
            task.close()
        for path in task.write_reports(result, options):
            console.print(f"report written to {escape(str(path))}")
        code = summarise_step(options, result, console)
        for line in task.epilogue(result, options):  # lines after the summary
            console.print(escape(line))
        for line in task.notices(result):  # after the summary: never hidden
            console.print(f"[yellow]{escape(line)}[/]")
        return code

    return run


def task_arguments(spec: TaskSpec) -> Callable[[argparse.ArgumentParser], None]:
    """The task's own options; its module is imported only for the command being parsed."""
    return lambda parser: spec.load().add_arguments(parser)


def execute(options: argparse.Namespace) -> int:
    """Run one parsed command; turn expected user errors into a message and exit code 2."""
    console = make_console(getattr(options, "no_color", False))
    try:
        command = COMMANDS[options.command]
        if command.run_without_manifest is not None and command.runs_without_manifest(options):
            return command.run_without_manifest(options, console)
        manifest = load_manifest_step(options)
        if not manifest.services and options.command not in ("manifest", "cache"):
            raise ManifestError(
                manifest.path,
                None,
                "services",
                "no services are declared, so there is nothing to run (nothing was written)",
                "add a [services.NAME] table per service, or run `azora-tasks manifest discover` to list the folders under services/",
            )
        return command.run(options, manifest, console)
    except (ManifestError, SelectionError, PrismaError) as error:
        console.print(f"[bold red]error:[/] {escape(str(error))}")
        return USAGE_ERROR


# --- non-task commands ---------------------------------------------------------------


def list_command(options: argparse.Namespace, manifest: Manifest, console: Console) -> int:
    services = select_step(options, manifest)
    table = Table(title=f"{len(services)} of {len(manifest.services)} services", title_justify="left")
    for column in ("service", "phase", "category", "schema", "description"):
        table.add_column(column)
    for service in services:
        has_schema = "yes" if manifest.schema_file(service).is_file() else "missing"
        table.add_row(service.name, str(service.phase or "-"), service.category, has_schema, escape(service.description))
    console.print(table)
    write_json_step(
        options,
        console,
        {
            "command": "list",
            "total": len(manifest.services),
            "services": [
                {"service": s.name, "phase": s.phase, "category": s.category, "schema": manifest.schema_file(s).is_file(), "description": s.description}
                for s in services
            ],
        },
    )
    return 0


def cache_command(options: argparse.Namespace, manifest: Manifest, console: Console) -> int:
    store = CacheStore(manifest.root)
    if options.action == "clear":
        removed = store.clear()
        console.print(f"removed {removed} cache entries from {escape(str(store.directory))}")
        write_json_step(options, console, {"command": "cache clear", "directory": str(store.directory), "removed": removed})
        return 0
    info = store.info()
    console.print(f"cache: {escape(info['directory'])} ({info['bytes']} bytes)")
    for task, count in sorted(info["entries"].items()):
        console.print(f"  {task}: {count} entries")
    if not info["entries"]:
        console.print("  empty")
    write_json_step(options, console, {"command": "cache info", **info})
    return 0


def _cache_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["info", "clear"], help="info: entries per task; clear: delete every entry")


def report_command(options: argparse.Namespace, manifest: Manifest, console: Console) -> int:
    """load states -> build the report -> render -> write or check."""
    from azora_tasks import report, state

    states = state.collect_states(manifest, state.load_last_results(manifest, options.merge))
    as_of = datetime.date.fromisoformat(options.date) if options.date else (report.last_change_date(manifest) or datetime.date.today())
    progress = report.build_report(manifest, states, as_of)
    if options.format == "json":
        text = json.dumps(progress.to_json(), indent=2) + "\n"
    else:
        text = report.render_markdown(progress, manifest)
    target = options.output or report.report_path(manifest)
    write_json_step(options, console, progress.to_json())
    if options.output == Path("-"):
        console.file.write(text)
        return 0
    if options.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current == text:
            console.print(f"{escape(str(target))} is up to date")
            return 0
        diff = difflib.unified_diff(current.splitlines(keepends=True), text.splitlines(keepends=True), str(target), "rendered now")
        console.file.write("".join(diff))
        console.print(f"[bold red]{escape(str(target))} is stale[/]: run `nox -s report` and commit the result")
        return 1
    write_text_atomically(target, text)
    console.print(
        f"wrote {escape(str(target))}: {progress.implemented.done}/{progress.total} implemented ({progress.implemented.percent}%),"
        f" {sum(m.reached for m in progress.milestones)}/{len(progress.milestones)} milestones"
    )
    return 0


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["markdown", "json"], default="markdown", help="page format (default: markdown)")
    parser.add_argument("--output", type=Path, metavar="PATH", help="where to write (default: settings.report_path; '-' for stdout)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 with a diff when the page is stale (for CI)")
    parser.add_argument(
        "--merge", nargs="+", type=Path, default=[], metavar="RESULTS", help="take results from these --json files (e.g. one per CI shard) instead of the cache"
    )
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="the 'Last Updated' date (default: last commit touching the manifest or services)")


def matrix_command(options: argparse.Namespace, manifest: Manifest, console: Console) -> int:
    """A GitHub Actions matrix of shards for one task, balanced by earlier durations when known."""
    from azora_tasks import matrix

    services = select_step(options, manifest)
    durations = matrix.recorded_durations(manifest, options.task, options.durations)
    shards = options.shards or manifest.settings.ci_shards
    include = matrix.build_matrix(options.task, services, shards, durations)
    console.file.write(json.dumps({"include": include}, indent=None if options.compact else 2) + "\n")
    path = getattr(options, "json_path", None)
    if path:  # the matrix itself, not a message: stdout may be $GITHUB_OUTPUT
        write_text_atomically(path, json.dumps({"include": include}, indent=2) + "\n")
    return 0


def _matrix_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--task", required=True, choices=sorted(SHARDABLE), help="the task the jobs will run")
    parser.add_argument("--shards", type=int, metavar="N", help="number of jobs (default: settings.ci_shards; at most 256, GitHub's matrix limit)")
    parser.add_argument(
        "--durations", nargs="+", type=Path, default=[], metavar="RESULTS", help="--json results of an earlier run to balance by (default: the cache's)"
    )
    parser.add_argument("--compact", action="store_true", help="one line of JSON (for $GITHUB_OUTPUT)")


def manifest_command(options: argparse.Namespace, manifest: Manifest, console: Console) -> int:
    found = discover.find_unlisted_services(manifest)
    for reason in found.ignored:
        console.print(f"[yellow]ignored[/] {escape(reason)}")
    category = options.discover_category or discover.default_category(manifest) if found.added else ""
    data = {
        "command": "manifest discover",
        "manifest": str(manifest.path),
        "added": found.added,
        "ignored": found.ignored,
        "category": category,
        "written": False,
    }
    if not found.added:
        console.print(f"manifest is complete: every folder under {manifest.settings.services_dir}/ is listed")
        write_json_step(options, console, data)
        return 0
    discover.add_services(manifest, found.added, category, write=not options.dry_run)
    verb = "would add" if options.dry_run else "added"
    console.print(f"{verb} {len(found.added)} services to {manifest.path.name} (category {category!r}): {', '.join(found.added)}")
    write_json_step(options, console, {**data, "written": not options.dry_run})
    return 0


def manifest_init_command(options: argparse.Namespace, console: Console) -> int:
    """`manifest init`: write a starter services.toml from the tree (no manifest needed)."""
    from azora_tasks import starter

    path = (options.manifest or Path.cwd() / "services.toml").resolve()
    plan = starter.build_starter(path.parent, options.services_dir, path)
    for reason in plan.discovery.ignored:
        console.print(f"[yellow]ignored[/] {escape(reason)}")
    if not options.dry_run:
        starter.write_starter(plan, force=options.force)
    verb = "would write" if options.dry_run else "wrote"
    console.print(
        f"{verb} {escape(str(plan.path))}: {len(plan.discovery.added)} services under {plan.services_dir}/,"
        f' schema_path {plan.schema_path!r}, provider {plan.provider!r}, clients in each service\'s generated/client (engine_type "client")'
    )
    if options.dry_run:
        console.file.write(plan.text)
    write_json_step(
        options,
        console,
        {
            "command": "manifest init",
            "manifest": str(plan.path),
            "written": not options.dry_run,
            "services_dir": plan.services_dir,
            "schema_path": plan.schema_path,
            "provider": plan.provider,
            "added": plan.discovery.added,
            "ignored": plan.discovery.ignored,
        },
    )
    return 0


def _manifest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=["discover", "init"],
        help="discover: add services found in the tree but missing from the manifest; init: write a starter services.toml",
    )
    parser.add_argument(
        "--category", dest="discover_category", metavar="KEY", help="discover: category for added services (default: settings.default_category)"
    )
    parser.add_argument(
        "--services-dir", metavar="DIR", help="init: the folder holding one folder per service (default: guessed from services/, apps/, packages/)"
    )
    parser.add_argument("--force", action="store_true", help="init: replace an existing manifest")
    parser.add_argument("--dry-run", action="store_true", help="show what would be added or written; write nothing")


def _doctor_arguments(parser: argparse.ArgumentParser) -> None:
    from azora_tasks import node_commands

    node_commands._doctor_arguments(parser)


def _doctor_command(options: argparse.Namespace, console: Console) -> int:
    from azora_tasks import node_commands

    return node_commands.doctor_command(options, console)


def _node_arguments(parser: argparse.ArgumentParser) -> None:
    from azora_tasks import node_commands

    node_commands._node_arguments(parser)


def _node_command(options: argparse.Namespace, console: Console) -> int:
    from azora_tasks import node_commands

    return node_commands.node_command(options, console)


COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        *(Command(spec.name, spec.help, task_command(spec), add_arguments=task_arguments(spec)) for spec in TASKS),
        Command("cache", "inspect or clear the content-hash cache", cache_command, selects=False, add_arguments=_cache_arguments),
        Command(
            "report", "write the progress page from the manifest, the tree and the last results", report_command, selects=False, add_arguments=_report_arguments
        ),
        Command("matrix", "print a GitHub Actions matrix of shards for a task", matrix_command, add_arguments=_matrix_arguments),
        Command("list", "list the selected services and whether each has a schema", list_command),
        Command(
            "doctor",
            "print which Node, Prisma CLI and npm packages each task will use, and what is missing",
            lambda *_: 0,
            selects=False,
            add_arguments=_doctor_arguments,
            run_without_manifest=_doctor_command,
        ),
        Command(
            "node",
            "set up the Node side in this monorepo (init: pinned devDependencies + npm install)",
            lambda *_: 0,
            selects=False,
            add_arguments=_node_arguments,
            run_without_manifest=_node_command,
        ),
        Command(
            "manifest",
            "write or edit the manifest (init: a starter services.toml; discover: add unlisted services)",
            manifest_command,
            selects=False,
            add_arguments=_manifest_arguments,
            run_without_manifest=manifest_init_command,
            without_manifest_if=lambda options: options.action == "init",
        ),
    )
}
