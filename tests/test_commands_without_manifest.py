"""Which runs need no manifest is declared on the command itself (`Command.run_without_manifest`), in one place."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from azora_tasks import workflow


def test_a_command_that_declares_a_manifest_free_run_gets_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no services.toml here or above
    ran: list[str] = []
    probe = workflow.Command("probe", "a command that needs no manifest", lambda *_: 1, run_without_manifest=lambda options, console: ran.append("probe") or 0)
    monkeypatch.setitem(workflow.COMMANDS, "probe", probe)
    assert workflow.execute(argparse.Namespace(command="probe", manifest=None, no_color=True)) == 0
    assert ran == ["probe"]


def test_only_manifest_init_runs_without_a_manifest_among_the_manifest_actions() -> None:
    command = workflow.COMMANDS["manifest"]
    assert command.runs_without_manifest(argparse.Namespace(action="init"))
    assert not command.runs_without_manifest(argparse.Namespace(action="discover"))
    assert workflow.COMMANDS["doctor"].runs_without_manifest(argparse.Namespace())
    assert not workflow.COMMANDS["validate"].runs_without_manifest(argparse.Namespace())
    assert not hasattr(workflow, "WITHOUT_MANIFEST")
