"""Shared fixtures: a small, valid manifest in a temporary monorepo, the real Prisma CLI, the wheel of this checkout."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.prerequisites import missing
from tests.run_shared import built_once

REPO_ROOT = Path(__file__).resolve().parent.parent
PRISMA_CLI = REPO_ROOT / "node_modules" / "prisma" / "build" / "index.js"

# `node` in the tests (their own `node -e` helpers, and the tool where a test's monorepo pins no Node) is the
# Node this repository pins, as under `npm test`: package.json's node@22 (`npm ci` installs it), not whatever
# Node the machine has. Tests of a missing or different Node set PATH themselves.
PINNED_NODE_BIN = REPO_ROOT / "node_modules" / ".bin"
if (PINNED_NODE_BIN / "node").is_file() and not os.environ.get("PATH", "").startswith(str(PINNED_NODE_BIN)):
    os.environ["PATH"] = f"{PINNED_NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"

# The suite starts some 150 Python processes (the CLI, nox, the bench) and three xdist workers. Where
# PYTHONDONTWRITEBYTECODE is set (as on CI images), each of them compiled azora-tasks from source again (a
# third of its start-up). Bytecode goes to a cache folder in the temp dir instead: still nothing written
# next to the sources, which is what that variable is for. A PYTHONPYCACHEPREFIX of the caller's own wins.
if os.environ.get("PYTHONDONTWRITEBYTECODE") and not os.environ.get("PYTHONPYCACHEPREFIX"):
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    os.environ["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "azora-tasks-test-pycache")

# The slowest tests (`--durations`), started first so that no worker is left with one of them at the end of the run.
SLOW_FIRST = (
    "tests/test_packaging.py",  # the "wheel" group: one worker builds the wheel, then runs all three (about a minute)
    "tests/migrate/test_wheel_install.py",
    "tests/test_wheel_monorepo.py",
    "tests/migrate/test_pg_parity.py",
    "tests/test_bench.py",
    "tests/test_faults.py",
    "tests/lint/test_lint_cancel.py",
    "tests/test_runner.py::test_ctrl_c",
    "tests/migrate_check/test_check.py",
    "tests/test_validate_engines.py",
    "tests/migrate/test_prisma7_migrate.py",
    "tests/test_prisma7.py",
    "tests/migrate/test_fast_paths.py",
    "tests/generate/test_prisma.py",
    "tests/migrate_check/test_prisma_sql.py",
    "tests/migrate/test_postgres.py",
)

SMALL_MANIFEST = """\
# a small manifest for tests
[settings]
services_dir = "services"
schema_path = "prisma/schema.prisma"
provider = "sqlite"
prisma_cli = "{prisma_cli}"

[phases.1]
title = "Core"

[phases.2]
title = "Education"

[categories.core]
title = "Core Infrastructure"
target = 3

[categories.education]
title = "Education Platform"
target = 2

[services.auth]
phase = 1
category = "core"
description = "Authentication"

[services.user-service]
phase = 1
category = "core"

[services.course-service]
phase = 2
category = "education"

[services.search-service]
category = "core"
"""

VALID_SCHEMA = """\
datasource db {
  provider = "sqlite"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
  output   = "../generated/client"
}

model User {
  id        String    @id @default(uuid())
  email     String    @unique
  createdAt DateTime  @default(now())
  updatedAt DateTime  @updatedAt
  deletedAt DateTime?

  @@map("users")
}
"""

INVALID_SCHEMA = VALID_SCHEMA.replace("email     String    @unique", "email     Strin     @unique")
assert INVALID_SCHEMA != VALID_SCHEMA


def pytest_configure() -> None:
    """A run started in the background of a non-interactive shell (`cmd &`, nohup) inherits SIGINT ignored, and so would
    every `azora-tasks` the tests start: the Ctrl-C tests would then wait for a signal that never arrives. Children
    of a process with a handler get the default disposition back."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first (stable otherwise): xdist hands tests out in collection order."""

    def rank(item: pytest.Item) -> int:
        return next((index for index, prefix in enumerate(SLOW_FIRST) if item.nodeid.startswith(prefix)), len(SLOW_FIRST))

    items.sort(key=rank)


def write_manifest(root: Path, text: str | None = None) -> Path:
    path = root / "services.toml"
    path.write_text(textwrap.dedent(text) if text else SMALL_MANIFEST.format(prisma_cli=PRISMA_CLI.as_posix()), encoding="utf-8")
    return path


def write_schema(root: Path, service: str, text: str = VALID_SCHEMA) -> Path:
    path = root / "services" / service / "prisma" / "schema.prisma"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A temporary monorepo root holding the small manifest and no schemas yet."""
    write_manifest(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def prisma_cli() -> Path:
    """The pinned Prisma CLI; the README's test command installs it with `npm ci`."""
    if shutil.which("node") is None:
        missing("node is not installed: the Prisma CLI cannot run here")
    if not PRISMA_CLI.is_file():
        missing(f"{PRISMA_CLI} is missing: run `npm ci` in {REPO_ROOT} first (the README's test command does)")
    return PRISMA_CLI


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[str]:
    """`mysql://root@host:port` of a real MariaDB: the running one, else a throw-away one (tests/servers.py)."""
    from tests.servers import mariadb

    with mariadb() as url:
        yield url


def _without_this_checkout() -> dict[str, str]:
    """The environment minus what would make pip, uv or Python see this checkout (or another venv) as installed."""
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}


def _uv() -> str:
    """The `uv` binary of the [test] extra: it builds and installs the wheel in about a tenth of pip's CPU time (no
    ensurepip, no bytecode compiling, a cached isolated build environment)."""
    try:
        from uv import find_uv_bin
    except ImportError:
        pytest.fail("uv is not installed: python -m pip install -e '.[test]'")
    return find_uv_bin()


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, built once per run (all xdist workers) from a copy: setuptools writes build/ and
    *.egg-info next to the sources. Built in an isolated environment (the build-system requirements of
    pyproject.toml), as pip and `python -m build` would."""

    def build(folder: Path) -> None:
        source = folder / "src"
        ignore = shutil.ignore_patterns(".git", "node_modules", "build", ".nox", ".azora-cache", "*.egg-info", "__pycache__", "services", "bench")
        shutil.copytree(REPO_ROOT, source, symlinks=True, ignore=ignore)
        command = [_uv(), "build", "--wheel", "--no-config", "--python", sys.executable, "--out-dir", str(folder / "dist"), str(source)]
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, env=_without_this_checkout(), check=False)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    [built] = (built_once(tmp_path_factory, "wheel", build) / "dist").glob("azora_tasks-*.whl")
    return built


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A fresh venv holding only the wheel and the dependencies its metadata declares (not even pip or setuptools),
    shared read-only by the tests; returns its bin folder."""

    def build(folder: Path) -> None:
        clean = _without_this_checkout()
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, capture_output=True, env=clean)
        command = [_uv(), "pip", "install", "--no-config", "--python", str(folder / "bin" / "python"), str(wheel)]
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, env=clean, check=False)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    return built_once(tmp_path_factory, "wheel-venv", build) / "bin"
