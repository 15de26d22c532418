"""Expose every command as a nox session.

Sessions run in-process (`venv_backend="none"`): the work is Node
subprocesses driven from Python, so a per-session virtualenv would only add
start-up time. `nox -s validate -- --phase 1` passes the arguments after `--`
to the same parser the console script uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import nox

from azora_tasks.workflow import COMMANDS

# Commands that make sense as sessions, with the arguments they always get.
_SESSIONS: dict[str, tuple[str, ...]] = {
    "generate": ("generate",),
    "validate": ("validate",),
    "clients": ("clients",),
    "cache": ("cache",),
    "list": ("list",),
    "discover": ("manifest", "discover"),
}


def register_sessions(manifest: str | Path = "services.toml", *, prefix: str = "") -> list[str]:
    """Register one nox session per command; returns the session names.

    `manifest` is resolved against the noxfile's folder when relative.
    `prefix` lets a repo that already has a `validate` session pick other names.
    """
    names = []
    for name, fixed_args in _SESSIONS.items():
        if fixed_args[0] not in COMMANDS:
            continue
        session_name = f"{prefix}{name}"
        nox.session(name=session_name, venv_backend="none", default=False)(_make_session(fixed_args, manifest))
        names.append(session_name)
    return names


def _make_session(fixed_args: Sequence[str], manifest: str | Path):  # type: ignore[no-untyped-def]
    command = COMMANDS[fixed_args[0]]

    def session(session: nox.Session) -> None:
        from azora_tasks.cli import main

        manifest_path = Path(manifest)
        if not manifest_path.is_absolute():
            manifest_path = Path(session.invoked_from) / manifest_path
        exit_code = main([*fixed_args, *session.posargs, "--manifest", str(manifest_path)])
        if exit_code:
            session.error(f"{' '.join(fixed_args)} failed (exit code {exit_code})")

    session.__doc__ = command.help
    return session
