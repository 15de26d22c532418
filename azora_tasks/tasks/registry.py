"""The one list of tasks. Adding a task: write `tasks/<name>.py` (a `build_<name>` that
returns a `tasks.spec.Task`, and an `add_<name>_arguments`), then add one loader and one `TaskSpec` here. The command table (`workflow.COMMANDS`),
the nox sessions, `matrix --task` and the report's result names are all derived from `TASKS`.

Each `load` function imports its module only when the task runs or its options are
parsed (importing all four costs more than a warm, cached run); the imports are real,
so editors and mypy follow workflow -> registry -> task.
"""

from __future__ import annotations

from azora_tasks.tasks.spec import TaskModule, TaskSpec


def _generate() -> TaskModule:
    from azora_tasks.tasks import generate

    return TaskModule(generate.build_generate, generate.add_generate_arguments)


def _validate() -> TaskModule:
    from azora_tasks.tasks import validate

    return TaskModule(validate.build_validate, validate.add_validate_arguments)


def _clients() -> TaskModule:
    from azora_tasks.tasks import clients

    return TaskModule(clients.build_clients, clients.add_clients_arguments)


def _migrate() -> TaskModule:
    from azora_tasks.tasks import migrate

    return TaskModule(migrate.build_migrate, migrate.add_migrate_arguments)


TASKS: tuple[TaskSpec, ...] = (
    TaskSpec("generate", "write a checklist-conformant schema for every service that has none", _generate, parallel_safe=True),
    TaskSpec(
        "validate",
        "validate every selected schema with Prisma and lint it against the quality checklist",
        _validate,
        parallel_safe=True,
        reads=("validate", "validate-lint"),  # validate-lint: `--lint-only` runs, kept apart
    ),
    TaskSpec("clients", "generate every selected service's Prisma client (prisma generate), cached", _clients, parallel_safe=True, reads=("clients",)),
    # Shards share database servers and locks, so nox runs them one at a time.
    TaskSpec("migrate", "create and apply Prisma migrations for every selected service, each on its own database", _migrate, reads=("migrate",)),
)
TASKS_BY_NAME: dict[str, TaskSpec] = {spec.name: spec for spec in TASKS}
SHARDABLE: tuple[str, ...] = tuple(spec.name for spec in TASKS if spec.shardable)
RESULT_NAMES: tuple[str, ...] = tuple(name for spec in TASKS for name in spec.reads)
