"""On a terminal the run shows a live progress bar; in CI plain lines. Both end with the summary."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, write_schema


def _run_on_a_terminal(args: list[str], cwd: Path) -> str:
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    env.update(TERM="xterm-256color", COLUMNS="120", LINES="40")
    process = subprocess.Popen([sys.executable, "-m", "azora_tasks.cli", *args], cwd=cwd, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode(errors="replace")


@pytest.mark.prisma
def test_live_progress_on_a_terminal_and_plain_lines_in_ci(monorepo: Path, prisma_cli: Path) -> None:
    # A hoisted install, as in a real monorepo: validate takes its batch path (one Node worker, not one
    # Prisma CLI per service); the display is what is tested here, and the CLI path is tested in test_validate.py.
    (monorepo / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    for service in ("auth", "user-service", "course-service", "search-service"):
        write_schema(monorepo, service)
    screen = _run_on_a_terminal(["validate", "--no-cache"], monorepo)
    assert "\x1b[" in screen  # colours and cursor movement: a live display
    assert "━" in screen  # rich's progress bar
    visible = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    assert "OK validate: 4 ok" in visible
    assert "[1/4] validate" not in screen

    plain = subprocess.run(
        [sys.executable, "-m", "azora_tasks.cli", "validate", "--no-cache"],
        cwd=monorepo,
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
    ).stdout
    assert "\x1b[" not in plain
    assert "[4/4] validate" in plain and "OK validate: 4 ok" in plain
