"""A head start for the migrate worker: Node boots while Python is still importing the tool.

`azora-tasks migrate` on PostgreSQL starts by reading every selected service's
database in the migrate worker (`migrate/batchread.py`). Node needs ~0.1 s to
boot and load `pg`, and Python about as long to import azora-tasks and read the
manifest; one after the other, they add up on every run (a 190-service no-op is
well under a second, so a tenth of it shows). So `cli.main` calls `prestart`
before it imports anything heavy, and the first `NodeWorker` for the same script
and root takes the process over (`take`, then `ProcessGroup.adopt`). A process
nobody takes (the run stopped early, or needed no worker) is stopped at exit.

Only a guess decides the head start (`wants_head_start`), so being wrong costs
one idle Node start and nothing else: the worker that is taken is the very
process a normal start would have made, given the same script and root.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path

from azora_tasks.paths import NODE_DIR
from azora_tasks.process import spawn_long_lived
from azora_tasks.toolchain.node_command import node_command

MIGRATE_WORKER = NODE_DIR / "migrate_worker.cjs"
PRELOAD_ENV = "AZORA_WORKER_PRELOAD"  # the worker loads `pg` while it waits for its first request

_lock = threading.Lock()
_waiting: dict[tuple[Path, Path], subprocess.Popen[str]] = {}


def prestart(script: Path, root: Path) -> None:
    """Start `node <script> <root>` now, for the first worker of that script and root to take."""
    key = (script.resolve(), root.resolve())
    with _lock:
        if key in _waiting:
            return
        try:
            process = spawn_long_lived(node_command(str(script), str(root), project=root), cwd=root, env={**os.environ, PRELOAD_ENV: "pg"})
        except OSError:
            return  # no Node: the worker reports it, with the fix, when it is really needed
        if not _waiting:
            atexit.register(stop_unclaimed)
        _waiting[key] = process


def take(script: Path, root: Path) -> subprocess.Popen[str] | None:
    """The process `prestart` made for this script and root, if it is still alive; else None."""
    with _lock:
        process = _waiting.pop((script.resolve(), root.resolve()), None)
    if process is not None and process.poll() is not None:
        return None  # it died early (a broken install): a normal start reports why
    return process


def stop_unclaimed() -> None:
    """Stop every head-started process nobody took (closing stdin ends a worker cleanly)."""
    with _lock:
        processes = list(_waiting.values())
        _waiting.clear()
    for process in processes:
        try:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()


def wants_head_start(arguments: Sequence[str], cwd: Path | None = None) -> Path | None:
    """The monorepo root when `arguments` are a `migrate` run that will likely read PostgreSQL.

    A guess from the raw arguments and the manifest's text, made before the workflow,
    rich and the tasks are imported: `migrate` is the command, the fast paths are on (no
    `--engine prisma`), no `--help`, and the manifest or the environment mentions PostgreSQL.
    """
    words = list(arguments)
    command = next((word for word in words if not word.startswith("-")), None)
    if command != "migrate" or {"-h", "--help", "--explain"} & set(words) or _option(words, "--engine") == "prisma":
        return None
    from azora_tasks.database import ENV_TEMPLATE  # here: only a migrate run pays for these imports this early
    from azora_tasks.manifest import ManifestError, find_manifest

    given = _option(words, "--manifest")
    try:
        manifest = Path(given) if given else find_manifest(cwd)
        text = manifest.read_text(encoding="utf-8")
    except (ManifestError, OSError):
        return None  # the run itself reports a missing manifest
    mentioned = "postgres" in text or any(value.startswith("postgres") for key, value in os.environ.items() if key.startswith(ENV_TEMPLATE))
    return manifest.resolve().parent if mentioned else None


def _option(words: list[str], name: str) -> str | None:
    for index, word in enumerate(words):
        if word == name and index + 1 < len(words):
            return words[index + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None
