"""Which Node runs Prisma, and that its compile cache is really on: `toolchain/node_command.py`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from azora_tasks.toolchain.node_command import node_command, node_executable
from azora_tasks.toolchain.prisma_cli import offline_engine_env
from tests.conftest import PRISMA_CLI, REPO_ROOT


def test_the_pinned_node_above_the_folder_wins_else_path(tmp_path: Path) -> None:
    project = tmp_path / "project"
    pinned = project / "node_modules" / ".bin" / "node"
    pinned.parent.mkdir(parents=True)
    pinned.write_text("#!/bin/sh\n")
    deep = project / "node_modules" / "prisma" / "build"
    deep.mkdir(parents=True)
    assert node_executable(deep) == str(pinned)
    assert node_command(str(deep / "index.js"), "validate")[0] == str(pinned)
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    assert node_executable(elsewhere) == "node"
    script = str(elsewhere / "x.cjs")
    assert node_command(script, project=elsewhere) == ["node", "--liftoff-only", "--require", node_command(script)[3], script]
    # A project that pins no Node runs a script from a checkout that does on that checkout's Node ...
    tool_script = project / "tool" / "worker.cjs"
    tool_script.parent.mkdir()
    assert node_command(str(tool_script), str(elsewhere), project=elsewhere)[0] == str(pinned)
    # ... and the project's own pin wins over the script's.
    own = elsewhere / "node_modules" / ".bin" / "node"
    own.parent.mkdir(parents=True)
    own.write_text("#!/bin/sh\n")
    node_executable.cache_clear()
    assert node_command(str(tool_script), project=elsewhere)[0] == str(own)


def test_the_repository_pins_a_node_with_a_compile_cache_and_prisma_fills_it(tmp_path: Path) -> None:
    """package.json pins `node` (22.1+ has `module.enableCompileCache`); one CLI call leaves cache entries."""
    command = node_command(str(PRISMA_CLI), "validate", "--schema", str(REPO_ROOT / "services" / "auth" / "prisma" / "schema.prisma"))
    assert command[0] == str(REPO_ROOT / "node_modules" / ".bin" / "node"), "package.json pins `node`: run `npm ci`"
    version = subprocess.run([command[0], "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert tuple(int(part) for part in version.lstrip("v").split(".")[:2]) >= (22, 1), version
    cache = tmp_path / "compile-cache"
    env = offline_engine_env({**os.environ, "NODE_COMPILE_CACHE": str(cache), "DATABASE_URL": "file:./unused.db"})
    env.pop("NODE_DISABLE_COMPILE_CACHE", None)
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert run.returncode == 0 and "is valid" in run.stdout + run.stderr, run.stdout + run.stderr
    entries = [path for path in cache.rglob("*") if path.is_file()]
    assert len(entries) > 100, f"expected the CLI's modules in the compile cache, found {len(entries)} files"
