"""nox sessions for this repository: the azora-tasks sessions on our own services tree, plus tests."""

from __future__ import annotations

import sys

import nox

import azora_tasks

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["tests"]

azora_tasks.register_sessions(manifest="services.toml")


@nox.session(python=False)
def node(session: nox.Session) -> None:
    """Install the pinned Node side (Prisma CLI) from package-lock.json."""
    session.run("npm", "ci", "--no-audit", "--no-fund", external=True)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (installs the package, its test extras and the pinned Node side)."""
    session.install("-e", ".[test]")
    session.run("npm", "ci", "--no-audit", "--no-fund", external=True)
    session.run("pytest", *session.posargs)


@nox.session(python=False)
def bench(session: nox.Session) -> None:
    """Time validate/clients/migrate against the seed's bash loops on N synthetic services (bench/run.py --help)."""
    session.run(sys.executable, "bench/run.py", *session.posargs, external=True)
