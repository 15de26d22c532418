"""Every registered task reaches every place that lists tasks: the CLI, nox, the matrix, the report.

The tables are derived from `azora_tasks.tasks.registry.TASKS`; these tests read
them back through the real front doors (the console script's parser, a real
`nox -l --json` subprocess, the report's result loader), so a task that is
registered but missing from one of them fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from azora_tasks.cli import build_parser
from azora_tasks.manifest import load_manifest
from azora_tasks.state import load_last_results
from azora_tasks.tasks.registry import TASKS
from azora_tasks.tasks.spec import Task, TaskHooks
from azora_tasks.workflow import COMMANDS

NAMES = [spec.name for spec in TASKS]


def test_the_registry_holds_the_four_tasks_once() -> None:
    assert sorted(NAMES) == ["clients", "generate", "migrate", "validate"]
    assert len(set(NAMES)) == len(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_task_is_a_cli_command_with_its_own_options(name: str) -> None:
    parser = build_parser([name])
    help_text = parser.format_help()
    assert name in help_text
    options = parser.parse_args([name])
    assert options.command == name
    assert COMMANDS[name].help == next(spec.help for spec in TASKS if spec.name == name)


def test_each_task_module_builds_a_task_with_every_hook() -> None:
    """`load` imports the real module; its builder returns a class with every hook the workflow calls."""
    hooks = [name for name in vars(Task) if not name.startswith("_")]
    assert "cache_key" in hooks and "notices" in hooks
    for spec in TASKS:
        module = spec.load()
        built = _built_class(spec.name)
        assert module.build.__annotations__["return"] == built.__name__, spec.name
        assert issubclass(built, TaskHooks), spec.name
        for hook in hooks:
            assert callable(getattr(built, hook)), (spec.name, hook)


def _built_class(name: str) -> type:
    from azora_tasks.tasks import clients, generate, migrate, validate

    return {"generate": generate.GenerateTask, "validate": validate.ValidateTask, "clients": clients.ClientsTask, "migrate": migrate.MigrateTask}[name]


def test_every_task_is_a_nox_session_and_shardable_ones_are_matrix_choices(monorepo: Path) -> None:
    manifest = monorepo / "services.toml"
    manifest.write_text(manifest.read_text().replace("[settings]", "[settings]\nci_shards = 2", 1))
    assert "ci_shards = 2" in manifest.read_text()
    (monorepo / "noxfile.py").write_text("import azora_tasks\nazora_tasks.register_sessions(manifest='services.toml')\n")
    # Sessions are not default ones (a bare `nox` runs nothing), so list them by tag, as a CI matrix does.
    listed = subprocess.run([sys.executable, "-m", "nox", "-l", "--json", "-t", *NAMES], cwd=monorepo, capture_output=True, text=True, check=True)
    sessions = json.loads(listed.stdout)
    for spec in TASKS:
        tagged = [entry["session"] for entry in sessions if spec.name in entry["tags"]]
        if spec.shardable:
            assert tagged == [f"{spec.name}(shard='1/2')", f"{spec.name}(shard='2/2')"], tagged
        else:
            assert tagged == [spec.name], tagged
    matrix_choices = build_parser(["matrix"])._subparsers._group_actions[0].choices["matrix"]  # type: ignore[union-attr]
    task_option = next(action for action in matrix_choices._actions if action.dest == "task")
    assert sorted(task_option.choices) == sorted(spec.name for spec in TASKS if spec.shardable)


def test_the_report_reads_every_result_a_task_declares(monorepo: Path, tmp_path: Path) -> None:
    """A `--json` run of each task (as a CI shard writes it) lands where the report looks for it."""
    runs = [{"task": spec.name, "services": [{"service": "auth", "status": "ok", "duration": 1.0, "details": {"prisma": "valid"}}]} for spec in TASKS]
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"runs": runs}))
    last = load_last_results(load_manifest(monorepo / "services.toml"), [results])
    for spec in TASKS:
        if spec.reads:
            assert last[spec.reads[0]]["auth"]["status"] == "ok", spec.name
    read = {name for spec in TASKS for name in spec.reads}
    assert read <= set(last), read - set(last)
