"""Command line: `azora-tasks <command> [selection] [options]`.

The same parser serves the console script and the nox sessions (which pass
`session.posargs`), so `azora-tasks validate --phase 1` and
`nox -s validate -- --phase 1` behave identically.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from azora_tasks.toolchain import warm
from azora_tasks.version import __version__

# The rest of the tool (the workflow, rich, every task) is imported inside the functions below, after
# `main` has given the migrate worker its head start: Node boots while Python imports (toolchain/warm.py).

# Options naming a file the run writes at its end: checked before the run, so a typo costs no work.
OUTPUT_OPTIONS = {"json_path": "--json", "junit": "--junit", "sarif": "--sarif", "lint_json": "--lint-json", "output": "--output"}

EPILOG = """\
selection (every task; criteria combine, e.g. --phase 1 --shard 2/4):
  SERVICE ...           names or globs ('azora-*'); default: every service
  --phase N             only services of phase N (repeatable)
  --category KEY        only services of category KEY (repeatable)
  --changed-since REF   only services whose files (or manifest entry) changed since git REF
  --shard I/N           the I-th of N disjoint, covering parts (for CI fan-out)

examples:
  azora-tasks validate                      validate every service's schema
  azora-tasks validate auth 'azora-pay*'    two services by name and glob
  azora-tasks validate --changed-since origin/main --json results/validate.json
  azora-tasks manifest discover             add folders under services/ missing from the manifest
  nox -s validate -- --phase 1 --shard 2/4  the same options through nox

exit codes: 0 all succeeded, 1 a service failed or is missing, 2 bad input (nothing ran),
  130 interrupted by Ctrl-C, 143 stopped by SIGTERM (both: children stopped, summary and --json written).
"""


def selection_options() -> argparse.ArgumentParser:
    """Options shared by every task (a parent parser)."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("selection")
    group.add_argument("services", nargs="*", metavar="SERVICE", help="service names or globs (default: all)")
    group.add_argument("--phase", type=int, action="append", default=[], metavar="N", help="only services of phase N")
    group.add_argument("--category", action="append", default=[], metavar="KEY", help="only services of this category")
    group.add_argument("--changed-since", metavar="REF", help="only services changed since this git ref")
    group.add_argument("--shard", metavar="I/N", help="only the I-th of N disjoint parts")
    return parent


def positive_int(text: str) -> int:
    """`-j N`: a whole number of at least 1 (argparse would take `-3` as a value and run with it)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def output_path_problem(path: Path) -> str | None:
    """Why a file cannot be written at `path` (a folder, under a file, a read-only folder), or None."""
    if path.is_dir():
        return f"{path} is a folder; give a file path such as {path / 'results.json'}"
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return f"cannot write {path}: {folder} is a file, not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot write {path}: folder {folder} is not writable"
    return None


def check_output_paths(options: argparse.Namespace) -> str | None:
    for dest, flag in OUTPUT_OPTIONS.items():
        path = getattr(options, dest, None)
        if isinstance(path, Path) and path != Path("-"):
            problem = output_path_problem(path)
            if problem:
                return f"{flag}: {problem}"
    return None


def run_options() -> argparse.ArgumentParser:
    from azora_tasks.console import FULL_TABLE_LIMIT

    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("run")
    group.add_argument("--manifest", type=Path, metavar="PATH", help="services.toml to use (default: searched upward from here)")
    group.add_argument(
        "-j", "--jobs", type=positive_int, default=None, metavar="N", help="services in parallel (default: manifest concurrency, else CPU count)"
    )
    group.add_argument("--json", type=Path, metavar="PATH", dest="json_path", help="also write machine-readable results to PATH")
    group.add_argument("--no-color", action="store_true", help="plain output without colours")
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help=f"list every service in the summary table (by default only those that are not ok once there are more than {FULL_TABLE_LIMIT})",
    )
    return parent


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The full parser; only the command named in `argv` gets its task-specific options loaded
    (each task module is imported on demand, so `--help` and cached runs start fast)."""
    from azora_tasks.workflow import COMMANDS

    parser = argparse.ArgumentParser(
        prog="azora-tasks",
        description="Run Prisma schema work across every service of a monorepo, driven by services.toml.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"azora-tasks {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = next((arg for arg in argv if arg in COMMANDS), None)
    for command in COMMANDS.values():
        parents = [selection_options(), run_options()] if command.selects else [run_options()]
        sub = commands.add_parser(
            command.name,
            help=command.help,
            description=command.help,
            parents=parents,
            epilog=command.epilog or EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if command.name == chosen:
            command.add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, check the output paths, run; SIGTERM is handled like Ctrl-C (exit 143 instead of 130)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    root = warm.wants_head_start(arguments)
    if root is not None:
        warm.prestart(warm.MIGRATE_WORKER, root)
    from azora_tasks.runner import handle_termination, interrupt_signal
    from azora_tasks.workflow import execute

    parser = build_parser(arguments)
    options = parser.parse_args(arguments)
    problem = check_output_paths(options)
    if problem:
        parser.error(problem)  # exit 2 before any work
    with handle_termination():
        try:
            code = execute(options)
        except KeyboardInterrupt as error:  # outside a run (loading, asking, summarising): nothing half-written
            signum = interrupt_signal(error)
            print(f"interrupted ({signal.Signals(signum).name}); files are written atomically, so none is half-written", file=sys.stderr)
            code = 128 + signum
    if argv is None and code in (128 + signal.SIGINT, 128 + signal.SIGTERM) and _busy_threads():
        # In-process work (a lint of a huge schema) cannot be stopped and Python would wait for it
        # at exit; the summary and --json are written, so leave now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _busy_threads() -> bool:
    return any(t.is_alive() and not t.daemon and t is not threading.main_thread() for t in threading.enumerate())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
