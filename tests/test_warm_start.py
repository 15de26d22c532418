"""The migrate worker's head start (`toolchain/warm.py`): who gets one, who takes it, what is stopped.

Real Node processes (the migrate worker's `ping` op answers with its pid), no database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from azora_tasks.process import Cancelled, ProcessGroup, spawn_long_lived
from azora_tasks.toolchain import warm
from azora_tasks.toolchain.worker import NodeWorker

PG_MANIFEST = '[settings]\nprovider = "postgresql"\n\n[services.auth]\ncategory = "core"\n'
SQLITE_MANIFEST = '[settings]\nprovider = "sqlite"\n\n[services.auth]\ncategory = "core"\n'


@pytest.fixture(autouse=True)
def no_leftovers():
    yield
    warm.stop_unclaimed()


def _tree(tmp_path: Path, text: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "services.toml").write_text(text, encoding="utf-8")
    (tmp_path / "services" / "auth").mkdir(parents=True)
    return tmp_path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["migrate"], True),
        (["migrate", "--deploy", "auth"], True),
        (["migrate", "--status"], True),
        (["migrate", "--engine", "prisma"], False),
        (["migrate", "--engine=prisma"], False),
        (["migrate", "--help"], False),
        (["validate"], False),
        (["--no-color", "clients"], False),
    ],
)
def test_only_a_fast_migrate_gets_a_head_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arguments: list[str], expected: bool) -> None:
    root = _tree(tmp_path, PG_MANIFEST)
    nested = root / "services" / "auth"
    monkeypatch.delenv("AZORA_DATABASE_URL", raising=False)
    assert warm.wants_head_start(arguments, cwd=nested) == (root.resolve() if expected else None)


def test_a_sqlite_tree_gets_none_unless_the_environment_names_postgresql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path, SQLITE_MANIFEST)
    monkeypatch.delenv("AZORA_DATABASE_URL", raising=False)
    assert warm.wants_head_start(["migrate"], cwd=root) is None
    monkeypatch.setenv("AZORA_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/{db}")
    assert warm.wants_head_start(["migrate"], cwd=root) == root.resolve()


def test_manifest_option_is_followed_and_a_missing_manifest_is_no_error(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo", PG_MANIFEST)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert warm.wants_head_start(["migrate", "--manifest", str(root / "services.toml")], cwd=elsewhere) == root.resolve()
    assert warm.wants_head_start(["migrate"], cwd=elsewhere) is None
    assert warm.wants_head_start(["migrate", "--manifest", str(elsewhere / "nope.toml")], cwd=elsewhere) is None


def test_the_first_worker_for_the_same_script_and_root_takes_the_process(tmp_path: Path) -> None:
    warm.prestart(warm.MIGRATE_WORKER, tmp_path)
    started = warm._waiting[(warm.MIGRATE_WORKER.resolve(), tmp_path.resolve())]
    processes = ProcessGroup()
    with NodeWorker(warm.MIGRATE_WORKER, tmp_path, 30, processes=processes) as worker:
        assert worker.request({"op": "ping"})["pid"] == started.pid
        assert worker.starts == 1
    assert started.poll() is not None  # closed with the worker
    assert not warm._waiting


def test_a_worker_for_another_root_starts_its_own_and_the_unclaimed_one_is_stopped(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    warm.prestart(warm.MIGRATE_WORKER, tmp_path / "a")
    unclaimed = warm._waiting[(warm.MIGRATE_WORKER.resolve(), (tmp_path / "a").resolve())]
    with NodeWorker(warm.MIGRATE_WORKER, tmp_path / "b", 30) as worker:
        assert worker.request({"op": "ping"})["pid"] != unclaimed.pid
    assert unclaimed.poll() is None
    warm.stop_unclaimed()
    assert unclaimed.poll() is not None


def test_an_adopted_process_is_stopped_by_ctrl_c_and_a_cancelled_run_refuses_it(tmp_path: Path) -> None:
    processes = ProcessGroup()
    adopted = spawn_long_lived(["node", str(warm.MIGRATE_WORKER), str(tmp_path)], cwd=tmp_path)
    processes.adopt(adopted)
    processes.terminate_all()
    assert adopted.wait(timeout=10) is not None
    late = spawn_long_lived(["node", str(warm.MIGRATE_WORKER), str(tmp_path)], cwd=tmp_path)
    with pytest.raises(Cancelled):
        processes.adopt(late)
    assert late.poll() is not None


def test_a_head_start_nobody_takes_does_not_outlive_the_command(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from azora_tasks.toolchain import warm
        warm.prestart(warm.MIGRATE_WORKER, Path({str(tmp_path)!r}))
        print(next(iter(warm._waiting.values())).pid)
        """
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert not _alive(int(completed.stdout.strip()))
