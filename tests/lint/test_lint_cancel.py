"""Ctrl-C stops a running lint: the lexer, the parser and the rules look at the run's cancel flag.

How *fast* the lint is, and how soon Ctrl-C stops it, is measured by `bench/lint_bench.py`
(not here: speed is never asserted by a unit test).  These tests check the mechanism:
the flag is consulted all through the lint, and an interrupted `validate` reports the
service as cancelled with exit code 130 instead of waiting for the lint to finish.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from azora_tasks.lint import lint_text
from azora_tasks.lint.cancel import LintCancelled
from azora_tasks.lint.synthetic import big_schema

REPO_ROOT = Path(__file__).resolve().parents[2]


class FlagAfter:
    """A cancel flag that turns on after ``limit`` looks (and counts the looks)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.looks = 0

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks > self.limit


SCHEMA = big_schema(200_000)


def test_the_flag_is_consulted_throughout_the_lint():
    never = FlagAfter(10**9)
    lint_text(SCHEMA, "big.prisma", cancel=never)
    models = SCHEMA.count("\nmodel ")
    assert never.looks > 3 * models  # per block while parsing, per model in every model rule
    for limit in (1, never.looks // 10, never.looks // 2, never.looks - 1):  # lexing, parsing, early and late rules
        flag = FlagAfter(limit)
        with pytest.raises(LintCancelled):
            lint_text(SCHEMA, "big.prisma", cancel=flag)
        assert flag.looks == limit + 1  # it stopped at the first look after the flag was set


def test_ctrl_c_cancels_a_running_validate(tmp_path: Path) -> None:
    schema = tmp_path / "services" / "big" / "prisma" / "schema.prisma"
    schema.parent.mkdir(parents=True)
    schema.write_text(big_schema(8_000_000), encoding="utf-8")
    manifest = tmp_path / "services.toml"
    manifest.write_text('[categories.core]\ntitle = "Core"\ntarget = 1\n\n[services.big]\ncategory = "core"\n', encoding="utf-8")
    results = tmp_path / "results.json"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "CI": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "azora_tasks.cli", "validate", "--lint-only", "--no-cache", "--manifest", str(manifest), "--json", str(results)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Until the runner's pool thread exists (start-up and reading are done; Python starts no other thread
    # before the run), then a moment more: the lint of 8 MB is under way.
    deadline = time.monotonic() + 60
    while len(os.listdir(f"/proc/{process.pid}/task")) < 2:
        assert process.poll() is None and time.monotonic() < deadline, "the run did not start"
        time.sleep(0.02)
    time.sleep(0.5)
    assert process.poll() is None, process.communicate()[0]
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 130, output
    (entry,) = json.loads(results.read_text())["runs"][0]["services"]
    assert entry["status"] == "cancelled", output  # interrupted mid-lint, not finished
    assert "INTERRUPTED" in output
