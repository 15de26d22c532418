"""Expose every command as a nox session.

Sessions run in-process (`venv_backend="none"`): the work is Node
subprocesses driven from Python, so a per-session virtualenv would only add
start-up time. `nox -s validate -- --phase 1` passes the arguments after `--`
to the same parser the console script uses.

For CI fan-out the per-service tasks also exist the nox-native way:

* with `settings.ci_shards = N` (> 1) each task session is parametrized by
  shard -- `nox -s "validate(shard='2/8')"` runs one, `nox -s validate` runs
  them all one after another, `nox -l --json -t validate` lists them for a
  GitHub Actions matrix;
* with `per_service=True`, `nox -s "validate-service(service='auth')"`.

Shard and per-service sessions of validate, clients and generate touch
disjoint files, so they allow nox's own `--parallel`; migrate's share database
servers and locks, so they run one at a time.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import nox

from azora_tasks.manifest import ManifestError, load_manifest
from azora_tasks.tasks.registry import TASKS, TASKS_BY_NAME
from azora_tasks.workflow import COMMANDS

# Every registered task is a session; then the other commands that make sense as sessions,
# with the arguments they always get.
_SESSIONS: dict[str, tuple[str, ...]] = {
    **{spec.name: (spec.name,) for spec in TASKS},
    "cache": ("cache",),
    "list": ("list",),
    "discover": ("manifest", "discover"),
    "report": ("report",),
    "matrix": ("matrix",),
}
_SUPPORTS_ALLOW_PARALLEL = "allow_parallel" in inspect.signature(nox.session).parameters


def register_sessions(manifest: str | Path = "services.toml", *, prefix: str = "", per_service: bool = False) -> list[str]:
    """Register the sessions in the calling noxfile; returns their names.

    `manifest` is resolved against the noxfile's folder when relative.
    `prefix` lets a repo that already has a `validate` session pick other names.
    `per_service` adds `<task>-service(service=...)` sessions for every service.
    """
    manifest_path = Path(manifest).resolve()  # nox loads the noxfile from its own folder
    shards, service_names = _fan_out(manifest_path)
    names = []
    for name, fixed_args in _SESSIONS.items():
        if fixed_args[0] not in COMMANDS:
            continue
        session_name = f"{prefix}{name}"
        help_text = COMMANDS[fixed_args[0]].help
        spec = TASKS_BY_NAME.get(name)
        shardable = spec is not None and spec.shardable
        parallel = spec is not None and spec.parallel_safe
        if shardable and shards > 1:
            values = [f"{index}/{shards}" for index in range(1, shards + 1)]
            func = _parametrized(fixed_args, manifest_path, "shard", values, lambda value: ["--shard", value], help_text)
            _register(func, session_name, tags=[name, "shard"], parallel=parallel)
        else:
            _register(_session(fixed_args, manifest_path, help_text), session_name, tags=[name], parallel=False)
        names.append(session_name)
        if shardable and per_service and service_names:
            func = _parametrized(fixed_args, manifest_path, "service", service_names, lambda value: [value], f"{help_text} (one service)")
            _register(func, f"{session_name}-service", tags=[name, "per-service"], parallel=parallel)
            names.append(f"{session_name}-service")
    return names


def _fan_out(manifest_path: Path) -> tuple[int, list[str]]:
    """Shard count and service names; a broken manifest still gets plain sessions (which report the error)."""
    try:
        manifest = load_manifest(manifest_path)
    except ManifestError:
        return 1, []
    return manifest.settings.ci_shards, sorted(manifest.services)


def _register(func: Callable[..., None], name: str, *, tags: list[str], parallel: bool) -> None:
    options: dict[str, Any] = {"name": name, "venv_backend": "none", "default": False, "tags": tags}
    if _SUPPORTS_ALLOW_PARALLEL:
        options["allow_parallel"] = parallel
    nox.session(**options)(func)


def _run(session: nox.Session, fixed_args: Sequence[str], manifest_path: Path, extra: Sequence[str]) -> None:
    from azora_tasks.cli import main

    exit_code = main([*fixed_args, *extra, *session.posargs, "--manifest", str(manifest_path)])
    if exit_code:
        session.error(f"{' '.join(fixed_args)} failed (exit code {exit_code})")


def _session(fixed_args: Sequence[str], manifest_path: Path, help_text: str) -> Callable[[nox.Session], None]:
    def session(session: nox.Session) -> None:
        _run(session, fixed_args, manifest_path, [])

    session.__doc__ = help_text
    return session


def _parametrized(
    fixed_args: Sequence[str],
    manifest_path: Path,
    parameter: str,
    values: list[str],
    to_args: Callable[[str], list[str]],
    help_text: str,
) -> Callable[..., None]:
    def session(session: nox.Session, **kwargs: str) -> None:
        _run(session, fixed_args, manifest_path, to_args(kwargs[parameter]))

    # nox reads the parameter name from the signature.
    signature = inspect.Signature(
        [
            inspect.Parameter("session", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(parameter, inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ]
    )
    session.__signature__ = signature  # type: ignore[attr-defined]
    session.__doc__ = help_text
    return nox.parametrize(parameter, values)(session)
