"""Command line: `azora-tasks <command> [selection] [options]`.

The same parser serves the console script and the nox sessions (which pass
`session.posargs`), so `azora-tasks validate --phase 1` and
`nox -s validate -- --phase 1` behave identically.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from azora_tasks import __version__
from azora_tasks.console import FULL_TABLE_LIMIT
from azora_tasks.workflow import COMMANDS, execute, resolve

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

exit codes: 0 all succeeded, 1 a service failed or is missing, 2 bad input, 130 interrupted.
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


def run_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("run")
    group.add_argument("--manifest", type=Path, metavar="PATH", help="services.toml to use (default: searched upward from here)")
    group.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="services in parallel (default: manifest concurrency, else CPU count)")
    group.add_argument("--json", type=Path, metavar="PATH", dest="json_path", help="also write machine-readable results to PATH")
    group.add_argument("--no-color", action="store_true", help="plain output without colours")
    group.add_argument("-v", "--verbose", action="store_true", help=f"list every service in the summary table (by default only those that are not ok once there are more than {FULL_TABLE_LIMIT})")
    return parent


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The full parser; only the command named in `argv` gets its task-specific options loaded
    (each task module is imported on demand, so `--help` and cached runs start fast)."""
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
            command.name, help=command.help, description=command.help, parents=parents,
            epilog=command.epilog or EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if command.name == chosen:
            add_arguments = resolve(command.add_arguments) if isinstance(command.add_arguments, str) else command.add_arguments
            add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    options = build_parser(arguments).parse_args(arguments)
    return execute(options)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
